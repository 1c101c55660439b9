'use strict';
// The bulk data path: channel data written in one turn of the event loop
// leaves as few large chunks (not a chunk per packet), and so do the
// replies to one incoming chunk, in order with the
// messages around it; received channel data is handed out as views of the
// decrypted input, byte-exact, under every cipher family and with zlib.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { PassThrough } = require('stream');
const { SSH2Stream } = require('..');
const { handshake, hostKey } = require('./helpers/pair');

const tick = () => new Promise((r) => setImmediate(r));

/**
 * A client and a server joined through two PassThroughs, so each chunk one
 * side pushes can be counted; resolves once a session channel is open
 * (client channel 0, server channel 7, 4 MiB windows, 32 KiB packets).
 */
async function channelPair(algorithms = {}, serverChannel = 7) {
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') }, algorithms });
  const client = new SSH2Stream({ algorithms });
  const up = new PassThrough({ highWaterMark: 1 << 24 });
  const down = new PassThrough({ highWaterMark: 1 << 24 });
  const chunks = { up: [], down: [] };
  up.on('data', (c) => chunks.up.push(c.length));
  down.on('data', (c) => chunks.down.push(c.length));
  client.pipe(up).pipe(server).pipe(down).pipe(client);
  server.on('SERVICE_REQUEST', (name) => server.serviceAccept(name));
  server.on('USERAUTH_REQUEST', () => server.authSuccess());
  server.on('CHANNEL_OPEN', (info) => server.channelOpenConfirm(info.sender, serverChannel, 4 << 20, 32 * 1024));
  client.on('fingerprint', (_k, verify) => verify(true));
  client.once('ready', () => client.service('ssh-userauth'));
  client.on('SERVICE_ACCEPT', () => client.authPassword('u', 'p'));
  client.on('USERAUTH_SUCCESS', () => client.session(0, 4 << 20, 32 * 1024));
  await new Promise((resolve, reject) => {
    client.once('CHANNEL_OPEN_CONFIRMATION:0', resolve);
    client.once('error', reject);
    server.once('error', reject);
  });
  await tick();
  chunks.up.length = 0;
  chunks.down.length = 0;
  return { client, server, chunks };
}

test('a burst of channel data leaves as a few large chunks, not a chunk per packet', async () => {
  const { client, server, chunks } = await channelPair();
  const sent = [];
  const got = [];
  server.on('CHANNEL_DATA:7', (d) => got.push(d));
  for (let i = 0; i < 64; i++) {
    const b = crypto.randomBytes(32 * 1024 - 64);
    sent.push(b);
    assert.strictEqual(client.channelData(7, b), true);
  }
  await tick();
  await tick();
  // 64 packets cross in chunks of many packets each (a chunk leaves once
  // 256 KiB have gathered, the rest on the next tick).
  assert.ok(chunks.up.length > 0 && chunks.up.length <= 16, `the burst crossed in ${chunks.up.length} chunks`);
  assert.ok(Math.max(...chunks.up) > 4 * 32 * 1024, `largest chunk ${Math.max(...chunks.up)} bytes`);
  assert.ok(Buffer.concat(got).equals(Buffer.concat(sent)), 'data arrived whole and in order');
  client.destroy();
  server.destroy();
});

test("what one incoming chunk's listeners send leaves as one chunk", async () => {
  const { client, server, chunks } = await channelPair();
  server.once('CHANNEL_EOF:7', () => {
    assert.strictEqual(server.channelEOF(0), true);
    assert.strictEqual(server.channelClose(0), true);
  });
  const seen = [];
  client.on('CHANNEL_EOF:0', () => seen.push('eof'));
  client.on('CHANNEL_CLOSE:0', () => seen.push('close'));
  client.channelEOF(7);
  await tick();
  await tick();
  assert.deepStrictEqual(seen, ['eof', 'close']);
  // One write on the socket for both, not one per message.
  assert.deepStrictEqual(chunks.down.length, 1, `the replies crossed in ${chunks.down.length} chunks`);
  client.destroy();
  server.destroy();
});

test('bulk data sent while a chunk is handled leaves as it gathers, not copied together at the end', async () => {
  const { client, server, chunks } = await channelPair();
  const sent = [];
  server.once('CHANNEL_EOF:7', () => {
    for (let i = 0; i < 32; i++) {
      const b = crypto.randomBytes(32 * 1024 - 64);
      sent.push(b);
      server.channelData(0, b);
    }
    server.channelEOF(0);
  });
  const got = [];
  client.on('CHANNEL_DATA:0', (d) => got.push(d));
  const eof = new Promise((resolve) => client.once('CHANNEL_EOF:0', resolve));
  client.channelEOF(7);
  await eof;
  assert.ok(Buffer.concat(got).equals(Buffer.concat(sent)), 'data arrived whole and in order');
  // ~1 MiB went out in pieces of about 256 KiB, not as one gathered copy.
  assert.ok(chunks.down.length >= 3, `${chunks.down.length} chunks`);
  assert.ok(Math.max(...chunks.down) <= 300 * 1024, `largest chunk ${Math.max(...chunks.down)} bytes`);
  client.destroy();
  server.destroy();
});

