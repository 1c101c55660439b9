'use strict';
// A client and a server SSH2Stream of one implementation in one process,
// joined by an asynchronous in-process link with backpressure, taken through
// kex, the userauth service, password auth and one session channel.

const { Transform } = require('stream');
const fs = require('fs');
const path = require('path');

const FIXTURES = path.join(__dirname, 'fixtures');

/**
 * The module under test: 'ours' (this package) or 'orig' (ssh2-streams@0.4.10);
 * 'v1' (ssh2@1.17.0's protocol layer) is joined by v1-pair.js instead.
 */
function load(impl) {
  if (impl === 'ours') return require('../../index.js');
  if (impl === 'orig') return require('ssh2-streams');
  throw new Error(`unknown implementation ${impl}`);
}

/** One hop of the link: delivers each chunk on a later turn of the event loop. */
function asyncHop() {
  return new Transform({
    transform(chunk, _enc, cb) {
      setImmediate(cb, null, chunk);
    },
  });
}

// Parsed once per implementation and key type, as a server does (ssh2's
// Server parses its hostKeys when it is made): the handshake figure is about
// connections, not about reading key files.
const parsedHostKeys = new Map();

function hostKey(impl, keyType) {
  const id = `${impl} ${keyType}`;
  if (!parsedHostKeys.has(id)) parsedHostKeys.set(id, parseHostKey(impl, keyType));
  return parsedHostKeys.get(id);
}

function parseHostKey(impl, keyType) {
  const { utils } = load(impl);
  const file = { 'ssh-ed25519': 'host_ed25519', 'ecdsa-sha2-nistp256': 'host_ecdsa', 'ssh-rsa': 'host_rsa' }[keyType];
  const key = utils.parseKey(fs.readFileSync(path.join(FIXTURES, file)));
  if (key instanceof Error) throw key;
  return key;
}

/**
 * Resolves to { client, server, clientChannel, serverChannel } with a
 * session channel open. algorithms: { kex, serverHostKey, cipher, hmac }.
 */
function connect(impl, { algorithms, window = 2 * 1024 * 1024, packetSize = 32 * 1024 }) {
  // The raw rows' floor: the same link with no SSH on it (link-pair.js).
  if (impl === 'link') return Promise.resolve(require('./link-pair').open(asyncHop));
  let client;
  let server;
  if (impl === 'v1') {
    ({ client, server } = require('./v1-pair').sides(algorithms, asyncHop));
  } else {
    const { SSH2Stream } = load(impl);
    const keyType = algorithms.serverHostKey[0].startsWith('rsa-') ? 'ssh-rsa' : algorithms.serverHostKey[0];
    server = new SSH2Stream({
      server: true,
      hostKeys: { [keyType]: hostKey(impl, keyType) },
      algorithms,
    });
    client = new SSH2Stream({ algorithms });
    client.pipe(asyncHop()).pipe(server).pipe(asyncHop()).pipe(client);
  }

  return new Promise((resolve, reject) => {
    client.on('error', reject);
    server.on('error', reject);
    server.on('SERVICE_REQUEST', (name) => server.serviceAccept(name));
    server.on('USERAUTH_REQUEST', (user, _svc, method, data) => {
      if (method === 'password' && user === 'bench' && data === 'secret') server.authSuccess();
      else server.authFailure(['password'], false);
    });
    server.on('CHANNEL_OPEN', (info) => {
      server.channelOpenConfirm(info.sender, 0, window, packetSize);
      client.once('CHANNEL_OPEN_CONFIRMATION:0', (conf) => {
        client.removeListener('error', reject);
        server.removeListener('error', reject);
        resolve({ client, server, clientChannel: conf.sender, serverChannel: info.sender });
      });
    });
    client.on('fingerprint', (_key, verify) => verify(true));
    client.once('ready', () => client.service('ssh-userauth'));
    client.on('SERVICE_ACCEPT', () => client.authPassword('bench', 'secret'));
    client.on('USERAUTH_SUCCESS', () => client.session(0, window, packetSize));
    client.on('USERAUTH_FAILURE', () => reject(new Error('password auth failed')));
  });
}

/** Ends both streams and resolves once both have closed or ended. */
function close({ client, server }) {
  const done = (s) => new Promise((r) => (s.destroyed || s._readableState?.ended ? r() : s.once('end', r).once('close', r)));
  const both = Promise.all([done(client), done(server)]);
  client.disconnect();
  return Promise.race([both, new Promise((r) => setTimeout(r, 1000))]);
}

module.exports = { load, connect, close, asyncHop };
