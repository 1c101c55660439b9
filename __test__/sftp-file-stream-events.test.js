'use strict';
// The events of createWriteStream and createReadStream, as today's fs
// streams have them on every Node from 18 on: 'open', 'ready', 'finish'
// (writes) or 'end' (reads), then 'close'; an error is one 'error', then
// 'close'. First what ssh2-sftp-client@6's put() and append() do, through
// ssh2@0.8.9's Client and OpenSSH's sshd and sftp-server (put waits for
// 'finish', which never came on Node 18 and later); then the edges, against
// a scripted SFTPStream server.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Readable } = require('stream');
const { SFTPStream } = require('..');
const { missing, missingSftpServer, keygen, tmpDir, startSshd } = require('./helpers/openssh');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');

const { STATUS_CODE } = SFTPStream;
const skip = missing() || missingSftpServer();
const STREAM_EVENTS = ['open', 'ready', 'finish', 'end', 'close'];

/** Records a stream's events in order; `done` resolves on 'close' with them. */
function record(stream) {
  const events = [];
  for (const name of STREAM_EVENTS) stream.on(name, () => events.push(name));
  stream.on('error', (err) => events.push(`error: ${err.message}`));
  const done = new Promise((resolve) => stream.on('close', () => resolve(events)));
  return { events, done };
}

/** Our SFTPStream client piped to an ssh2@0.8.9 sftp() session of sshd's sftp-server. */
async function ssh2Sftp(t) {
  const { Client } = loadSsh2('ours');
  const dir = tmpDir('ssh2sn-put-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const user = keygen(dir, 'user', 'ed25519');
  const sshd = await startSshd({ authorizedKeys: [user.pub] });
  t.after(() => sshd.stop());
  const conn = await new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c)).once('error', reject);
    c.connect({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: user.priv, readyTimeout: 20000 });
  });
  t.after(() => conn.end());
  const sftp = await new Promise((resolve, reject) => conn.sftp((err, s) => (err ? reject(err) : resolve(s))));
  return { sftp, dir };
}

test("ssh2-sftp-client's put() and append() through ssh2@0.8.9 and OpenSSH: 'finish', then 'close'", { skip }, async (t) => {
  const { sftp, dir } = await ssh2Sftp(t);
  const file = path.join(dir, 'put.bin');
  const first = crypto.randomBytes(3 * 1024 * 1024 + 5);
  const second = crypto.randomBytes(70000);
  const third = Buffer.from('tail');
  const expected = [];

  // put(localStream): a readable piped in, flags 'w' (put's default options).
  let ws = sftp.createWriteStream(file, { flags: 'w', encoding: null, mode: 0o666, autoClose: true });
  let rec = record(ws);
  Readable.from([first.subarray(0, 100000), first.subarray(100000)]).pipe(ws);
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'finish', 'close']);
  assert.ok(fs.readFileSync(file).equals(first));
  assert.strictEqual(ws.bytesWritten, first.length);

  // put(buffer): end(buffer).
  ws = sftp.createWriteStream(file, { flags: 'w' });
  rec = record(ws);
  ws.end(second);
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'finish', 'close']);
  assert.ok(fs.readFileSync(file).equals(second));
  expected.push(second);

  // append(stream) and append(buffer): flags 'a', written at the current size.
  ws = sftp.createWriteStream(file, { flags: 'a' });
  rec = record(ws);
  Readable.from([first]).pipe(ws);
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'finish', 'close']);
  expected.push(first);
  ws = sftp.createWriteStream(file, { flags: 'a' });
  rec = record(ws);
  ws.end(third);
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'finish', 'close']);
  expected.push(third);
  assert.ok(fs.readFileSync(file).equals(Buffer.concat(expected)));

  // get(): a read stream, 'end' then 'close'.
  const rs = sftp.createReadStream(file);
  rec = record(rs);
  const got = [];
  rs.on('data', (d) => got.push(d));
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'end', 'close']);
  assert.ok(Buffer.concat(got).equals(Buffer.concat(expected)));
});

/**
 * A client joined to a server SFTPStream whose requests the test answers:
 * `answer[NAME](id, ...args)` per request type, on a later turn as a real
 * server would (the pipe is synchronous); every request is logged.
 */
async function scripted(t, answer) {
  const server = new SFTPStream({ server: true });
  const client = new SFTPStream();
  const requests = [];
  const handle = Buffer.from('h1');
  const defaults = {
    OPEN: (id) => server.handle(id, handle),
    FSETSTAT: (id) => server.status(id, STATUS_CODE.OK),
    FSTAT: (id) => server.attrs(id, { size: 10 }),
    WRITE: (id) => server.status(id, STATUS_CODE.OK),
    READ: (id) => server.status(id, STATUS_CODE.EOF),
    CLOSE: (id) => server.status(id, STATUS_CODE.OK),
  };
  for (const name of Object.keys(defaults)) {
    server.on(name, (id, ...args) => {
      requests.push(name);
      setImmediate(() => (answer[name] || defaults[name])(id, ...args));
    });
  }
  client.pipe(server).pipe(client);
  t.after(() => client.end());
  await new Promise((resolve) => client.once('ready', resolve));
  return { client, server, requests };
}

