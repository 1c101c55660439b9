'use strict';
// A client's commonest replies (DATA, a STATUS of OK) and a server's READ
// requests come from the engine as numbers in a Float64Array rather than
// as arrays (src/node/sftp.rs feed). Whatever the mix and however many
// arrive in one chunk (more than the array holds), every request is
// answered, in the order the replies came, with what the array form gave.

const test = require('node:test');
const assert = require('node:assert');
const { SFTPStream } = require('..');

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
const str = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
const packet = (type, body) => Buffer.concat([u32(body.length + 1), Buffer.from([type]), body]);
const VERSION = packet(2, u32(3));
const data = (id, d) => packet(103, Buffer.concat([u32(id), u32(d.length), d]));
const status = (id, code, msg) => packet(101, Buffer.concat([u32(id), u32(code), str(msg), str('en')]));

test('hundreds of replies in one chunk, hot and not, answer their requests in order', () => {
  const c = new SFTPStream();
  c.resume();
  c.write(VERSION);
  const seen = [];
  const replies = [];
  const n = 300;
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) {
      c.writeData(Buffer.from('h'), Buffer.from('x'), 0, 1, i, (err) => seen.push([i, err ? err.message : 'ok']));
      replies.push(status(i, 0, 'Success'));
    } else if (kind === 1) {
      const buf = Buffer.alloc(8);
      c.readData(Buffer.from('h'), buf, 0, 8, i, (err, nb) => seen.push([i, err ? err.message : buf.subarray(0, nb).toString()]));
      replies.push(data(i, Buffer.from(`d${i}`)));
    } else if (kind === 2) {
      c.close(Buffer.from('h'), (err) => seen.push([i, err ? `${err.code} ${err.message} ${err.lang}` : 'ok']));
      replies.push(status(i, 4, `failed ${i}`));
    } else {
      c.readData(Buffer.from('h'), Buffer.alloc(8), 0, 8, i, (err, nb) => seen.push([i, err ? `eof ${err.code}` : nb]));
      replies.push(status(i, 1, 'End of file'));
    }
  }
  c.write(Buffer.concat(replies));
  const want = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) want.push([i, 'ok']);
    else if (kind === 1) want.push([i, `d${i}`]);
    else if (kind === 2) want.push([i, `4 failed ${i} en`]);
    else want.push([i, 0]);
  }
  assert.deepStrictEqual(seen, want);
});

test('a DATA reply to a request that wants no data, or to none, is refused or dropped as before', () => {
  const c = new SFTPStream();
  c.resume();
  c.write(VERSION);
  const seen = [];
  c.open('/f', 'r', (err, h) => seen.push(err ? err.message : h));
  // Reply 0 is DATA (open wants a handle); reply 5 answers nothing.
  c.write(Buffer.concat([data(0, Buffer.from('zz')), data(5, Buffer.from('yy')), status(9, 0, '')]));
  assert.deepStrictEqual(seen, ['Unexpected data response']);
});

const INIT = packet(1, u32(3));
const u64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const read = (id, handle, offset, len) => packet(5, Buffer.concat([u32(id), u32(handle.length), handle, u64(offset), u32(len)]));
const stat = (id, path) => packet(7, Buffer.concat([u32(id), str(path)]));

test("a server's READs, hundreds in one chunk among other requests, are emitted in order with their handle, offset and length; the hot ones' handles are views of the chunk", () => {
  const s = new SFTPStream({ server: true });
  s.resume();
  s.write(INIT);
  const seen = [];
  s.on('READ', (id, handle, offset, len) => seen.push(['READ', id, handle.toString(), offset, len, handle]));
  s.on('LSTAT', (id, path) => seen.push(['LSTAT', id, path]));
  const requests = [];
  const want = [];
  for (let i = 0; i < 300; i++) {
    if (i % 5 === 4) {
      requests.push(stat(i, `/p${i}`));
      want.push(['LSTAT', i, `/p${i}`]);
    } else {
      // Offsets past 2^32 (as 64-bit values) and handles of every length up to 4.
      const offset = i * 2 ** 33 + i;
      requests.push(read(i, Buffer.from(`h${i}`.slice(0, 1 + (i % 4))), offset, 32768 - i));
      want.push(['READ', i, `h${i}`.slice(0, 1 + (i % 4)), offset, 32768 - i]);
    }
  }
  const chunk = Buffer.concat(requests);
  s.write(chunk);
  assert.deepStrictEqual(
    seen.map((e) => e.slice(0, 5)),
    want
  );
  // The first READs were hot (the array holds 64 events): their handles are views of the chunk.
  assert.ok(seen[0][5].buffer === chunk.buffer, 'the first handle is a view of the chunk');
  const views = seen.filter((e) => e[0] === 'READ' && e[5].buffer === chunk.buffer).length;
  assert.ok(views >= 60, `${views} handles are views of the chunk`);
});

test("a server's READ with no listener is answered OP_UNSUPPORTED, hot or not", () => {
  const s = new SFTPStream({ server: true });
  const out = [];
  s.on('data', (d) => out.push(d));
  s.write(INIT);
  s.write(Buffer.concat(Array.from({ length: 70 }, (_, i) => read(i, Buffer.from('h'), 0, 10))));
  const all = Buffer.concat(out);
  const codes = [];
  for (let p = 0; p < all.length; ) {
    const len = all.readUInt32BE(p);
    if (all[p + 4] === 101) codes.push([all.readUInt32BE(p + 5), all.readUInt32BE(p + 9)]);
    p += 4 + len;
  }
  assert.deepStrictEqual(codes, Array.from({ length: 70 }, (_, i) => [i, 8]));
});

const write = (id, handle, offset, data) => packet(6, Buffer.concat([u32(id), u32(handle.length), handle, u64(offset), u32(data.length), data]));

test("a server's WRITE cut after its head keeps its handle when the writer reuses the head's chunk before the data comes", () => {
  const s = new SFTPStream({ server: true });
  s.resume();
  s.write(INIT);
  const seen = [];
  s.on('WRITE', (id, handle, offset, data) => seen.push([id, handle.toString(), offset, data.toString()]));
  // Each packet's head in one chunk, its data in the next, through one buffer the writer reuses.
  const scratch = Buffer.alloc(64);
  for (let i = 0; i < 70; i++) {
    const p = write(i, Buffer.from(`hd${i}`), 2 ** 40 + i, Buffer.from(`data ${i}`));
    const cut = p.length - `data ${i}`.length;
    p.copy(scratch, 0, 0, cut);
    s.write(scratch.subarray(0, cut));
    scratch.fill(0x7a);
    p.copy(scratch, 0, cut);
    s.write(scratch.subarray(0, p.length - cut));
    scratch.fill(0x7a);
  }
  assert.deepStrictEqual(
    seen,
    Array.from({ length: 70 }, (_, i) => [i, `hd${i}`, 2 ** 40 + i, `data ${i}`])
  );
});