test('over a synchronous pipe, what a peer listener sends through us while our gathered replies are pushed is not lost', async () => {
  // Piped directly: the client's ping (gathered while it handles the
  // server's message) reaches the server inside the client's push, and the
  // server's listener sends another ping through the client right there.
  const { client, server } = await handshake({ serverHostKey: ['ssh-ed25519'] });
  client.once('REQUEST_FAILURE', () => client.ping());
  const pings = [];
  const both = new Promise((resolve) => {
    server.on('GLOBAL_REQUEST', (name) => {
      pings.push(name);
      if (pings.length === 1) client.ping();
      else resolve();
    });
  });
  server.requestFailure();
  await both;
  assert.deepStrictEqual(pings, ['keepalive@openssh.com', 'keepalive@openssh.com']);
  client.destroy();
  server.destroy();
});

// Node 24's Readable.pipe() catches what the destination's write() throws
// and destroys the destination with it; earlier Nodes let it out of the
// write. ssh2-streams@0.4.10 does the same on each, as any piped stream.
const PIPE_CATCHES_THROWS = Number(process.versions.node.split('.')[0]) >= 24;

test('a listener that throws does not hold back what is sent afterwards', async () => {
  const { client, server } = await channelPair();
  server.once('CHANNEL_EOF:7', () => {
    server.channelEOF(0);
    throw new Error('listener failed');
  });
  const seen = [];
  client.on('CHANNEL_EOF:0', () => seen.push('eof'));
  client.on('CHANNEL_CLOSE:0', () => seen.push('close'));
  if (PIPE_CATCHES_THROWS) {
    // The pipe into the server destroys it with the error: what the
    // listener sent before throwing still went out.
    const failed = new Promise((resolve) => server.once('error', resolve));
    client.channelEOF(7);
    assert.match((await failed).message, /listener failed/);
    assert.ok(server.destroyed);
    await tick();
    assert.deepStrictEqual(seen, ['eof']);
    client.destroy();
    return;
  }
  // The pipes are synchronous: the listener's throw comes out of this call,
  // as it came out of write() in 0.4.10.
  assert.throws(() => client.channelEOF(7), /listener failed/);
  server.channelClose(0);
  await tick();
  await tick();
  assert.deepStrictEqual(seen, ['eof', 'close']);
  client.destroy();
  server.destroy();
});

test('deferred channel data keeps its place among the messages around it', async () => {
  const { client, server } = await channelPair();
  const order = [];
  server.on('CHANNEL_DATA:7', (d) => order.push(`data ${d.toString()}`));
  server.on('CHANNEL_EXTENDED_DATA:7', (type, d) => order.push(`ext ${type} ${d.toString()}`));
  server.on('CHANNEL_REQUEST:7', (info) => order.push(`request ${info.request}`));
  server.on('CHANNEL_EOF:7', () => order.push('eof'));
  server.on('CHANNEL_CLOSE:7', () => order.push('close'));
  client.channelData(7, Buffer.from('one'));
  client.exec(7, 'true', false); // sent at once: must not overtake 'one'
  client.channelData(7, Buffer.from('two'));
  client.channelExtData(7, Buffer.from('three'), 1);
  client.channelEOF(7);
  client.channelClose(7);
  await tick();
  await tick();
  assert.deepStrictEqual(order, ['data one', 'request exec', 'data two', 'ext 1 three', 'eof', 'close']);
  client.destroy();
  server.destroy();
});

test('channel data still pending when the stream ends goes out before the end', async () => {
  const { client, server } = await channelPair();
  const got = [];
  server.on('CHANNEL_DATA:7', (d) => got.push(d.toString()));
  const serverEnded = new Promise((r) => server.once('DISCONNECT', r));
  client.channelData(7, Buffer.from('last words'));
  client.disconnect();
  await serverEnded;
  assert.deepStrictEqual(got, ['last words']);
  client.destroy();
  server.destroy();
});

