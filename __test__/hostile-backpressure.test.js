'use strict';
// A peer that stalls a key exchange, or sends without reading, cannot grow
// our memory: writes return false past a bound during a key exchange (and
// 'continue' or the socket's 'drain' follows it), and _write keeps its
// callback while our unread replies pass a bound. Two peers that both send
// bulk data at once never wait on each other.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const net = require('net');
const { Readable, Writable } = require('stream');
const { SSH2Stream } = require('..');
const { hostKey } = require('./helpers/pair');
const { missing, keygen, tmpDir } = require('./helpers/openssh');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');

const skip = missing();
const { Server, Client } = skip ? {} : loadSsh2('ours');

const KEX_QUEUE_LIMIT = 1024 * 1024;
const UNREAD_REPLIES_LIMIT = 1024 * 1024;
const tick = () => new Promise((r) => setImmediate(r));

/**
 * A client and a server SSH2Stream with a session channel open (client 0,
 * server 7, 64 MiB windows). The server's output reaches the client through
 * `gate`, which forwards until `hold()` and then keeps what comes until
 * `release()`.
 */
async function gatedPair() {
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') } });
  const client = new SSH2Stream();
  let held = null;
  const gate = new Writable({
    write(chunk, _enc, cb) {
      if (held) held.push(chunk);
      else client.write(chunk);
      cb();
    },
  });
  client.pipe(server);
  server.pipe(gate);
  server.on('SERVICE_REQUEST', (name) => server.serviceAccept(name));
  server.on('USERAUTH_REQUEST', () => server.authSuccess());
  server.on('CHANNEL_OPEN', (info) => server.channelOpenConfirm(info.sender, 7, 64 << 20, 32 * 1024));
  client.on('fingerprint', (_k, verify) => verify(true));
  client.once('ready', () => client.service('ssh-userauth'));
  client.on('SERVICE_ACCEPT', () => client.authPassword('u', 'p'));
  client.on('USERAUTH_SUCCESS', () => client.session(0, 64 << 20, 32 * 1024));
  await new Promise((resolve, reject) => {
    client.once('CHANNEL_OPEN_CONFIRMATION:0', resolve);
    client.once('error', reject);
    server.once('error', reject);
  });
  const hold = () => {
    held = [];
  };
  const release = () => {
    const chunks = held;
    held = null;
    for (const c of chunks) client.write(c);
  };
  return { client, server, hold, release };
}

test('a key exchange the peer never finishes: channelData returns false past the bound, and continue follows the exchange', async () => {
  const { client, server, hold, release } = await gatedPair();
  const received = [];
  server.on('CHANNEL_DATA:7', (d) => received.push(Buffer.from(d)));
  // The client starts an exchange whose answer stays in the gate.
  hold();
  client.rekey();
  await tick();
  const sent = [];
  let falseAt = -1;
  const chunk = 32 * 1024 - 64;
  for (let i = 0; i < 4096; i++) {
    const b = crypto.randomBytes(chunk);
    sent.push(b);
    if (!client.channelData(7, b)) {
      falseAt = i;
      break;
    }
  }
  assert.notStrictEqual(falseAt, -1, 'every write said true while the exchange stalled');
  // False once the queue passed the bound, not before and not much after.
  const queued = client._native.queuedBytes;
  assert.ok(queued >= KEX_QUEUE_LIMIT && queued < KEX_QUEUE_LIMIT + 2 * chunk, `queued ${queued}`);
  // Still false while the exchange waits, whatever the pipe says.
  assert.strictEqual(client.channelData(7, Buffer.alloc(1)), false);
  sent.push(Buffer.alloc(1));
  const continued = new Promise((resolve) => client.once('continue', resolve));
  release();
  await continued;
  assert.strictEqual(client._native.queuedBytes, 0);
  for (let i = 0; i < 10 && received.length < sent.length; i++) await tick();
  assert.strictEqual(Buffer.concat(received).equals(Buffer.concat(sent)), true);
});

