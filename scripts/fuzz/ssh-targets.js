'use strict';
// The SSH victims of the connection fuzzer: ssh2@0.8.9's Server connection
// and Client, running on this package (an app's npm override), each with
// listeners like a real app, joined in process to an attacker SSH2Stream
// of this package that takes the connection to the phase under attack
// (pre-auth: after the handshake, before USERAUTH_SUCCESS; post-auth:
// logged in, one session channel open) and then injects raw payloads.
// Each setup returns the attacker, the victim's state, the victim's
// channel numbers, and a probe: a well-formed request whose answer (or the
// victim's end) shows the victim is not left half-dead.

const crypto = require('crypto');
const { SSH2Stream, utils } = require('../..');
const { loadSsh2 } = require('../bench/ssh2-loader');
const { duplexPair } = require('./pipes');
const { track } = require('./track');
const { first, logIn } = require('./attacker');

const { Server, Client } = loadSsh2('ours');
const HOST_PEM = crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const HOST_KEY = utils.parseKey(HOST_PEM);
const WINDOW = 2 * 1024 * 1024;
const PACKET = 32768;
const send = (stream, payload) => SSH2Stream._send(stream, payload);

/** The attacker's end: when it stops, its "socket" ends too, as a TCP peer's would. */
function attackerOn(sock, atk) {
  const seen = { ended: false, errors: [] };
  atk.on('error', (e) => seen.errors.push(e));
  atk.on('end', () => {
    seen.ended = true;
    sock.end();
  });
  sock.pipe(atk).pipe(sock);
  return seen;
}


let server;
/** One ssh2 Server for the process; each iteration injects a connection into it. */
function ssh2Server() {
  if (server) return server;
  server = new Server({ hostKeys: [HOST_PEM] }, (conn) => {
    server.latest(conn);
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.password === 'pw') return ctx.accept();
      if (ctx.method === 'keyboard-interactive') return ctx.prompt([{ prompt: 'p', echo: false }], () => ctx.reject());
      ctx.reject(['password', 'publickey', 'keyboard-interactive']);
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        for (const ev of ['env', 'signal', 'pty', 'window-change', 'x11', 'auth-agent']) {
          session.on(ev, (acc, reject) => reject && reject());
        }
        session.on('exec', (acc) => {
          const ch = acc && acc();
          if (ch) ch.on('error', () => {}).end('ok');
        });
        session.on('shell', (acc) => {
          const ch = acc && acc();
          if (ch) ch.on('error', () => {}).on('data', () => {});
        });
        // Without want-reply, ssh2 passes no accept/reject.
        session.on('subsystem', (acc, reject, info) => (info.name === 'sftp' ? acc && acc() : reject && reject()));
      });
      conn.on('tcpip', (acc, reject) => reject());
      conn.on('openssh.streamlocal', (acc, reject) => reject());
      conn.on('request', (acc, reject) => reject && reject());
    });
  });
  return server;
}

/** ssh2 Server connection as the victim; the attacker is a client. */
async function serverVictim(turns, phase) {
  const srv = ssh2Server();
  let conn = null;
  srv.latest = (c) => (conn = c);
  const [a, b] = duplexPair();
  b.remoteAddress = '127.0.0.1';
  srv._srv.emit('connection', b);
  const atk = new SSH2Stream({});
  const atkState = attackerOn(a, atk);
  const ready = first(atk, ['ready', 'end']);
  if (!(await turns.wait(() => ready() && conn, 400)) || ready()[0] !== 'ready') throw new Error('setup: handshake did not finish');
  const victim = track(conn);
  const chans = [];
  const opened = await logIn(atk, turns, phase, WINDOW, PACKET);
  if (opened) {
    chans.push(opened.sender);
    atk.on('CHANNEL_DATA:0', () => {});
  }
  // Post-auth: a global request the server's app refuses. Pre-auth: a
  // "none" user-auth request, refused.
  const probe = () => {
    const ans = first(atk, phase === 'post' ? ['REQUEST_FAILURE', 'REQUEST_SUCCESS'] : ['USERAUTH_FAILURE', 'USERAUTH_SUCCESS']);
    if (phase === 'post') send(atk, Buffer.concat([Buffer.from([80, 0, 0, 0, 21]), Buffer.from('keepalive@openssh.com'), Buffer.from([1])]));
    else atk.authNone('u');
    return ans;
  };
  // The attacker hangs up (its socket's EOF reaches the victim, which
  // must end: ssh2's keepalive manager holds a connection until it does);
  // the caller lets a few turns pass, then `destroy` tears down the rest.
  const cleanup = () => a.end();
  const destroy = () => {
    a.destroy();
    b.destroy();
  };
  return { atk, atkState, victim, victimStream: conn._sshstream, chans, probe, cleanup, destroy, toServer: true };
}

