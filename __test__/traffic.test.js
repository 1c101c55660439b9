'use strict';
// Bulk traffic through a client/server pair joined by a plain
// client.pipe(server).pipe(client): every packet must open on the other side
// (AEAD nonces and sequence numbers advance exactly once per packet however
// the JS re-enters), and rekeys started by either side mid-stream must lose
// and stall nothing.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const { handshake, sink } = require('./helpers/pair');
const { until } = require('./helpers/until');

const MiB = 1024 * 1024;
const CHUNK = 32 * 1024;


/**
 * Writes `total` bytes of pseudo-random data on channel `id`, honouring the
 * write booleans ('continue' resumes), calling `every(MiB index)` at each
 * MiB boundary and yielding a turn there. Resolves to the sha256 of what was sent.
 */
function source(stream, id, total, every = () => {}) {
  const hash = crypto.createHash('sha256');
  const block = crypto.randomBytes(CHUNK);
  let sent = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (sent < total) {
        const chunk = Buffer.from(block);
        chunk.writeUInt32BE(sent >>> 0, 0); // every chunk differs
        hash.update(chunk);
        const before = sent;
        sent += chunk.length;
        const more = stream.channelData(id, chunk);
        const mark = Math.floor(sent / MiB) !== Math.floor(before / MiB);
        if (mark) every(Math.floor(sent / MiB));
        if (!more) return stream.once('continue', pump);
        // A turn of the event loop at each MiB, as a real source gives one
        // between reads: on Node 18 the pipe may wait for it (see below).
        if (mark) return setImmediate(pump);
      }
      resolve(hash.digest('hex'));
    };
    pump();
  });
}


// ssh2@0.8's channel flow control: a 2 MiB window, 32 KiB packets, and a
// WINDOW_ADJUST back to the full window once less than half is left.
const WINDOW = 2 * MiB;
const PACKET = 32 * 1024;

/**
 * One direction of a channel, as ssh2 runs it: `from` sends to the peer's
 * channel `to` within the window the peer grants; `at` (the receiving
 * stream) counts, hashes and adjusts the window for channel `back` (the
 * sender's id, where its CHANNEL_WINDOW_ADJUST events arrive).
 */
function windowedFlow(from, at, to, back, total) {
  const sentHash = crypto.createHash('sha256');
  const got = { bytes: 0, hash: crypto.createHash('sha256') };
  let localWindow = WINDOW;
  at.on(`CHANNEL_DATA:${to}`, (data) => {
    got.bytes += data.length;
    got.hash.update(data);
    localWindow -= data.length;
    if (localWindow < 0) throw new Error(`peer overran the window by ${-localWindow} bytes`);
    if (localWindow < WINDOW / 2) {
      at.channelWindowAdjust(back, WINDOW - localWindow);
      localWindow = WINDOW;
    }
  });
  const block = crypto.randomBytes(PACKET);
  let remoteWindow = WINDOW;
  let sent = 0;
  let waitingForWindow = false;
  const done = new Promise((resolve) => {
    const pump = () => {
      waitingForWindow = false;
      while (sent < total) {
        if (remoteWindow === 0) {
          waitingForWindow = true;
          return;
        }
        const len = Math.min(PACKET, remoteWindow, total - sent);
        const chunk = Buffer.from(block.subarray(0, len));
        chunk.writeUInt32BE(sent >>> 0, 0);
        sentHash.update(chunk);
        sent += len;
        remoteWindow -= len;
        if (!from.channelData(to, chunk)) return from.once('continue', pump);
      }
      resolve(sentHash.digest('hex'));
    };
    from.on(`CHANNEL_WINDOW_ADJUST:${back}`, (amount) => {
      remoteWindow += amount;
      if (waitingForWindow) pump();
    });
    pump();
  });
  return { done, got };
}

for (const cipher of ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com']) {
  test(`64 MiB each way through a synchronous pipe with ${cipher}, windows adjusted as ssh2 does`, async () => {
    const { client, server } = await handshake({ cipher: [cipher] });
    const errors = [];
    client.on('error', (e) => errors.push(e));
    server.on('error', (e) => errors.push(e));
    const total = 64 * MiB;
    // The client's channel is 7 on its side, 11 on the server's.
    const up = windowedFlow(client, server, 11, 7, total);
    const down = windowedFlow(server, client, 7, 11, total);
    const [upHash, downHash] = await Promise.all([up.done, down.done]);
    await until(() => (up.got.bytes >= total && down.got.bytes >= total) || errors.length, 'the data');
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(up.got.bytes, total);
    assert.strictEqual(down.got.bytes, total);
    assert.strictEqual(up.got.hash.digest('hex'), upHash);
    assert.strictEqual(down.got.hash.digest('hex'), downHash);
  });
}