test('a peer that sends without reading: _write keeps its callback while our unread replies pass the bound, then goes on', async () => {
  const { client, server } = await gatedPair();
  // From here nobody reads the server's output.
  server.unpipe();
  let unimplemented = server.readableLength;
  const total = 200000;
  let injected = 0;
  let stuck = false;
  // One unknown message per packet, each written to the server on its own
  // (the client pushes each packet as a chunk): each gets UNIMPLEMENTED.
  while (injected < total) {
    for (let i = 0; i < 2000; i++, injected++) SSH2Stream._send(client, Buffer.from([200, 0, 0, 0, 0]));
    let turns = 0;
    while (client.readableLength > 0 && turns++ < 20) await tick();
    if (client.readableLength > 0) {
      stuck = true;
      break;
    }
  }
  assert.ok(stuck, 'the server took every packet while its replies went unread');
  assert.ok(injected < total);
  const held = server.readableLength;
  assert.ok(held > UNREAD_REPLIES_LIMIT && held < UNREAD_REPLIES_LIMIT + 512 * 1024, `server holds ${held} unread bytes`);
  // What waits for it is the attacker's: its own output and our writable
  // buffer's high-water mark.
  assert.ok(server.writableLength <= 64 * 1024, `writable buffer ${server.writableLength}`);

  // The peer reads again: the rest is taken and answered.
  server.on('data', (d) => {
    unimplemented += d.length;
  });
  server.resume();
  while (injected < total) {
    for (let i = 0; i < 2000; i++, injected++) SSH2Stream._send(client, Buffer.from([200, 0, 0, 0, 0]));
    await tick();
  }
  for (let i = 0; i < 20000 && (client.readableLength > 0 || server.writableLength > 0); i++) await tick();
  assert.strictEqual(client.readableLength, 0);
  assert.strictEqual(server.writableLength, 0);
  // Each got its UNIMPLEMENTED: 200000 replies of the same size.
  assert.strictEqual(unimplemented % total, 0);
  assert.ok(unimplemented >= total * 16, `${unimplemented} bytes of replies`);
});

// Through ssh2@0.8.9 over TCP.

let hostPem;
function host() {
  if (!hostPem) {
    const dir = tmpDir('ssh2sn-bp-');
    hostPem = keygen(dir, 'host', 'ed25519').priv;
  }
  return hostPem;
}

