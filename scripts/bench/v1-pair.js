'use strict';
// The anchor 'v1': ssh2@1.17.0's own protocol layer (lib/protocol/Protocol.js,
// installed as the devDependency alias ssh2-v1), a client and a server in one
// process joined by the same asynchronous link as pair.js. Each side is
// wrapped in an emitter with the few SSH2Stream-shaped methods and events the
// raw and handshake benches use, so they run it unchanged.

const EventEmitter = require('events');
const fs = require('fs');
const path = require('path');

const Protocol = require('ssh2-v1/lib/protocol/Protocol.js');
const { KexInit } = require('ssh2-v1/lib/protocol/kex.js');
const { parseKey } = require('ssh2-v1/lib/protocol/keyParser.js');
const DEFAULTS = require('ssh2-v1/lib/protocol/constants.js');

const FIXTURES = path.join(__dirname, 'fixtures');
const KEY_FILES = { 'ssh-ed25519': 'host_ed25519', 'ecdsa-sha2-nistp256': 'host_ecdsa', 'ssh-rsa': 'host_rsa' };

/** A KEXINIT of the given lists; a list left out is ssh2@1.17's default (its order on this CPU). */
function offer(algorithms, server) {
  const dir = { cipher: algorithms.cipher || DEFAULTS.DEFAULT_CIPHER, mac: algorithms.hmac || DEFAULTS.DEFAULT_MAC, compress: ['none'], lang: [] };
  return new KexInit({
    kex: (algorithms.kex || DEFAULTS.DEFAULT_KEX).concat(server ? 'kex-strict-s-v00@openssh.com' : 'kex-strict-c-v00@openssh.com'),
    serverHostKey: algorithms.serverHostKey,
    cs: dir,
    sc: dir,
  });
}

/** One side: ssh2's Protocol, its output written into `link`. */
class Side extends EventEmitter {
  constructor(cfg, link) {
    super();
    this._link = link;
    this._ok = true;
    link.on('drain', () => this.emit('continue'));
    const side = this;
    this.proto = new Protocol({
      ...cfg,
      debug: process.env.V1_DEBUG ? (m) => console.error(cfg.server ? 'S' : 'C', m) : undefined,
      onWrite: (data) => {
        side._ok = link.write(data);
      },
      onError: (err) => side.emit('error', err),
      onHandshakeComplete: () => side.emit('ready'),
      messageHandlers: {
        SERVICE_REQUEST: (_p, name) => side.emit('SERVICE_REQUEST', name),
        SERVICE_ACCEPT: (_p, name) => side.emit('SERVICE_ACCEPT', name),
        USERAUTH_REQUEST: (_p, user, service, method, data) => side.emit('USERAUTH_REQUEST', user, service, method, data),
        USERAUTH_SUCCESS: () => side.emit('USERAUTH_SUCCESS'),
        USERAUTH_FAILURE: () => side.emit('USERAUTH_FAILURE'),
        CHANNEL_OPEN: (_p, info) => side.emit('CHANNEL_OPEN', info),
        CHANNEL_OPEN_CONFIRMATION: (_p, info) => side.emit(`CHANNEL_OPEN_CONFIRMATION:${info.recipient}`, info),
        CHANNEL_DATA: (_p, chan, data) => side.emit(`CHANNEL_DATA:${chan}`, data),
        CHANNEL_WINDOW_ADJUST: (_p, chan, amount) => side.emit(`CHANNEL_WINDOW_ADJUST:${chan}`, amount),
        DISCONNECT: () => side.emit('end'),
      },
    });
  }

  /** Feeds bytes from the peer. */
  parse(chunk) {
    this.proto.parse(chunk, 0, chunk.length);
  }

  /** The write methods return the link's backpressure, as SSH2Stream's do. */
  _sent() {
    return this._ok;
  }
  service(name) {
    this.proto.service(name);
    return this._sent();
  }
  serviceAccept(name) {
    this.proto.serviceAccept(name);
    return this._sent();
  }
  authPassword(user, pass) {
    this.proto.authPassword(user, pass);
    return this._sent();
  }
  authSuccess() {
    this.proto.authSuccess();
    return this._sent();
  }
  authFailure(methods, partial) {
    this.proto.authFailure(methods, partial);
    return this._sent();
  }
  session(chan, window, packet) {
    this.proto.session(chan, window, packet);
    return this._sent();
  }
  channelOpenConfirm(remote, local, window, packet) {
    this.proto.channelOpenConfirm(remote, local, window, packet);
    return this._sent();
  }
  channelData(chan, data) {
    this.proto.channelData(chan, data);
    return this._sent();
  }
  channelWindowAdjust(chan, amount) {
    this.proto.channelWindowAdjust(chan, amount);
    return this._sent();
  }
  disconnect() {
    this.proto.disconnect(11);
    this.proto.cleanup();
    this.emit('end');
  }
}

/** Host keys as ssh2's Server keys them: by signature algorithm. */
function hostKeys(algo) {
  const type = algo.startsWith('rsa-') ? 'ssh-rsa' : algo;
  const key = parseKey(fs.readFileSync(path.join(FIXTURES, KEY_FILES[type])));
  if (key instanceof Error) throw key;
  if (type !== 'ssh-rsa') return { [type]: key };
  return { 'rsa-sha2-512': key, 'rsa-sha2-256': key, 'ssh-rsa': key };
}

/** Joins a client and a server Side through two asynchronous hops (pair.js's). */
function sides(algorithms, asyncHop) {
  const up = asyncHop();
  const down = asyncHop();
  const client = new Side({ offer: offer(algorithms, false) }, up);
  const server = new Side({ server: true, hostKeys: hostKeys(algorithms.serverHostKey[0]), offer: offer(algorithms, true) }, down);
  up.on('data', (c) => server.parse(c));
  down.on('data', (c) => client.parse(c));
  client.proto.start();
  server.proto.start();
  return { client, server };
}

module.exports = { sides };
