'use strict';
// Issue 16, row 4: readFile trusts the size FSTAT reports. A server saying
// 2^53 made Buffer.allocUnsafe throw a RangeError out of the client's
// write(); one saying 1 GiB had 1 GiB allocated before a byte arrived. Now
// a size no Buffer can hold is an error to the callback, and the memory
// readFile takes grows with the data that arrives. No timing: the bounds
// are on the READ lengths the client asks for and on its ArrayBuffer bytes.

const test = require('node:test');
const assert = require('node:assert');
const { SFTPStream } = require('../..');

const T = { INIT: 1, OPEN: 3, CLOSE: 4, READ: 5, FSTAT: 8, VERSION: 2, STATUS: 101, HANDLE: 102, DATA: 103, ATTRS: 105 };
const FIRST_READ = 64 * 1024;

function packet(type, ...fields) {
  const body = Buffer.concat([Buffer.from([type]), ...fields]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
};
const str = (b) => Buffer.concat([u32(b.length), b]);

/**
 * A client SFTPStream answered by a scripted server: the file's FSTAT says
 * `claimed` bytes, its READs return `content`. `reads` records each READ's
 * length with what had been sent before it, and `arrayBuffers` the
 * client's ArrayBuffer bytes when each READ arrived.
 */
function scriptedServer(claimed, content) {
  const client = new SFTPStream();
  const log = { reads: [], arrayBuffers: [], closed: 0 };
  let sent = 0;
  let pending = Buffer.alloc(0);
  const reply = (p) => process.nextTick(() => client.write(p));
  client.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const p = pending.subarray(4, 4 + pending.readUInt32BE(0));
      pending = pending.subarray(4 + p.length);
      const type = p[0];
      if (type === T.INIT) {
        reply(packet(T.VERSION, u32(3)));
        continue;
      }
      const id = u32(p.readUInt32BE(1));
      if (type === T.OPEN) reply(packet(T.HANDLE, id, str(Buffer.from('h'))));
      else if (type === T.FSTAT) {
        const size = Buffer.alloc(8);
        size.writeBigUInt64BE(BigInt(claimed), 0);
        reply(packet(T.ATTRS, id, u32(1), size));
      } else if (type === T.READ) {
        const hlen = p.readUInt32BE(5);
        const offset = Number(p.readBigUInt64BE(9 + hlen));
        const len = p.readUInt32BE(17 + hlen);
        log.reads.push({ len, sentBefore: sent });
        log.arrayBuffers.push(process.memoryUsage().arrayBuffers);
        const data = content.subarray(offset, offset + len);
        sent += data.length;
        reply(data.length ? packet(T.DATA, id, str(data)) : packet(T.STATUS, id, u32(1), str(Buffer.from('EOF')), str(Buffer.alloc(0))));
      } else if (type === T.CLOSE) {
        log.closed++;
        reply(packet(T.STATUS, id, u32(0), str(Buffer.alloc(0)), str(Buffer.alloc(0))));
      }
    }
  });
  const ready = new Promise((resolve) => client.once('ready', resolve));
  return { client, log, ready };
}

function readFile(client, path) {
  return new Promise((resolve) => client.readFile(path, (err, data) => resolve({ err, data })));
}

test('readFile: a size of 2^53 (and 2^64-1) is an error to the callback, and the handle is closed', async () => {
  for (const claimed of [2 ** 53, 2n ** 64n - 1n]) {
    const { client, log, ready } = scriptedServer(claimed, Buffer.alloc(0));
    await ready;
    const { err, data } = await readFile(client, '/huge');
    assert.ok(err instanceof RangeError, String(err));
    assert.match(err.message, /largest Buffer/);
    assert.strictEqual(data, undefined);
    assert.deepStrictEqual(log.reads, []);
    assert.strictEqual(log.closed, 1);
  }
});

test('readFile: a claimed 1 GiB of which 100 KiB arrives takes memory for what arrived', async () => {
  const content = Buffer.alloc(100 * 1024, 7);
  const { client, log, ready } = scriptedServer(2 ** 30, content);
  await ready;
  const before = process.memoryUsage().arrayBuffers;
  const { err, data } = await readFile(client, '/liar');
  assert.ifError(err);
  assert.ok(data.equals(content));
  // Each READ asks for no more than what already arrived, after the first.
  for (const { len, sentBefore } of log.reads) assert.ok(len <= Math.max(FIRST_READ, sentBefore), JSON.stringify(log.reads));
  // Generous: 1 GiB would be 16 times over it.
  for (const ab of log.arrayBuffers) assert.ok(ab - before < 64 * 1024 * 1024, `${ab - before} ArrayBuffer bytes`);
  assert.strictEqual(log.closed, 1);
});

test('readFile: a true size, and a size of 0 (read until EOF), still give the whole file', async () => {
  const content = Buffer.from(Array.from({ length: 300 * 1024 + 17 }, (_, i) => i & 0xff));
  for (const claimed of [content.length, 0, 10]) {
    const { client, log, ready } = scriptedServer(claimed, content);
    await ready;
    const { err, data } = await readFile(client, '/f');
    assert.ifError(err);
    // A size that is too small is read to that size, as 0.4.10 did.
    assert.ok(data.equals(claimed === 10 ? content.subarray(0, 10) : content), `claimed ${claimed}: ${data.length}`);
    assert.strictEqual(log.closed, 1);
  }
});
