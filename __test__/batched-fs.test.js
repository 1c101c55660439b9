'use strict';
// lib/sftp/batched-fs.js (fastGet/fastPut's local file, the demo SFTP
// server's files): chunks asked for while an fs call is out go together in
// the next one, every chunk's callback gets its own bytes, and `drained`
// waits for all of them. Then the demo server over it: a CLOSE sent behind
// WRITEs that are not yet acknowledged closes the fd only after them.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { SFTPStream } = require('..');
const { batchedRead, batchedWrite } = require('../lib/sftp/batched-fs');
const { serve } = require('../scripts/demo/fs-sftp-server');

function tmp(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-batched-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Counts calls of fs[name] for the rest of the test. */
function countCalls(t, name) {
  const calls = { n: 0 };
  const orig = fs[name];
  fs[name] = function counted(...args) {
    calls.n++;
    return orig.apply(this, args);
  };
  t.after(() => (fs[name] = orig));
  return calls;
}

const CHUNK = 4096;
const N = 16;

test('batchedRead: 16 adjacent reads asked for at once take 2 fs calls, each chunk gets its bytes, a chunk the call did not reach is read again, the end of the file reads 0', async (t) => {
  const file = path.join(tmp(t), 'src.bin');
  const data = crypto.randomBytes(CHUNK * N - 100); // the last chunk is short
  fs.writeFileSync(file, data);
  const fd = fs.openSync(file, 'r');
  t.after(() => fs.closeSync(fd));
  const readv = countCalls(t, 'readv');
  const read = batchedRead();
  const buf = Buffer.alloc(CHUNK * (N + 1));
  const got = await Promise.all(
    Array.from({ length: N + 1 }, (_, i) =>
      new Promise((resolve, reject) => read.submit(fd, buf, i * CHUNK, CHUNK, i * CHUNK, (err, n) => (err ? reject(err) : resolve(n))))
    )
  );
  // The first goes alone (nothing was out), the other 16 wait and go as one
  // run, which stops at the end of the file; the chunk past it is read
  // again and gets 0.
  assert.strictEqual(readv.n, 3);
  assert.deepStrictEqual(got.slice(0, N - 1), Array(N - 1).fill(CHUNK));
  assert.strictEqual(got[N - 1], CHUNK - 100);
  assert.strictEqual(got[N], 0);
  assert.ok(buf.subarray(0, data.length).equals(data));
});

test('batchedWrite: chunks out of order land where they belong; drained runs after every callback, on a later tick when none is out', async (t) => {
  const file = path.join(tmp(t), 'dst.bin');
  const fd = fs.openSync(file, 'w');
  t.after(() => fs.closeSync(fd));
  const writev = countCalls(t, 'writev');
  const write = batchedWrite();
  const data = crypto.randomBytes(CHUNK * N);
  const order = [];
  // Positions shuffled: a batch is sorted into runs of adjacent positions.
  const positions = Array.from({ length: N }, (_, i) => i).sort(() => Math.random() - 0.5);
  for (const i of positions) write.submit(fd, data, i * CHUNK, CHUNK, i * CHUNK, (err) => order.push(err || i));
  await new Promise((resolve) => write.drained(resolve));
  assert.strictEqual(order.length, N, 'drained ran after every chunk was written');
  assert.ok(order.every((x) => typeof x === 'number'), `no chunk failed: ${order}`);
  assert.ok(writev.n < N, `${writev.n} writev calls for ${N} chunks`);
  assert.ok(fs.readFileSync(file).equals(data));

  let ran = false;
  write.drained(() => (ran = true));
  assert.strictEqual(ran, false, 'not called back synchronously');
  await new Promise((r) => setImmediate(r));
  assert.strictEqual(ran, true);
});

test('batchedWrite: settle fails what waits and calls back, with drained, once the call out is back', async (t) => {
  const file = path.join(tmp(t), 'dst.bin');
  const fd = fs.openSync(file, 'w');
  t.after(() => fs.closeSync(fd));
  const write = batchedWrite();
  const data = Buffer.alloc(CHUNK * 3, 1);
  const results = [];
  // The first goes out at once; the other two wait behind it.
  for (let i = 0; i < 3; i++) write.submit(fd, data, i * CHUNK, CHUNK, i * CHUNK, (err) => results.push(err ? err.message : 'written'));
  const order = [];
  const drained = new Promise((resolve) => write.drained(() => resolve(order.push('drained'))));
  const settled = new Promise((resolve) => write.settle(new Error('stopped'), () => resolve(order.push('settled'))));
  await Promise.all([drained, settled]);
  assert.deepStrictEqual(results.slice().sort(), ['stopped', 'stopped', 'written']);
  assert.deepStrictEqual(order.sort(), ['drained', 'settled']);
  // Nothing more goes to the fd.
  const late = await new Promise((resolve) => write.submit(fd, data, 0, CHUNK, 0, resolve));
  assert.strictEqual(late && late.message, 'stopped');
});

test('demo SFTP server: a CLOSE sent right behind 64 unacknowledged WRITEs is answered after them, with every byte in the file', async (t) => {
  const root = tmp(t);
  const client = new SFTPStream();
  const server = new SFTPStream({ server: true });
  client.pipe(server).pipe(client);
  serve(server, root);
  await new Promise((r) => client.once('ready', r));
  t.after(() => client.end());

  const handle = await new Promise((resolve, reject) =>
    client.open('/up.bin', 'w', (err, h) => (err ? reject(err) : resolve(h)))
  );
  const chunk = 32 * 1024;
  const data = crypto.randomBytes(64 * chunk);
  const answers = [];
  const writes = [];
  for (let i = 0; i < 64; i++) {
    writes.push(
      new Promise((resolve) =>
        client.writeData(handle, data, i * chunk, chunk, i * chunk, (err) => {
          answers.push(err ? `write ${i}: ${err.message}` : 'write');
          resolve();
        })
      )
    );
  }
  const closed = new Promise((resolve) =>
    client.close(handle, (err) => {
      answers.push(err ? `close: ${err.message}` : 'close');
      resolve();
    })
  );
  await Promise.all([...writes, closed]);
  assert.deepStrictEqual(answers, [...Array(64).fill('write'), 'close']);
  assert.ok(fs.readFileSync(path.join(root, 'up.bin')).equals(data));
});