test('rekeys every MiB from either side while data flows both ways', async () => {
  const { client, server } = await handshake({ cipher: ['aes128-ctr'], hmac: ['hmac-sha2-256-etm@openssh.com'] });
  const errors = [];
  client.on('error', (e) => errors.push(e));
  server.on('error', (e) => errors.push(e));
  let newkeys = 0;
  client.on('NEWKEYS', () => newkeys++);
  const toServer = sink(server, 1);
  const toClient = sink(client, 2);
  const total = 16 * MiB;
  // Client rekeys at odd MiB marks of its data, the server at even marks of
  // its own; both directions are in flight every time.
  // A mark reached while an exchange still runs is refused (0.4.10 throws):
  // on Node 18 a write bigger than the pipe's highWaterMark pauses it until
  // the next tick, so an exchange can outlast the MiB the source writes on.
  const rekey = (stream) => {
    try {
      stream.rekey();
    } catch (e) {
      if (e.message !== 'A re-key is already in progress') throw e;
    }
  };
  const [upHash, downHash] = await Promise.all([
    source(client, 1, total, (mib) => mib % 2 === 1 && rekey(client)),
    source(server, 2, total, (mib) => mib % 2 === 0 && rekey(server)),
  ]);
  await until(() => (toServer.bytes >= total && toClient.bytes >= total) || errors.length, 'the data');
  assert.deepStrictEqual(errors, []);
  assert.strictEqual(toServer.bytes, total);
  assert.strictEqual(toClient.bytes, total);
  assert.strictEqual(toServer.hash.digest('hex'), upHash);
  assert.strictEqual(toClient.hash.digest('hex'), downHash);
  // A rekey asked for while one runs is refused, so not every mark rekeys;
  // but many must have, from both sides.
  assert(newkeys >= 8, `only ${newkeys} rekeys completed`);
});

/** A client/server pair joined by a real TCP connection on 127.0.0.1. */
async function overTcp(algorithms) {
  const net = require('node:net');
  const { SSH2Stream } = require('..');
  const { hostKey } = require('./helpers/pair');
  const listener = net.createServer();
  await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  const accepted = new Promise((r) => listener.once('connection', r));
  const clientSock = net.connect(listener.address().port, '127.0.0.1');
  const serverSock = await accepted;
  listener.close();
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') }, algorithms });
  const client = new SSH2Stream({ algorithms });
  client.pipe(clientSock).pipe(client);
  server.pipe(serverSock).pipe(server);
  await Promise.all([client, server].map((s) => new Promise((resolve, reject) => s.once('ready', resolve).once('error', reject))));
  return { client, server, clientSock, serverSock };
}

test("a writer that waits for its socket's 'drain' (as ssh2@0.8 does) never stalls at a rekey", async () => {
  const { client, server, clientSock, serverSock } = await overTcp({ cipher: ['aes128-gcm@openssh.com'] });
  const errors = [];
  client.on('error', (e) => errors.push(e));
  server.on('error', (e) => errors.push(e));
  const got = sink(server, 0);
  // The server starts a key exchange every 256 KiB it receives, so the
  // client is often mid-exchange when it writes.
  let mark = 0;
  server.on('CHANNEL_DATA:0', () => {
    if (got.bytes >= mark + 256 * 1024) {
      mark = got.bytes;
      try {
        server.rekey();
      } catch (e) {
        // One still running (the message 0.4.10 throws): the next mark.
        if (e.message !== 'A re-key is already in progress') throw e;
      }
    }
  });
  const newkeysAt = [];
  client.on('NEWKEYS', () => newkeysAt.push(got.bytes));
  const total = 16 * MiB;
  const block = crypto.randomBytes(CHUNK);
  const hash = crypto.createHash('sha256');
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(sent, 0);
      hash.update(chunk);
      sent += chunk.length;
      // ssh2@0.8's Channel: after a false, it waits for the socket's
      // 'drain' and nothing else.
      if (!client.channelData(0, chunk)) return clientSock.once('drain', pump);
      // An app's writes come as its source yields them, a few per turn,
      // so key exchanges begin between them.
      if (sent % (4 * CHUNK) === 0) return setImmediate(pump);
    }
  };
  pump();
  try {
    await until(() => got.bytes >= total || errors.length, `the data (${got.bytes} of ${total} bytes arrived)`, 30000);
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(got.hash.digest('hex'), hash.digest('hex'));
    // Writes made during an exchange are queued and accepted, so the writer
    // can finish before later exchanges do; but one ran mid-stream.
    assert(newkeysAt.some((at) => at > 0 && at < total), `rekeys completed at ${newkeysAt}`);
  } finally {
    clientSock.destroy();
    serverSock.destroy();
  }
});

test('bytesSent and bytesReceived count from the latest NEWKEYS, as in 0.4.10', async () => {
  const { client, server } = await handshake({});
  for (let i = 0; i < 32; i++) client.channelData(0, Buffer.alloc(32 * 1024));
  // At once through Node 20's synchronous pipe; on Node 18 a write over the
  // highWaterMark pauses the pipe until the next tick.
  await until(() => server.bytesReceived > MiB, 'the data');
  assert.ok(client.bytesSent > MiB);
  const rekeyed = new Promise((r) => client.once('NEWKEYS', r));
  client.rekey();
  await rekeyed;
  await until(() => server.bytesReceived < MiB, 'the server side to rekey');
  assert.ok(client.bytesSent < 4096, `${client.bytesSent} bytes since NEWKEYS`);
  client.channelData(0, Buffer.alloc(1000));
  await until(() => server.bytesReceived >= 1000, 'the data');
  assert.ok(server.bytesReceived < 4096, `${server.bytesReceived} bytes since NEWKEYS`);
});

test("piped into a TCP socket, the stream turns Nagle's algorithm off for it", async () => {
  const net = require('node:net');
  const { SSH2Stream } = require('..');
  const listener = net.createServer();
  await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  const sock = net.connect(listener.address().port, '127.0.0.1');
  const calls = [];
  const setNoDelay = sock.setNoDelay.bind(sock);
  sock.setNoDelay = (v) => (calls.push(v), setNoDelay(v));
  const client = new SSH2Stream({});
  client.pipe(sock);
  assert.deepStrictEqual(calls, [true]);
  // Anything else it is piped to is left alone.
  const { PassThrough } = require('node:stream');
  assert.doesNotThrow(() => client.pipe(new PassThrough()));
  sock.destroy();
  listener.close();
});
