'use strict';
// fastGet writes each DATA reply's bytes to the local file from where they
// were received (SFTPStream _readDataViews), not through a buffer of its
// own: views of the Buffers the engine decrypted into, which nothing writes
// again. Bytes from any other chunk are copied, since a stream's writer may
// reuse its buffer once the write calls back.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { SFTPStream } = require('..');
const { isFresh, markFresh } = require('../lib/fresh-buffers');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');
const { serve } = require('../scripts/demo/fs-sftp-server');

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
const packet = (type, body) => Buffer.concat([u32(body.length + 1), Buffer.from([type]), body]);
const VERSION = packet(2, u32(3));
const dataReply = (id, data) => packet(103, Buffer.concat([u32(id), u32(data.length), data]));
const statusReply = (id, code) => packet(101, Buffer.concat([u32(id), u32(code), u32(0), u32(0)]));

/** A client past its handshake with `lens.length` view reads outstanding (ids 0, 1, ...). */
function client(lens) {
  const c = new SFTPStream();
  c.resume();
  c.write(VERSION);
  const results = [];
  for (const len of lens) {
    c._readDataViews(Buffer.from('h'), len, 0, (err, nb, views) => results.push(err ? err.message : { nb, bytes: Buffer.concat(views) }));
  }
  return { c, results };
}

test('view reads: a reply cut anywhere, fed through one buffer its writer overwrites after each write, keeps the bytes sent', () => {
  const a = crypto.randomBytes(700);
  const b = crypto.randomBytes(300);
  const stream = Buffer.concat([dataReply(0, a), dataReply(1, b), statusReply(2, 1), dataReply(3, crypto.randomBytes(60))]);
  const scratch = Buffer.alloc(stream.length);
  for (let cut = 1; cut < stream.length; cut += 7) {
    const { c, results } = client([700, 300, 100, 50]);
    for (const [from, to] of [[0, cut], [cut, stream.length]]) {
      const n = stream.copy(scratch, 0, from, to);
      c.write(scratch.subarray(0, n));
      // What a writer reusing its buffer does next.
      scratch.fill(0xaa);
    }
    assert.strictEqual(results.length, 4, `cut at ${cut}`);
    assert.deepStrictEqual(results[0], { nb: 700, bytes: a }, `cut at ${cut}`);
    assert.deepStrictEqual(results[1], { nb: 300, bytes: b }, `cut at ${cut}`);
    assert.deepStrictEqual(results[2], { nb: 0, bytes: Buffer.alloc(0) }, 'EOF: nothing read');
    assert.strictEqual(results[3], 'Received more data than requested');
  }
});

test("view reads: bytes that arrive in a Buffer the engine made are kept as views of it, never copied", () => {
  const data = crypto.randomBytes(5000);
  const wire = Buffer.concat([dataReply(0, data), dataReply(1, data.subarray(0, 100))]);
  const received = Buffer.from(wire);
  markFresh(received);
  const { c, results } = client([5000, 100]);
  c.write(received.subarray(0, 2000));
  c.write(received.subarray(2000));
  assert.deepStrictEqual(results.map((r) => r.nb), [5000, 100]);
  assert.ok(results[0].bytes.equals(data) && results[1].bytes.equals(data.subarray(0, 100)));
  // Concatenated above; the views themselves:
  const views = [];
  const c2 = client([]).c;
  c2._readDataViews(Buffer.from('h'), 5000, 0, (err, nb, v) => views.push(...v));
  const again = Buffer.from(dataReply(0, data));
  markFresh(again);
  c2.write(again.subarray(0, 1000));
  c2.write(again.subarray(1000));
  assert.strictEqual(views.length, 2, 'one view per part');
  for (const v of views) assert.strictEqual(v.buffer, again.buffer, 'a view of the received Buffer');
  assert.ok(Buffer.concat(views).equals(data));
});

test('fastGet through ssh2 (both ends ours): the local file is written from views of the decrypted Buffers, byte-exact', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-read-views-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const data = crypto.randomBytes(4 * 1024 * 1024 + 777);
  fs.writeFileSync(path.join(dir, 'remote.bin'), data);

  const { Server, Client } = loadSsh2('ours');
  const hostKey = fs.readFileSync(path.join(__dirname, '..', 'scripts', 'bench', 'fixtures', 'host_ed25519'));
  const server = new Server({ hostKeys: [hostKey] }, (conn) => {
    conn.on('authentication', (ctx) => (ctx.method === 'password' ? ctx.accept() : ctx.reject(['password'])));
    conn.on('session', (accept) => accept().on('sftp', (acceptSftp) => serve(acceptSftp(), dir)));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const conn = new Client();
  await new Promise((resolve, reject) => {
    conn.once('ready', resolve).once('error', reject);
    conn.connect({ host: '127.0.0.1', port: server.address().port, username: 'u', password: 'p' });
  });
  t.after(() => conn.end());
  const sftp = await new Promise((resolve, reject) => conn.sftp((err, s) => (err ? reject(err) : resolve(s))));

  const written = { buffers: 0, fresh: 0 };
  const writev = fs.writev;
  fs.writev = function spied(fd, bufs, ...rest) {
    for (const b of bufs) {
      written.buffers++;
      if (isFresh(b)) written.fresh++;
    }
    return writev.call(this, fd, bufs, ...rest);
  };
  t.after(() => (fs.writev = writev));
  const local = path.join(dir, 'local.bin');
  await new Promise((resolve, reject) => sftp.fastGet('/remote.bin', local, (err) => (err ? reject(err) : resolve())));
  fs.writev = writev;

  assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
  assert.ok(written.buffers >= 129, `${written.buffers} buffers written`);
  assert.strictEqual(written.fresh, written.buffers, 'every buffer written is a view of one the engine decrypted into');
});
