'use strict';
// SFTP bulk data is not copied on its way in or out: a WRITE request or a
// DATA reply that lies whole in the chunk written to the stream reaches JS
// as a view of that chunk, and so does a WRITE's data alone when the chunk
// before held its head (as ssh2's client sends them: head and data in
// channel packets of their own); data cut across chunks is gathered into a
// copy. Whatever the cut, the bytes and offsets that arrive are the ones
// sent.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { SFTPStream } = require('..');

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function str(b) {
  return Buffer.concat([u32(b.length), b]);
}

function packet(type, body) {
  return Buffer.concat([u32(body.length + 1), Buffer.from([type]), body]);
}

const INIT = packet(1, u32(3));

function write(id, handle, offset, data) {
  const off = Buffer.alloc(8);
  off.writeBigUInt64BE(BigInt(offset));
  return packet(6, Buffer.concat([u32(id), str(handle), off, str(data)]));
}

/** Whether `d` is a view of memory of `chunk` (small Buffers share Node's pool). */
function within(d, chunk) {
  return d.buffer === chunk.buffer && d.byteOffset >= chunk.byteOffset && d.byteOffset + d.length <= chunk.byteOffset + chunk.length;
}

/** A server fed `chunks`; resolves to its WRITE events as [id, handle, offset, data, chunk index]. */
function serverWrites(chunks) {
  const server = new SFTPStream({ server: true });
  server.resume();
  const seen = [];
  let current = -1;
  server.on('WRITE', (id, handle, offset, data) => seen.push([id, handle.toString(), offset, data, current]));
  chunks.forEach((c, i) => {
    current = i;
    server.write(c);
  });
  return new Promise((resolve) => setImmediate(() => resolve(seen)));
}

test('WRITE data whole in a chunk is a view of that chunk', async () => {
  const data = crypto.randomBytes(32768);
  const chunk = Buffer.concat([INIT, write(7, Buffer.from('h1'), 2 ** 33 + 5, data)]);
  const [[id, handle, offset, got]] = await serverWrites([chunk]);
  assert.deepStrictEqual([id, handle, offset], [7, 'h1', 2 ** 33 + 5]);
  assert.ok(got.equals(data));
  assert.strictEqual(got.buffer, chunk.buffer, 'the same memory as the chunk');
  assert.strictEqual(got.byteOffset, chunk.byteOffset + chunk.length - data.length);
});

test('WRITE data cut across chunks arrives whole, at every cut', async () => {
  const data = crypto.randomBytes(300);
  const stream = Buffer.concat([INIT, write(1, Buffer.from('a'), 0, data), write(2, Buffer.from('b'), 300, Buffer.alloc(0)), write(3, Buffer.from('c'), 600, data)]);
  for (let cut = 1; cut < stream.length; cut++) {
    const chunks = [Buffer.from(stream.subarray(0, cut)), Buffer.from(stream.subarray(cut))];
    const seen = await serverWrites(chunks);
    assert.deepStrictEqual(
      seen.map(([id, h, off, d]) => [id, h, off, d.toString('hex')]),
      [
        [1, 'a', 0, data.toString('hex')],
        [2, 'b', 300, ''],
        [3, 'c', 600, data.toString('hex')],
      ],
      `cut at ${cut}`
    );
    for (const [id, , , d, i] of seen) {
      if (d.length === 0) continue;
      // Data cut across the chunks was gathered into its own copy (the
      // chunks written are left alone); data whole in one is a view of it.
      const view = within(d, chunks[i]);
      const end = id === 1 ? INIT.length + write(1, Buffer.from('a'), 0, data).length : stream.length;
      const start = end - data.length;
      const inOneChunk = i === 0 ? end <= cut : start >= cut;
      assert.strictEqual(view, inOneChunk, `request ${id}, cut at ${cut}`);
    }
  }
});

test('DATA replies reach readData intact however the client is fed', async () => {
  const file = crypto.randomBytes(200000);
  const server = new SFTPStream({ server: true });
  const client = new SFTPStream();
  server.on('OPEN', (id) => server.handle(id, Buffer.from('h')));
  server.on('READ', (id, _h, offset, len) => {
    const d = file.subarray(offset, offset + len);
    if (d.length) server.data(id, d);
    else server.status(id, SFTPStream.STATUS_CODE.EOF);
  });
  // Server to client through odd-sized chunks, so that replies are cut anywhere.
  let rnd = 12345;
  server.on('data', (b) => {
    for (let at = 0; at < b.length; ) {
      rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
      const n = 1 + (rnd % 40000);
      client.write(Buffer.from(b.subarray(at, at + n)));
      at += n;
    }
  });
  client.pipe(server);
  await new Promise((r) => client.once('ready', r));
  const handle = await new Promise((res, rej) => client.open('/f', 'r', (err, h) => (err ? rej(err) : res(h))));
  const got = Buffer.alloc(file.length);
  const reads = [];
  for (let pos = 0; pos < file.length; pos += 32768) {
    const len = Math.min(32768, file.length - pos);
    reads.push(
      new Promise((res, rej) =>
        client.readData(handle, got, pos, len, pos, (err, n) => (err ? rej(err) : n === len ? res() : rej(new Error(`short read ${n}`))))
      )
    );
  }
  await Promise.all(reads);
  assert.ok(got.equals(file));
});
