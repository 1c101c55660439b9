'use strict';
// A DATA reply that channel packets cut (a 32 KiB read's reply always is)
// is not gathered: its data is copied from each chunk straight into the
// reader's buffer as the chunk arrives, and the reply is answered with its
// last byte. Whatever the cut, the bytes and the length reported are the
// ones sent, and a reply that lies about its length is still refused.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { SFTPStream } = require('..');

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function packet(type, body) {
  return Buffer.concat([u32(body.length + 1), Buffer.from([type]), body]);
}

const VERSION = packet(2, u32(3));
const dataReply = (id, data, extra = Buffer.alloc(0)) => packet(103, Buffer.concat([u32(id), u32(data.length), data, extra]));
const statusReply = (id, code) => packet(101, Buffer.concat([u32(id), u32(code), u32(0), u32(0)]));

/** A client past its handshake; `reads` readData calls of `len` bytes into buffers of `size`. */
function client(reads, len, size = len) {
  const c = new SFTPStream();
  c.resume();
  c.write(VERSION);
  const bufs = [];
  const results = [];
  for (let i = 0; i < reads; i++) {
    const buf = Buffer.alloc(size);
    bufs.push(buf);
    c.readData(Buffer.from('h'), buf, 0, len, 0, (err, n) => results.push(err ? err.message : n));
  }
  return { c, bufs, results };
}

test('a DATA reply cut at every offset arrives byte-exact, answered once whole', () => {
  const a = crypto.randomBytes(600);
  const b = crypto.randomBytes(300);
  // Replies to requests 0, 1 and 2: data, data with bytes after it, EOF.
  const stream = Buffer.concat([dataReply(0, a), dataReply(1, b, Buffer.from('extra')), statusReply(2, 1)]);
  for (let cut = 1; cut < stream.length; cut++) {
    for (const second of [cut, cut + 1, cut + 13, stream.length]) {
      const { c, bufs, results } = client(3, 600);
      c.write(Buffer.from(stream.subarray(0, cut)));
      c.write(Buffer.from(stream.subarray(cut, second)));
      c.write(Buffer.from(stream.subarray(second)));
      assert.deepStrictEqual(results, [600, 300, 0], `cut at ${cut}, ${second}`);
      assert.ok(bufs[0].equals(a), `cut at ${cut}, ${second}`);
      assert.ok(bufs[1].subarray(0, 300).equals(b), `cut at ${cut}, ${second}`);
      assert.ok(bufs[1].subarray(300).equals(Buffer.alloc(300)), 'nothing past the data');
    }
  }
});

test("a cut reply's data is in the reader's buffer before its last byte comes", () => {
  const data = crypto.randomBytes(32768);
  const reply = dataReply(0, data);
  const { c, bufs, results } = client(1, 32768);
  c.write(reply.subarray(0, 20000));
  // Copied on arrival, not gathered: the bytes so far are already there.
  assert.ok(bufs[0].subarray(0, 20000 - 13).equals(data.subarray(0, 20000 - 13)));
  assert.deepStrictEqual(results, []);
  c.write(reply.subarray(20000));
  assert.deepStrictEqual(results, [32768]);
  assert.ok(bufs[0].equals(data));
});

test('one byte per write, and a reply longer than asked for is refused without overrunning', () => {
  const data = crypto.randomBytes(100);
  const { c, bufs, results } = client(2, 50, 50);
  const stream = Buffer.concat([dataReply(0, data.subarray(0, 50)), dataReply(1, data)]);
  for (const byte of stream) c.write(Buffer.from([byte]));
  assert.deepStrictEqual(results, [50, 'Received more data than requested']);
  assert.ok(bufs[0].equals(data.subarray(0, 50)));
  assert.ok(bufs[1].equals(data.subarray(0, 50)), 'cut to the buffer');
});

test('a DATA length of 2^32-1 or one past its packet is a malformed packet, however fed', async () => {
  for (const lie of [0xffffffff, 41]) {
    for (const step of [1, 7, 1000]) {
      const { c, results } = client(1, 100);
      const reply = dataReply(0, Buffer.alloc(40, 9));
      reply.writeUInt32BE(lie, 9);
      const failed = new Promise((resolve) => c.once('error', resolve));
      for (let at = 0; at < reply.length; at += step) c.write(reply.subarray(at, at + step));
      const err = await failed;
      assert.strictEqual(err.message, 'Malformed packet', `length ${lie}, step ${step}`);
      assert.deepStrictEqual(results, ['SFTP session ended early']);
    }
  }
});

test('a session that ends inside a reply fails the read and writes no more into its buffer', async () => {
  const data = crypto.randomBytes(1000);
  const reply = dataReply(0, data);
  const { c, bufs, results } = client(1, 1000);
  c.write(reply.subarray(0, 500));
  c.end();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepStrictEqual(results, ['SFTP session ended early']);
  assert.ok(bufs[0].subarray(500 - 13).equals(Buffer.alloc(1000 - 500 + 13)));
});
