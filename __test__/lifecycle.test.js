'use strict';
// How a connection ends, as each side's app sees it: ssh2@0.8.9's Server and
// Client, unmodified and on this package, over real TCP sockets. Every way a
// session can end (a peer's FIN or reset at each stage, a clean DISCONNECT
// from either side, a fatal protocol error, the app's end() or destroy())
// must reach the app as 'end' and then 'close', in 0.4.10's order, and no
// stream may be left that never ends. Also through OpenSSH: `ssh` and `sftp`
// killed mid-session.

const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { missing, keygen, tmpDir } = require('./helpers/openssh');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');

const skip = missing();
const { Server, Client } = skip ? {} : loadSsh2('ours');

// A session that has not ended by then never will: the keepalive of an
// ssh2 app is the only other signal, ~60 s later.
const ENDS_WITHIN_MS = 5000;

/**
 * Records, in order, the named events of each emitter under `log[who]`;
 * sockets handed to `own` are destroyed when the test ends (a case may
 * leave one side open on purpose).
 */
function recorder(t) {
  const log = Object.create(null);
  const owned = [];
  t.after(() => {
    for (const sock of owned) if (sock) sock.destroy();
  });
  const watch = (who, em, names) => {
    log[who] = log[who] || [];
    for (const name of names) em.on(name, () => log[who].push(name));
  };
  return { log, watch, own: (sock) => owned.push(sock) };
}

/** A promise of `em`'s next `name` event, made now so that an event emitted before it is awaited is not missed. */
function heard(em, name) {
  return new Promise((resolve) => em.once(name, resolve));
}

