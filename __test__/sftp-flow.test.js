'use strict';
// fastGet against servers that misbehave in the ways real ones do: short
// reads, an error halfway, a session that ends mid-transfer. The transfer
// must finish correctly or report one error, and never hang. Also: 64-bit
// offsets, and replies to requests never sent.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { SFTPStream } = require('..');

const { STATUS_CODE } = SFTPStream;

/**
 * A client piped to an in-memory server holding `files` ({ name: Buffer }).
 * `onRead(id, name, offset, len, reply)` may replace the READ handler;
 * `reply(bytes)` answers with data (EOF past the end).
 */
async function fakeServer(t, files, onRead) {
  const server = new SFTPStream({ server: true });
  const client = new SFTPStream();
  const handles = new Map();
  const log = { closes: 0, reads: 0 };
  let next = 0;
  server.on('OPEN', (id, name) => {
    if (!files[name]) files[name] = Buffer.alloc(0);
    const h = Buffer.from(String(next++));
    handles.set(h.toString(), name);
    server.handle(id, h);
  });
  server.on('FSTAT', (id, h) => server.attrs(id, { size: files[handles.get(h.toString())].length }));
  server.on('READ', (id, h, offset, len) => {
    log.reads++;
    const name = handles.get(h.toString());
    const reply = (n = len) => {
      const data = files[name].subarray(offset, offset + Math.min(n, len));
      if (data.length === 0) server.status(id, STATUS_CODE.EOF);
      else server.data(id, data);
    };
    if (onRead) onRead(id, name, offset, len, reply, server);
    else reply();
  });
  server.on('CLOSE', (id) => {
    log.closes++;
    server.status(id, STATUS_CODE.OK);
  });
  client.pipe(server).pipe(client);
  await new Promise((r) => client.once('ready', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-flow-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { client, server, log, local: (n) => path.join(dir, n) };
}

/** fastGet that resolves to the list of callback calls once it settles. */
async function fastGet(client, remote, local, opts = {}) {
  const calls = [];
  client.fastGet(remote, local, opts, (err) => calls.push(err || null));
  const end = Date.now() + 10000;
  while (!calls.length && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50)); // time for a second call, if any
  assert.ok(calls.length > 0, 'fastGet never called back (a hang)');
  assert.strictEqual(calls.length, 1, 'one callback');
  return calls[0];
}

test('short reads: every READ answered with at most 1000 bytes, the copy is still exact', async (t) => {
  const files = { f: crypto.randomBytes(200 * 1024 + 17) };
  const { client, local } = await fakeServer(t, files, (id, name, offset, len, reply) => reply(1000));
  assert.strictEqual(await fastGet(client, 'f', local('f'), { concurrency: 8, chunkSize: 4096 }), null);
  assert.ok(fs.readFileSync(local('f')).equals(files.f));
});

test('sizes: empty, one byte, one chunk exactly, one past it', async (t) => {
  for (const size of [0, 1, 32768, 32769]) {
    const files = { f: crypto.randomBytes(size) };
    const { client, local } = await fakeServer(t, files);
    assert.strictEqual(await fastGet(client, 'f', local(`f${size}`)), null);
    assert.ok(fs.readFileSync(local(`f${size}`)).equals(files.f), `size ${size}`);
  }
});

test('an error halfway: one callback with it, and the remote handle closed', async (t) => {
  const files = { f: crypto.randomBytes(512 * 1024) };
  const { client, log, local } = await fakeServer(t, files, (id, name, offset, len, reply, server) => {
    if (offset >= 256 * 1024) server.status(id, STATUS_CODE.FAILURE, 'disk on fire');
    else reply();
  });
  const err = await fastGet(client, 'f', local('f'), { concurrency: 4 });
  assert.ok(err && err.message === 'disk on fire' && err.code === STATUS_CODE.FAILURE, String(err));
  assert.strictEqual(log.closes, 1, 'the remote handle was closed');
});

test('the session ends mid-transfer: one callback with an error, no hang', async (t) => {
  const files = { f: crypto.randomBytes(1024 * 1024) };
  let reads = 0;
  const { client, local } = await fakeServer(t, files, (id, name, offset, len, reply, server) => {
    if (++reads === 5) server.end();
    else if (reads < 5) reply();
  });
  const err = await fastGet(client, 'f', local('f'), { concurrency: 2 });
  assert.ok(err instanceof Error, String(err));
});

test('offsets past 4 GiB travel as 64-bit values both ways', async (t) => {
  const { client, server } = await fakeServer(t, { big: Buffer.alloc(0) });
  const seen = [];
  server.removeAllListeners('READ');
  server.on('READ', (id, h, offset, len) => {
    seen.push(['READ', offset, len]);
    server.data(id, Buffer.from('0123456789').subarray(0, len));
  });
  server.on('WRITE', (id, h, offset, data) => {
    seen.push(['WRITE', offset, data.toString()]);
    server.status(id, STATUS_CODE.OK);
  });
  const handle = await new Promise((res, rej) => client.open('big', 'r+', (e, h) => (e ? rej(e) : res(h))));
  const buf = Buffer.alloc(10);
  const [n] = await new Promise((res, rej) => client.readData(handle, buf, 0, 10, 2 ** 32 + 5, (e, ...r) => (e ? rej(e) : res(r))));
  assert.strictEqual(n, 10);
  await new Promise((res, rej) => client.writeData(handle, Buffer.from('hi'), 0, 2, 2 ** 40 + 7, (e) => (e ? rej(e) : res())));
  await new Promise((res, rej) => client.writeData(handle, Buffer.from('max'), 0, 3, Number.MAX_SAFE_INTEGER - 3, (e) => (e ? rej(e) : res())));
  assert.deepStrictEqual(seen, [
    ['READ', 2 ** 32 + 5, 10],
    ['WRITE', 2 ** 40 + 7, 'hi'],
    ['WRITE', Number.MAX_SAFE_INTEGER - 3, 'max'],
  ]);
});

test('a reply to a request never sent is dropped; the session goes on', async (t) => {
  const { client, server } = await fakeServer(t, { f: Buffer.from('abc') });
  const errors = [];
  client.on('error', (e) => errors.push(e));
  server.status(123456, STATUS_CODE.OK);
  server.handle(654321, Buffer.from('h'));
  const data = await new Promise((res, rej) => client.readFile('f', (e, d) => (e ? rej(e) : res(d))));
  assert.strictEqual(data.toString(), 'abc');
  assert.deepStrictEqual(errors, []);
});

test("a server's limits@openssh.com caps the client's reads and writes", async () => {
  const server = new SFTPStream({ server: true, extensions: { 'limits@openssh.com': '1' } });
  const client = new SFTPStream();
  const u64 = (n) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    return b;
  };
  server.on('EXTENDED', (id, name) => {
    assert.strictEqual(name, 'limits@openssh.com');
    // max packet, max read, max write, max open handles
    server.extendedReply(id, Buffer.concat([u64(16384), u64(4096), u64(3000), u64(10)]));
  });
  server.on('OPEN', (id) => server.handle(id, Buffer.from('h')));
  const seen = [];
  server.on('READ', (id, h, offset, len) => {
    seen.push(['READ', len]);
    server.data(id, Buffer.alloc(len));
  });
  server.on('WRITE', (id, h, offset, data) => {
    seen.push(['WRITE', data.length]);
    server.status(id, STATUS_CODE.OK);
  });
  client.pipe(server).pipe(client);
  await new Promise((r) => client.once('ready', r));
  await new Promise((r) => setImmediate(r)); // the limits reply
  assert.deepStrictEqual(client._state.limits, { maxPacketLength: 16384, maxReadLength: 4096, maxWriteLength: 3000, maxOpenHandles: 10 });
  const handle = await new Promise((res, rej) => client.open('f', 'r+', (e, h) => (e ? rej(e) : res(h))));
  const [n] = await new Promise((res, rej) => client.readData(handle, Buffer.alloc(100000), 0, 100000, 0, (e, ...r) => (e ? rej(e) : res(r))));
  assert.strictEqual(n, 4096);
  await new Promise((res, rej) => client.writeData(handle, Buffer.alloc(7000), 0, 7000, 0, (e) => (e ? rej(e) : res())));
  assert.deepStrictEqual(seen, [
    ['READ', 4096],
    ['WRITE', 3000],
    ['WRITE', 3000],
    ['WRITE', 1000],
  ]);
});