test("write stream: end() with nothing written still opens the file before 'finish'; then the handle is closed, then 'close'", async (t) => {
  const { client, requests } = await scripted(t, {});
  const ws = client.createWriteStream('/f');
  const rec = record(ws);
  let finishedAfter;
  ws.on('finish', () => (finishedAfter = requests.slice()));
  ws.end();
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'finish', 'close']);
  assert.deepStrictEqual(finishedAfter, ['OPEN', 'FSETSTAT']);
  assert.deepStrictEqual(requests, ['OPEN', 'FSETSTAT', 'CLOSE']);
  assert.strictEqual(ws.closed, true);
});

test("write stream: a failed WRITE is one 'error', then the handle is closed and 'close'", async (t) => {
  const { client, server, requests } = await scripted(t, {
    WRITE: (id) => server.status(id, STATUS_CODE.FAILURE, 'disk full'),
  });
  const ws = client.createWriteStream('/f');
  const rec = record(ws);
  ws.cork();
  ws.write(Buffer.from('a'));
  ws.write(Buffer.from('b'));
  ws.uncork();
  ws.end(Buffer.from('c'));
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'error: disk full', 'close']);
  assert.deepStrictEqual(requests, ['OPEN', 'FSETSTAT', 'WRITE', 'WRITE', 'CLOSE']);
});

test("write stream: a failed OPEN is one 'error', then 'close', with no CLOSE sent", async (t) => {
  const { client, server, requests } = await scripted(t, {
    OPEN: (id) => server.status(id, STATUS_CODE.PERMISSION_DENIED, 'no'),
  });
  const ws = client.createWriteStream('/f');
  const rec = record(ws);
  ws.end(Buffer.from('x'));
  assert.deepStrictEqual(await rec.done, ['error: no', 'close']);
  assert.deepStrictEqual(requests, ['OPEN']);
});

test("write stream with autoClose false: 'finish' keeps the handle; close(cb) closes it", async (t) => {
  const { client, requests } = await scripted(t, {});
  const ws = client.createWriteStream('/f', { autoClose: false });
  const rec = record(ws);
  await new Promise((resolve) => ws.end(Buffer.from('x'), resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepStrictEqual(rec.events, ['open', 'ready', 'finish']);
  assert.deepStrictEqual(requests, ['OPEN', 'FSETSTAT', 'WRITE']);
  await new Promise((resolve) => ws.close(resolve));
  assert.deepStrictEqual(rec.events, ['open', 'ready', 'finish', 'close']);
  assert.deepStrictEqual(requests, ['OPEN', 'FSETSTAT', 'WRITE', 'CLOSE']);
});

test('write stream: destroy() while opening closes the handle once it comes, then emits close', async (t) => {
  const { client, requests } = await scripted(t, {});
  const ws = client.createWriteStream('/f');
  const rec = record(ws);
  ws.destroy();
  assert.deepStrictEqual(await rec.done, ['close']);
  assert.deepStrictEqual(requests, ['OPEN', 'CLOSE']);
});

test('write stream: destroy() between OPEN and FSETSTAT closes the handle without emitting open', async (t) => {
  const streams = [];
  const { client, server, requests } = await scripted(t, {
    FSETSTAT: (id) => {
      streams[0].destroy();
      server.status(id, STATUS_CODE.OK);
    },
  });
  streams.push(client.createWriteStream('/f'));
  const rec = record(streams[0]);
  assert.deepStrictEqual(await rec.done, ['close']);
  assert.deepStrictEqual(requests, ['OPEN', 'FSETSTAT', 'CLOSE']);
});

test("read stream: 'end', then the handle is closed, then 'close'; a failed READ is one 'error', then 'close'", async (t) => {
  const { client, server, requests } = await scripted(t, {
    READ: (id, _handle, offset) => (offset === 0 ? server.data(id, Buffer.from('hello')) : server.status(id, STATUS_CODE.EOF)),
  });
  const rs = client.createReadStream('/f');
  let rec = record(rs);
  const got = [];
  rs.on('data', (d) => got.push(d));
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'end', 'close']);
  assert.strictEqual(Buffer.concat(got).toString(), 'hello');
  assert.deepStrictEqual(requests, ['OPEN', 'READ', 'READ', 'CLOSE']);

  const { client: c2, server: s2, requests: r2 } = await scripted(t, {
    READ: (id) => s2.status(id, STATUS_CODE.FAILURE, 'bad sector'),
  });
  const failing = c2.createReadStream('/f');
  rec = record(failing);
  failing.resume();
  assert.deepStrictEqual(await rec.done, ['open', 'ready', 'error: bad sector', 'close']);
  assert.deepStrictEqual(r2, ['OPEN', 'READ', 'CLOSE']);
});
