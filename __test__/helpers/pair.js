'use strict';
// Joins a client and a server SSH2Stream of this package and takes them to
// a given point of the protocol; shared by the in-process tests.

const { SSH2Stream, utils } = require('../..');
const { keygen, tmpDir } = require('./openssh');

const keyCache = new Map();

/** A host key of an OpenSSH key type, generated once per process with ssh-keygen. */
function hostKey(type) {
  if (!keyCache.has(type)) {
    const keygenType = { 'ssh-ed25519': 'ed25519', 'ssh-rsa': 'rsa', 'ssh-dss': 'dsa' }[type];
    const ecdsaBits = /^ecdsa-sha2-nistp(\d+)$/.exec(type);
    const k = ecdsaBits
      ? keygen(tmpDir('ssh2sn-key-'), 'host', 'ecdsa', ['-b', ecdsaBits[1]])
      : keygen(tmpDir('ssh2sn-key-'), 'host', keygenType);
    const parsed = utils.parseKey(k.priv);
    if (parsed instanceof Error) throw parsed;
    keyCache.set(type, parsed);
  }
  return keyCache.get(type);
}

/** The key type that signs for a host key algorithm (rsa-sha2-* are RSA keys). */
function keyTypeOf(hostKeyAlgo) {
  return hostKeyAlgo.startsWith('rsa-sha2-') ? 'ssh-rsa' : hostKeyAlgo;
}

/**
 * A connected pair, piped directly. Resolves when both sides emitted
 * 'ready' (the first NEWKEYS); rejects on the first error of either side.
 * `clientDebug` receives the client's debug lines.
 */
function handshake(algorithms, { serverAlgorithms = algorithms, clientAlgorithms = algorithms, clientDebug } = {}) {
  const type = keyTypeOf(serverAlgorithms.serverHostKey ? serverAlgorithms.serverHostKey[0] : 'ssh-ed25519');
  const server = new SSH2Stream({ server: true, hostKeys: { [type]: hostKey(type) }, algorithms: serverAlgorithms });
  const client = new SSH2Stream({ algorithms: clientAlgorithms, debug: clientDebug });
  client.pipe(server).pipe(client);
  return new Promise((resolve, reject) => {
    let ready = 0;
    const onReady = () => {
      if (++ready === 2) resolve({ client, server });
    };
    client.once('error', reject).once('ready', onReady);
    server.once('error', reject).once('ready', onReady);
  });
}

/** Counts and hashes what arrives as CHANNEL_DATA on channel `id`: { bytes, hash }. */
function sink(stream, id) {
  const s = { bytes: 0, hash: require('crypto').createHash('sha256') };
  stream.on(`CHANNEL_DATA:${id}`, (data) => {
    s.bytes += data.length;
    s.hash.update(data);
  });
  return s;
}

module.exports = { handshake, hostKey, keyTypeOf, sink };