/** A TCP proxy whose server-to-client direction can be held and released. */
async function gatedProxy(t, targetPort) {
  const state = { held: null, down: null };
  const proxy = net.createServer((sock) => {
    const up = net.connect(targetPort, '127.0.0.1');
    sock.pipe(up);
    state.down = sock;
    up.on('data', (d) => {
      if (state.held) state.held.push(d);
      else sock.write(d);
    });
    up.on('end', () => sock.end());
    sock.on('error', () => up.destroy());
    up.on('error', () => sock.destroy());
    t.after(() => {
      sock.destroy();
      up.destroy();
    });
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => proxy.close());
  return {
    port: proxy.address().port,
    hold() {
      state.held = [];
    },
    release() {
      const chunks = state.held;
      state.held = null;
      for (const c of chunks) state.down.write(c);
    },
  };
}

/** `size` bytes from a seeded stream of 64 KiB chunks; `digest()` once read. */
function source(size) {
  const hash = crypto.createHash('sha256');
  let left = size;
  let seed = 1;
  const readable = new Readable({
    read() {
      if (left === 0) return this.push(null);
      const n = Math.min(left, 64 * 1024);
      const b = Buffer.alloc(n, seed++ & 0xff);
      b.writeUInt32BE(seed, 0);
      left -= n;
      hash.update(b);
      this.push(b);
    },
  });
  return { readable, digest: () => hash.digest('hex') };
}

/** An ssh2 Server whose 'sink' exec hashes what it reads and whose 'both' exec also sends `size` bytes. */
async function sinkServer(t, size) {
  const conns = [];
  const srv = new Server({ hostKeys: [host()] }, (conn) => {
    conns.push(conn);
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => ctx.accept());
    conn.on('ready', () =>
      conn.on('session', (accept) =>
        accept().on('exec', (acceptExec, _reject, info) => {
          const ch = acceptExec();
          const hash = crypto.createHash('sha256');
          ch.on('data', (d) => hash.update(d));
          let toSend = null;
          if (info.command === 'both') {
            toSend = source(size);
            toSend.readable.pipe(ch, { end: false });
          }
          let sent = !toSend;
          let got = false;
          const done = () => {
            if (!sent || !got) return;
            ch.stderr.write(hash.digest('hex') + (toSend ? ' ' + toSend.digest() : ''));
            ch.exit(0);
            ch.end();
          };
          if (toSend) toSend.readable.on('end', () => ((sent = true), done()));
          ch.on('end', () => ((got = true), done()));
        })
      )
    );
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  // Clients end their connections with a DISCONNECT (see connect); a
  // socket destroyed here would never end its stream, and ssh2's keepalive
  // timer would keep the process alive.
  t.after(() => srv.close());
  return { port: srv.address().port, conns };
}

function connect(t, port) {
  const c = new Client();
  t.after(() => c.end());
  return new Promise((resolve, reject) => {
    c.once('ready', () => resolve(c)).once('error', reject);
    c.connect({ host: '127.0.0.1', port, username: 'u', password: 'p' });
  });
}

function exec(c, cmd) {
  return new Promise((resolve, reject) => c.exec(cmd, (err, ch) => (err ? reject(err) : resolve(ch))));
}

/** Resolves with [what the client read, what the server reported on stderr] when the channel closes. */
function finished(ch) {
  const hash = crypto.createHash('sha256');
  let report = '';
  ch.on('data', (d) => hash.update(d));
  ch.stderr.on('data', (d) => (report += d));
  return new Promise((resolve) => ch.on('close', () => resolve([hash.digest('hex'), report])));
}

for (const kind of ['slow', 'stalled']) {
  test(`ssh2 Client uploading on three channels over TCP through a ${kind} key exchange: bounded while it waits, and the uploads resume (no rekey stall)`, { skip }, async (t) => {
    const size = 16 << 20;
    const { port } = await sinkServer(t, 0);
    const proxy = await gatedProxy(t, port);
    const c = await connect(t, proxy.port);
    // Two channels: their windows (2 MiB each from ssh2's Server) leave
    // more to send than the queue takes, whenever the exchange starts.
    const uploads = [];
    for (let i = 0; i < 3; i++) {
      const ch = await exec(c, 'sink');
      const src = source(size);
      uploads.push({ done: finished(ch), src, ch });
      src.readable.pipe(ch);
    }
    // Some data first, then the client starts a key exchange whose answer
    // (window adjustments too) the proxy keeps: right after a window
    // adjustment, so that the channel has a window to send in.
    await new Promise((r) => setTimeout(r, 50));
    await new Promise((resolve) =>
      // Before ssh2's own listener, which sends the whole window at once.
      c._sshstream.prependOnceListener(`CHANNEL_WINDOW_ADJUST:${uploads[0].ch.incoming.id}`, () => {
        proxy.hold();
        c._sshstream.rekey();
        resolve();
      })
    );
    if (kind === 'slow') {
      await new Promise((r) => setTimeout(r, 300));
    } else {
      // Wait until the client stops queueing: its writes said false.
      let last = -1;
      for (let stable = 0; stable < 20; ) {
        await new Promise((r) => setTimeout(r, 10));
        const q = c._sshstream._native.queuedBytes;
        stable = q === last ? stable + 1 : 0;
        last = q;
      }
      t.diagnostic(`queued ${last} bytes while the exchange stalled`);
      assert.ok(last >= KEX_QUEUE_LIMIT && last < KEX_QUEUE_LIMIT + 256 * 1024, `queued ${last} while the exchange stalled`);
    }
    proxy.release();
    for (const { done, src } of uploads) {
      const [, report] = await done;
      assert.strictEqual(report, src.digest());
    }
  });
}

test('ssh2 Client and Server both sending 48 MiB at once over TCP: neither waits on the other', { skip }, async (t) => {
  const size = 48 << 20;
  const { port } = await sinkServer(t, size);
  const c = await connect(t, port);
  const ch = await exec(c, 'both');
  const done = finished(ch);
  const src = source(size);
  src.readable.pipe(ch);
  const [clientGot, report] = await done;
  const [serverGot, serverSent] = report.split(' ');
  assert.strictEqual(serverGot, src.digest());
  assert.strictEqual(clientGot, serverSent);
});

test('two SSH2Streams piped directly, both sending 16 MiB at once with 64 MiB windows: both arrive', async () => {
  const { client, server } = await gatedPair();
  const size = 16 << 20;
  const got = { client: crypto.createHash('sha256'), server: crypto.createHash('sha256') };
  const n = { client: 0, server: 0 };
  client.on('CHANNEL_DATA:0', (d) => {
    got.client.update(d);
    n.client += d.length;
  });
  server.on('CHANNEL_DATA:7', (d) => {
    got.server.update(d);
    n.server += d.length;
  });
  const sent = { client: crypto.createHash('sha256'), server: crypto.createHash('sha256') };
  const send = (stream, chan, who) =>
    new Promise((resolve) => {
      let left = size;
      const pump = () => {
        while (left > 0) {
          const b = crypto.randomBytes(Math.min(left, 32 * 1024 - 64));
          left -= b.length;
          sent[who].update(b);
          if (!stream.channelData(chan, b)) return stream.once('continue', pump);
        }
        resolve();
      };
      pump();
    });
  await Promise.all([send(client, 7, 'client'), send(server, 0, 'server')]);
  for (let i = 0; i < 500 && (n.client < size || n.server < size); i++) await tick();
  assert.deepStrictEqual(n, { client: size, server: size });
  assert.strictEqual(got.server.digest('hex'), sent.client.digest('hex'));
  assert.strictEqual(got.client.digest('hex'), sent.server.digest('hex'));
});