/** Resolves with `promise`, or rejects after ENDS_WITHIN_MS with `what`. */
function within(promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ENDS_WITHIN_MS} ms`)), ENDS_WITHIN_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

let hostKey;
function host() {
  if (!hostKey) {
    const dir = tmpDir('ssh2sn-lifecycle-');
    hostKey = keygen(dir, 'host', 'ed25519').priv;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return hostKey;
}

/**
 * An ssh2 Server that takes any password, runs every exec as a sink and
 * leaves every SFTP OPENDIR unanswered; each connection's app events
 * (`srv`) and its SSH2Stream's (`stream`) are recorded. `onReady(conn)` runs
 * once a connection is authenticated.
 */
async function server(t, rec, onReady = () => {}) {
  const conns = [];
  const srv = new Server({ hostKeys: [host()] }, (conn) => {
    conn.closed = heard(conn, 'close');
    rec.own(conn._sock);
    conns.push(conn);
    rec.watch('srv', conn, ['error', 'end', 'close']);
    rec.watch('stream', conn._sshstream, ['end', 'finish', 'close']);
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => (ctx.method === 'password' ? ctx.accept() : ctx.reject(['password'])));
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec) => acceptExec().resume());
        session.on('sftp', (acceptSftp) => acceptSftp().on('OPENDIR', () => {}));
      });
      onReady(conn);
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const first = () => new Promise((resolve) => (conns.length ? resolve(conns[0]) : srv.once('connection', resolve)));
  return { port: srv.address().port, first };
}

/** An ssh2 Client whose app events (`cli`) are recorded; resolves at 'ready' unless `wait` is false. */
function client(rec, port, opts = {}, wait = true) {
  const c = new Client();
  c.closed = heard(c, 'close');
  rec.watch('cli', c, ['error', 'end', 'close']);
  c.on('error', () => {});
  const ready = new Promise((resolve, reject) => {
    c.once('ready', () => resolve(c));
    if (wait) c.once('close', () => reject(new Error('client closed before ready')));
  });
  c.connect({ host: '127.0.0.1', port, username: 'u', password: 'p', ...opts });
  rec.own(c._sock);
  return wait ? ready : Promise.resolve(c);
}

/** A raw TCP client that sends an identification line (and `extra`), then `how` ('end', 'destroy' or null). */
function rawClient(rec, port, extra, how) {
  const sock = net.connect(port, '127.0.0.1', () => {
    sock.write('SSH-2.0-Raw_1.0\r\n');
    if (extra) sock.write(extra);
    if (how) setTimeout(() => sock[how](), 50);
  });
  sock.on('data', () => {}).on('error', () => {});
  rec.own(sock);
  return sock;
}

/** Waits for the server's connection to close, then the client's (if any), and a little more for stragglers. */
async function settled(srvConn, cli) {
  const waits = [];
  if (srvConn) waits.push(within(srvConn.closed, "the server connection's 'close'"));
  if (cli) waits.push(within(cli.closed, "the client's 'close'"));
  await Promise.all(waits);
  await delay(20);
}

// The order 0.4.10 gives when the peer's socket ends the input: the app's
// 'end', then the stream's end of input ('finish'), then 'close'.
const SERVER_HEARS_FIN = { srv: ['end', 'close'], stream: ['end', 'finish', 'close'] };

const FIN_CASES = [
  ['FIN after the identification line only', 'ident', 'end'],
  ['reset after the identification line only', 'ident', 'destroy'],
  ['FIN mid key exchange (the client never accepts the host key)', 'kex', 'end'],
  ['FIN after the handshake, before authentication', 'preauth', 'end'],
  ['FIN after authentication, idle', 'auth', 'end'],
  ['reset (destroy) after authentication, idle', 'auth', 'destroy'],
  ['FIN mid channel data', 'data', 'end'],
  ['FIN mid SFTP request', 'sftp', 'end'],
];

for (const [title, stage, how] of FIN_CASES) {
  test(`client socket ${title}: the server app hears 'end' then 'close'`, { skip }, async (t) => {
    const rec = recorder(t);
    const { port, first } = await server(t, rec);
    let cli = null;
    let sftpCb = null;
    if (stage === 'ident') {
      rawClient(rec, port, null, how);
    } else if (stage === 'kex') {
      cli = await client(rec, port, { hostHash: 'sha256', hostVerifier: (_key, _cb) => setTimeout(() => cli._sock[how](), 20) }, false);
    } else if (stage === 'preauth') {
      cli = await client(rec, port, {
          // Answered never: the client stays before authentication.
          authHandler: () => {
            setTimeout(() => cli._sock[how](), 20);
          },
        }, false);
    } else {
      cli = await client(rec, port);
      if (stage === 'data') {
        const ch = await new Promise((resolve, reject) => cli.exec('sink', (err, c) => (err ? reject(err) : resolve(c))));
        const chunk = Buffer.alloc(32 * 1024);
        // Keep the channel busy: the end comes while data is in flight.
        const pump = () => {
          while (ch.write(chunk));
        };
        ch.on('drain', pump);
        pump();
        await delay(50);
      } else if (stage === 'sftp') {
        const sftp = await new Promise((resolve, reject) => cli.sftp((err, s) => (err ? reject(err) : resolve(s))));
        sftpCb = new Promise((resolve) => sftp.opendir('/', (err) => resolve(err)));
        await delay(50);
      }
      cli._sock[how]();
    }
    const conn = await first();
    await settled(conn, cli);
    if (how === 'destroy' && stage === 'data') {
      // A reset with unread data may reach the server as a socket error
      // first (ssh2 then resets the stream): 'error', 'end', 'close'.
      assert.deepStrictEqual(rec.log.srv.filter((e) => e !== 'error'), ['end', 'close']);
    } else {
      assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, SERVER_HEARS_FIN);
    }
    if (cli) {
      // The client's own socket ended it: ssh2's client reports the socket's 'end' (unless destroyed) and 'close'.
      assert.deepStrictEqual(rec.log.cli.filter((e) => e !== 'error'), how === 'end' ? ['end', 'close'] : ['close']);
    }
    if (sftpCb) assert.match(String(await sftpCb), /ended|No response/);
  });
}

test("clean DISCONNECT from the client (client.end()): both apps hear 'end' then 'close'", { skip }, async (t) => {
  const rec = recorder(t);
  const { port, first } = await server(t, rec);
  const cli = await client(rec, port);
  rec.watch('cliStream', cli._sshstream, ['end', 'finish', 'close']);
  cli.end();
  await settled(await first(), cli);
  // 0.4.10 never emitted the server side's 'finish' and 'close' here (its
  // own 'end' listener reset the stream); the input does end, so they come.
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, SERVER_HEARS_FIN);
  assert.deepStrictEqual(rec.log.cli, ['end', 'close']);
  assert.deepStrictEqual(rec.log.cliStream, ['end', 'finish', 'close']);
});

test("clean DISCONNECT from the server (conn.end()): both apps hear 'end' then 'close'", { skip }, async (t) => {
  const rec = recorder(t);
  const { port, first } = await server(t, rec, (conn) => setTimeout(() => conn.end(), 20));
  const cli = await client(rec, port);
  rec.watch('cliStream', cli._sshstream, ['end', 'finish', 'close']);
  await settled(await first(), cli);
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, SERVER_HEARS_FIN);
  assert.deepStrictEqual(rec.log.cli, ['end', 'close']);
  assert.deepStrictEqual(rec.log.cliStream, ['end', 'finish', 'close']);
});

test("the client app ends its SSH2Stream (end()): it ends, and the server hears 'end' then 'close'", { skip }, async (t) => {
  const rec = recorder(t);
  const { port, first } = await server(t, rec);
  const cli = await client(rec, port);
  rec.watch('cliStream', cli._sshstream, ['end', 'finish', 'close']);
  cli._sshstream.end();
  await settled(await first(), cli);
  assert.deepStrictEqual(rec.log.cliStream, ['end', 'finish', 'close']);
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, SERVER_HEARS_FIN);
  assert.deepStrictEqual(rec.log.cli, ['end', 'close']);
});

test("the server app ends its socket: both apps hear 'end' then 'close'", { skip }, async (t) => {
  const rec = recorder(t);
  const { port, first } = await server(t, rec, (conn) => setTimeout(() => conn._sock.end(), 20));
  const cli = await client(rec, port);
  await settled(await first(), cli);
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, { srv: ['end', 'close'], stream: ['finish', 'end', 'close'] });
  assert.deepStrictEqual(rec.log.cli, ['end', 'close']);
});

test("the server app destroys its SSH2Stream: 'close' at once, as in 0.4.10", { skip }, async (t) => {
  const rec = recorder(t);
  const { port, first } = await server(t, rec, (conn) => setTimeout(() => conn._sshstream.destroy(), 20));
  await client(rec, port);
  const conn = await first();
  // ssh2's keepalive timer forgets a stream only at its 'end', which a
  // destroyed stream never emits (0.4.10 alike): the timer would keep this
  // process alive until its keepalive timeout.
  t.after(() => conn._sshstream.emit('end'));
  await settled(conn, null);
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, { srv: ['close'], stream: ['close'] });
});

test("a fatal protocol error from the client: the server app hears 'error', 'end', then 'close'", { skip }, async (t) => {
  const rec = recorder(t);
  const { port, first } = await server(t, rec);
  // A packet length of 0xffffffff right after the identification line.
  rawClient(rec, port, Buffer.alloc(64, 0xff), null);
  await settled(await first(), null);
  // 0.4.10 (on current Node) gave 'error' and 'close' with no 'end'.
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, { srv: ['error', 'end', 'close'], stream: ['end', 'close'] });
});

test("a fatal protocol error from the server: the client app hears 'error', 'end', then 'close'", { skip }, async (t) => {
  const rec = recorder(t);
  const raw = net.createServer((s) => {
    s.write('SSH-2.0-Raw_1.0\r\n');
    s.on('data', () => s.write(Buffer.alloc(64, 0xff)));
    s.on('error', () => {});
    rec.own(s);
  });
  await new Promise((r) => raw.listen(0, '127.0.0.1', r));
  t.after(() => raw.close());
  const cli = await client(rec, raw.address().port, {}, false);
  rec.watch('cliStream', cli._sshstream, ['end', 'finish', 'close']);
  await settled(null, cli);
  assert.deepStrictEqual(rec.log.cli, ['error', 'end', 'close']);
  assert.deepStrictEqual(rec.log.cliStream, ['end', 'close']);
});

test("the server's socket fails: the app hears 'error', 'end', then 'close' (0.4.10: no 'close')", { skip }, async (t) => {
  const rec = recorder(t);
  // ssh2 answers a socket error with the stream's reset(); the failed
  // socket never ends the stream's input.
  const { port, first } = await server(t, rec, (conn) => setTimeout(() => conn._sock.destroy(new Error('simulated socket error')), 20));
  await client(rec, port);
  await settled(await first(), null);
  assert.deepStrictEqual({ srv: rec.log.srv, stream: rec.log.stream }, { srv: ['error', 'end', 'close'], stream: ['end', 'close'] });
});

test("an SFTPStream whose input ends: 'end', 'finish', then 'close' in both roles; a client's pending request fails", async () => {
  const { SFTPStream } = require('..');
  for (const server of [true, false]) {
    const sftp = new SFTPStream({ server });
    const log = [];
    for (const name of ['error', 'end', 'finish', 'close']) sftp.on(name, () => log.push(name));
    sftp.resume();
    // A client's request goes out before VERSION; it waits for an answer.
    const pending = server ? null : new Promise((resolve) => sftp.stat('/x', resolve));
    const closed = heard(sftp, 'close');
    sftp.end();
    await within(closed, `the ${server ? 'server' : 'client'} SFTPStream's 'close'`);
    assert.deepStrictEqual(log, ['end', 'finish', 'close'], server ? 'server' : 'client');
    if (pending) assert.match(String(await pending), /ended/);
  }
});