test('read directly (not piped), deferred writes say false past the high-water mark and "continue" follows reading', async () => {
  const { client, server } = await channelPair();
  // Take the client off the pipe and read it by hand.
  client.unpipe();
  const results = [];
  for (let i = 0; i < 4; i++) results.push(client.channelData(7, Buffer.alloc(16 * 1024)));
  // 0.4.10's high-water mark is 32 KiB: the second 16 KiB packet (with its
  // framing) reaches it.
  assert.deepStrictEqual(results, [true, false, false, false]);
  const cont = new Promise((r) => client.once('continue', r));
  await tick();
  let read = 0;
  for (let c; (c = client.read()) !== null; ) read += c.length;
  assert.ok(read > 64 * 1024, `read ${read} bytes`);
  await cont;
  client.destroy();
  server.destroy();
});

for (const [cipher, hmac, compress] of [
  ['aes128-gcm@openssh.com', 'hmac-sha2-256', 'none'],
  ['chacha20-poly1305@openssh.com', 'hmac-sha2-256', 'none'],
  ['aes128-ctr', 'hmac-sha2-256', 'none'],
  ['aes256-ctr', 'hmac-sha2-512-etm@openssh.com', 'none'],
  ['aes128-gcm@openssh.com', 'hmac-sha2-256', 'zlib@openssh.com'],
]) {
  test(`received channel data is byte-exact under ${cipher} + ${hmac} + ${compress}, whatever the chunking`, async () => {
    const { client, server } = await channelPair({ cipher: [cipher], hmac: [hmac], compress: [compress] });
    // Re-chunk the client's output at random sizes, so packets straddle chunks.
    client.unpipe();
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    client.resume();
    client.on('data', (c) => {
      for (let i = 0; i < c.length; ) {
        const n = Math.min(c.length - i, 1 + (rnd() % 5000));
        server.write(c.subarray(i, i + n));
        i += n;
      }
    });
    const sent = [];
    const got = [];
    const views = new Set();
    server.on('CHANNEL_DATA:7', (d) => {
      got.push(Buffer.from(d));
      views.add(d.buffer);
    });
    server.on('CHANNEL_EXTENDED_DATA:7', (type, d) => got.push(Buffer.concat([Buffer.from([type]), d])));
    for (let i = 0; i < 40; i++) {
      const b = crypto.randomBytes(1 + (rnd() % (32 * 1024 - 64)));
      if (i % 10 === 9) {
        client.channelExtData(7, b, 1);
        sent.push(Buffer.concat([Buffer.from([1]), b]));
      } else {
        client.channelData(7, b);
        sent.push(b);
      }
      if (i % 7 === 0) await tick();
    }
    await tick();
    await tick();
    assert.strictEqual(got.length, sent.length);
    for (let i = 0; i < sent.length; i++) assert.ok(got[i].equals(sent[i]), `message ${i} differs`);
    client.destroy();
    server.destroy();
  });
}

test('more channel data and extended data in one input chunk than the events given as numbers: all arrive in order, as views, on a channel past 255', async () => {
  const { client, server } = await channelPair({}, 300);
  const got = [];
  server.on('CHANNEL_DATA:300', (d) => got.push(['data', d]));
  server.on('CHANNEL_EXTENDED_DATA:300', (type, d) => got.push([type, d]));
  const sent = [];
  // 100 packets, far past the 32 a feed gives as numbers; every third is stderr.
  for (let i = 0; i < 100; i++) {
    const d = Buffer.alloc(100 + i, i);
    if (i % 3 === 2) {
      client.channelExtData(300, d, 1);
      sent.push([1, d]);
    } else {
      client.channelData(300, d);
      sent.push(['data', d]);
    }
  }
  await tick();
  await tick();
  assert.deepStrictEqual(
    got.map(([k, d]) => [k, d.toString('hex')]),
    sent.map(([k, d]) => [k, d.toString('hex')])
  );
  assert.strictEqual(new Set(got.map(([, d]) => d.buffer)).size, 1, 'one backing buffer for the chunk');
  client.destroy();
  server.destroy();
});

test('channel data from one input chunk are views of one buffer (no copy per packet)', async () => {
  const { client, server } = await channelPair();
  const buffers = [];
  server.on('CHANNEL_DATA:7', (d) => buffers.push(d));
  for (let i = 0; i < 8; i++) client.channelData(7, Buffer.alloc(1000, i));
  await tick();
  await tick();
  assert.strictEqual(buffers.length, 8);
  assert.ok(buffers.every((b) => Buffer.isBuffer(b)));
  assert.strictEqual(new Set(buffers.map((b) => b.buffer)).size, 1, 'one backing buffer for the chunk');
  buffers.forEach((b, i) => assert.ok(b.equals(Buffer.alloc(1000, i))));
  client.destroy();
  server.destroy();
});
