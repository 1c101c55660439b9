'use strict';
// Bare SSH2Stream victims for the connection fuzzer, both roles, with
// listeners like a small app written straight on this package's API (no
// ssh2 on top): the paths ssh2 hides, such as the stream's own refusal of
// channel opens nobody listens for, get attacked too. Same shape as
// ssh-targets.js: attacker, victim state, channel numbers, probe.

const crypto = require('crypto');
const { SSH2Stream, utils } = require('../..');
const { duplexPair } = require('./pipes');
const { track } = require('./track');
const { first, logIn } = require('./attacker');

const HOST = utils.parseKey(
  crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
);
const WINDOW = 2 * 1024 * 1024;
const PACKET = 32768;
const KEEPALIVE = Buffer.concat([Buffer.from([80, 0, 0, 0, 21]), Buffer.from('keepalive@openssh.com'), Buffer.from([1])]);


function join(victim, attacker) {
  const [a, b] = duplexPair();
  const atkState = { ended: false, errors: [] };
  attacker.on('error', (e) => atkState.errors.push(e));
  attacker.on('end', () => {
    atkState.ended = true;
    a.end();
  });
  a.pipe(attacker).pipe(a);
  b.pipe(victim).pipe(b);
  const cleanup = () => a.end();
  const destroy = () => {
    a.destroy();
    b.destroy();
  };
  return { atkState, cleanup, destroy };
}

/** Channel handling of the app: sessions confirmed, their requests refused, closes answered. */
function serveChannels(stream, chans) {
  stream.on('CHANNEL_OPEN', (info) => {
    if (info.type !== 'session') return stream.channelOpenFail(info.sender, 1, '', '');
    const local = chans.length;
    chans.push(local);
    const remote = info.sender;
    stream.channelOpenConfirm(remote, local, WINDOW, PACKET);
    stream.on(`CHANNEL_REQUEST:${local}`, (req) => req.wantReply && stream.channelFailure(remote));
    stream.on(`CHANNEL_DATA:${local}`, () => {});
    stream.once(`CHANNEL_CLOSE:${local}`, () => stream.channelClose(remote));
    return undefined;
  });
  stream.on('GLOBAL_REQUEST', (name, wantReply) => wantReply && stream.requestFailure());
}

/** A bare SSH2Stream server as the victim; the attacker is a client. */
async function streamServerVictim(turns, phase) {
  const server = new SSH2Stream({ server: true, hostKeys: { [HOST.type]: HOST } });
  const victim = track(server);
  const chans = [];
  server.on('SERVICE_REQUEST', (svc) => (svc === 'ssh-userauth' ? server.serviceAccept(svc) : server.disconnect(7)));
  server.on('USERAUTH_REQUEST', (user, svc, method, data) => {
    if (method === 'password' && data === 'pw') return server.authSuccess();
    return server.authFailure(['password']);
  });
  serveChannels(server, chans);
  const atk = new SSH2Stream({});
  const { atkState, cleanup, destroy } = join(server, atk);
  const ready = first(atk, ['ready', 'end']);
  if (!(await turns.wait(ready, 400)) || ready()[0] !== 'ready') throw new Error('setup: handshake did not finish');
  await logIn(atk, turns, phase, WINDOW, PACKET);
  const probe = () => {
    const ans = first(atk, phase === 'post' ? ['REQUEST_FAILURE', 'REQUEST_SUCCESS'] : ['USERAUTH_FAILURE', 'USERAUTH_SUCCESS']);
    if (phase === 'post') SSH2Stream._send(atk, KEEPALIVE);
    else atk.authNone('u');
    return ans;
  };
  return { atk, atkState, victim, chans, probe, cleanup, destroy, toServer: true };
}

/** A bare SSH2Stream client as the victim; the attacker is a server. */
async function streamClientVictim(turns, phase) {
  const client = new SSH2Stream({});
  const victim = track(client);
  const chans = [];
  let loggedIn = false;
  client.on('ready', () => client.service('ssh-userauth'));
  client.on('SERVICE_ACCEPT', () => client.authPassword('u', 'pw'));
  client.on('USERAUTH_SUCCESS', () => {
    loggedIn = true;
    client.session(0, WINDOW, PACKET);
  });
  client.on('CHANNEL_OPEN_CONFIRMATION:0', (info) => {
    chans.push(0);
    client.exec(info.sender, 'true', true);
    client.on('CHANNEL_REQUEST:0', (req) => req.wantReply && client.channelFailure(info.sender));
    client.on('CHANNEL_DATA:0', () => {});
    client.on('CHANNEL_EXTENDED_DATA:0', () => {});
  });
  // No CHANNEL_OPEN listener: the stream refuses opens itself.
  client.on('GLOBAL_REQUEST', (name, wantReply) => wantReply && client.requestFailure());
  const atk = new SSH2Stream({ server: true, hostKeys: { [HOST.type]: HOST } });
  let pendingAuth = 0;
  atk.on('SERVICE_REQUEST', (svc) => atk.serviceAccept(svc));
  atk.on('USERAUTH_REQUEST', () => {
    if (phase === 'post') return atk.authSuccess();
    pendingAuth++;
    return undefined; // held: the attack comes while it waits
  });
  let opened = false;
  atk.on('CHANNEL_OPEN', (info) => {
    opened = true;
    atk.channelOpenConfirm(info.sender, 0, WINDOW, PACKET);
  });
  const { atkState, cleanup, destroy } = join(client, atk);
  if (phase === 'pre') {
    if (!(await turns.wait(() => pendingAuth > 0 || atkState.ended, 400)) || atkState.ended) throw new Error('setup: no user-auth request');
  } else if (!(await turns.wait(() => (opened && chans.length) || atkState.ended, 400)) || atkState.ended) {
    throw new Error('setup: login or session failed');
  }
  const probe = () => {
    if (phase === 'post') {
      const ans = first(atk, ['REQUEST_FAILURE', 'REQUEST_SUCCESS']);
      SSH2Stream._send(atk, KEEPALIVE);
      return ans;
    }
    // Pre-auth too: a keepalive global request (what OpenSSH sends),
    // refused by the app, or the client ends; a forged USERAUTH_SUCCESS
    // may have logged it in meanwhile.
    const ans = first(atk, ['REQUEST_FAILURE', 'REQUEST_SUCCESS']);
    SSH2Stream._send(atk, KEEPALIVE);
    return () => ans() || loggedIn;
  };
  return { atk, atkState, victim, chans, probe, cleanup, destroy, toServer: false };
}

module.exports = { streamServerVictim, streamClientVictim };