// OpenSSH's clients, killed: the server app must hear the end at once, not
// at its next keepalive.

/** An ssh2 Server for OpenSSH: publickey for `userKey`; exec sinks its input, SFTP serves one big file. */
async function opensshServer(t, userKey, fileSize) {
  const ends = [];
  const srv = new Server({ hostKeys: [host()] }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.key.algo !== userKey.type || !ctx.key.data.equals(userKey.getPublicSSH())) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept();
      return userKey.verify(ctx.blob, ctx.signature) ? ctx.accept() : ctx.reject();
    });
    conn.on('end', () => ends.push(Date.now()));
    conn.on('ready', () =>
      conn.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec) => {
          const ch = acceptExec();
          ch.resume();
          srv.emit('busy');
        });
        session.on('sftp', (acceptSftp) => serveOneFile(acceptSftp(), fileSize, () => srv.emit('busy')));
      })
    );
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return { srv, port: srv.address().port, ends };
}

/** A minimal SFTP server: any path stats as a `size`-byte file of zeros; `onRead` once reads flow. */
function serveOneFile(sftp, size, onRead) {
  const { STATUS_CODE } = sftp.constructor;
  const attrs = { mode: 0o100644, size, uid: 0, gid: 0, atime: 0, mtime: 0 };
  let reads = 0;
  sftp.on('REALPATH', (id) => sftp.name(id, [{ filename: '/', longname: '/', attrs: {} }]));
  for (const req of ['STAT', 'LSTAT', 'FSTAT']) sftp.on(req, (id) => sftp.attrs(id, attrs));
  sftp.on('OPEN', (id) => sftp.handle(id, Buffer.from('h')));
  sftp.on('CLOSE', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('READ', (id, _handle, offset, length) => {
    if (++reads === 64) onRead();
    if (offset >= size) return sftp.status(id, STATUS_CODE.EOF);
    sftp.data(id, Buffer.alloc(Math.min(length, size - offset)));
  });
}

function opensshArgs(port, keyFile) {
  return [
    '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', keyFile,
  ];
}

for (const which of ['ssh', 'sftp']) {
  test(`OpenSSH \`${which}\` killed mid-${which === 'ssh' ? 'session' : 'transfer'}: the ssh2 Server app hears 'end'`, { skip }, async (t) => {
    const dir = tmpDir('ssh2sn-lifecycle-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const user = keygen(dir, 'user', 'ed25519');
    const { utils } = require('..');
    const userKey = utils.parseKey(user.pub);
    const { srv, port, ends } = await opensshServer(t, userKey, 1 << 30);
    const args = opensshArgs(port, user.file);
    const proc =
      which === 'ssh'
        ? spawn('ssh', [...args, '-p', String(port), 'u@127.0.0.1', 'sink'], { stdio: ['pipe', 'ignore', 'pipe'] })
        : spawn('sftp', [...args, '-P', String(port), '-b', '-', 'u@127.0.0.1'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    t.after(() => proc.kill('SIGKILL'));
    if (which === 'ssh') {
      // Keep input flowing so the kill lands mid-session with data in flight.
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (proc.stdin.write(chunk));
      };
      proc.stdin.on('drain', pump).on('error', () => {});
      pump();
    } else {
      proc.stdin.on('error', () => {});
      proc.stdin.write(`get /big ${path.join(dir, 'big')}\n`);
    }
    await Promise.race([
      new Promise((resolve) => srv.once('busy', resolve)),
      new Promise((_, reject) => proc.on('exit', () => reject(new Error(`${which} exited early: ${stderr.slice(-1500)}`)))),
    ]);
    const killedAt = Date.now();
    proc.kill('SIGKILL');
    const deadline = Date.now() + ENDS_WITHIN_MS;
    while (!ends.length && Date.now() < deadline) await delay(10);
    assert.strictEqual(ends.length, 1, `the server app heard no 'end' within ${ENDS_WITHIN_MS} ms of the kill`);
    t.diagnostic(`'end' heard ${ends[0] - killedAt} ms after SIGKILL`);
  });
}