/** ssh2 Client as the victim; the attacker is a server. */
async function clientVictim(turns, phase) {
  const [a, b] = duplexPair();
  const atk = new SSH2Stream({ server: true, hostKeys: { [HOST_KEY.type]: HOST_KEY } });
  const atkState = attackerOn(a, atk);
  const chans = [];
  let pendingAuth = 0;
  atk.on('SERVICE_REQUEST', (svc) => atk.serviceAccept(svc));
  atk.on('USERAUTH_REQUEST', (user, svc, method) => {
    if (phase === 'post' && method === 'password') return atk.authSuccess();
    if (phase === 'pre') {
      pendingAuth++;
      return undefined; // held: the attack comes while it waits
    }
    return atk.authFailure(['password']);
  });
  atk.on('CHANNEL_OPEN', (info) => {
    chans.push(info.sender);
    atk.channelOpenConfirm(info.sender, chans.length - 1, WINDOW, PACKET);
  });
  const client = new Client();
  const victim = track(client);
  let victimReady = false;
  client.on('ready', () => {
    victimReady = true;
    client.exec('true', (err, ch) => {
      if (ch) ch.on('error', () => {}).on('data', () => {}).stderr.on('data', () => {});
    });
  });
  client.on('tcp connection', (info, accept, reject) => reject());
  client.on('x11', (info, accept, reject) => reject());
  client.on('unix connection', (info, accept, reject) => reject());
  client.on('keyboard-interactive', (n, i, l, prompts, finish) => finish(prompts.map(() => 'x')));
  client.on('change password', (prompt, lang, done) => done('pw2'));
  client.on('banner', () => {});
  client.connect({ sock: b, username: 'u', password: 'pw', tryKeyboard: true, readyTimeout: 0x7fffffff });
  const atkOff = first(atk, ['end']);
  if (phase === 'pre') {
    if (!(await turns.wait(() => pendingAuth > 0 || atkOff(), 400)) || atkOff()) throw new Error('setup: no user-auth request');
  } else if (!(await turns.wait(() => (victimReady && chans.length) || atkOff(), 400)) || atkOff()) {
    throw new Error('setup: login or session failed');
  }
  atk.on('CHANNEL_REQUEST:0', (info) => info.wantReply && atk.channelSuccess(chans[0]));
  // Post-auth: a global request, which ssh2's Client refuses. Pre-auth:
  // the held request is refused, and the client tries its password.
  const probe = () => {
    if (phase === 'post') {
      const ans = first(atk, ['REQUEST_FAILURE', 'REQUEST_SUCCESS']);
      send(atk, Buffer.concat([Buffer.from([80, 0, 0, 0, 21]), Buffer.from('keepalive@openssh.com'), Buffer.from([1])]));
      return ans;
    }
    const before = pendingAuth;
    atk.authFailure(['password', 'keyboard-interactive']);
    // A forged USERAUTH_SUCCESS may already have logged it in.
    return () => pendingAuth > before || victimReady;
  };
  const cleanup = () => {
    client.end();
    a.end();
  };
  const destroy = () => {
    a.destroy();
    b.destroy();
  };
  return { atk, atkState, victim, victimStream: client._sshstream, chans, probe, cleanup, destroy, toServer: false };
}

module.exports = { serverVictim, clientVictim };
