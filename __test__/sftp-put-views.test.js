'use strict';
// fastPut sends each chunk as a view of its own buffer, after the WRITE's
// head, rather than copying it into a packet: safe because a slot is read
// into again only once its write is acknowledged. writeData, whose caller
// may reuse its buffer at once, still copies.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Transform } = require('stream');
const { SFTPStream } = require('..');
const { serve } = require('../scripts/demo/fs-sftp-server');

/** Client and server, the client's output reaching the server late and in odd pieces. */
function pair(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-put-views-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = new SFTPStream({ server: true });
  const client = new SFTPStream();
  serve(server, dir);
  let n = 0;
  const slow = new Transform({
    transform(chunk, _enc, cb) {
      // Copied as a channel would send it, cut and held for a while.
      const copy = Buffer.from(chunk);
      const cut = 1 + (n++ % 7000);
      setTimeout(() => {
        this.push(copy.subarray(0, cut));
        this.push(copy.subarray(cut));
        cb();
      }, n % 3);
    },
  });
  const pushed = [];
  client.on('data', (b) => pushed.push(b));
  client.pipe(slow).pipe(server).pipe(client);
  return { client, dir, pushed };
}

test('fastPut through a slow, cutting channel arrives byte-exact, its chunks sent as views', async (t) => {
  const { client, dir, pushed } = pair(t);
  await new Promise((resolve) => client.once('ready', resolve));
  const data = crypto.randomBytes(3 * 1024 * 1024 + 4321);
  const local = path.join(dir, 'src.bin');
  fs.writeFileSync(local, data);
  // Chunks beyond one packet's 32 KiB take writeData's second-packet path too.
  for (const opts of [{}, { chunkSize: 70000, concurrency: 5 }]) {
    pushed.length = 0;
    await new Promise((resolve, reject) => client.fastPut(local, '/dst.bin', opts, (err) => (err ? reject(err) : resolve())));
    assert.ok(fs.readFileSync(path.join(dir, 'dst.bin')).equals(data), JSON.stringify(opts));
    const slots = (opts.chunkSize || 32768) * (opts.concurrency || 64);
    assert.ok(
      pushed.some((b) => b.length >= 32768 && b.buffer.byteLength === slots),
      'data pushed as a view of fastPut\'s buffer'
    );
  }
});

test('writeData copies: a buffer changed once the call returns is sent as it was', async (t) => {
  const { client, dir } = pair(t);
  await new Promise((resolve) => client.once('ready', resolve));
  const handle = await new Promise((resolve, reject) => client.open('/w.bin', 'w', (err, h) => (err ? reject(err) : resolve(h))));
  const buf = crypto.randomBytes(30000); // one packet: a longer write sends its rest from buf once acked, as 0.4.10 did
  const want = Buffer.from(buf);
  const written = new Promise((resolve, reject) => client.writeData(handle, buf, 0, buf.length, 0, (err) => (err ? reject(err) : resolve())));
  buf.fill(0);
  await written;
  await new Promise((resolve) => client.close(handle, resolve));
  assert.ok(fs.readFileSync(path.join(dir, 'w.bin')).equals(want));
});
