'use strict';
// Joins a client and a server SSH2Stream of this package and takes them to
// a given point of the protocol; shared by the in-process tests.

const { SSH2Stream, utils } = require('../..');
const { execFileSync } = require('child_process');
const fs = require('fs');
const { keygen, tmpDir } = require('./openssh');

const keyCache = new Map();

const CERT_SUFFIX = '-cert-v01@openssh.com';

/**
 * A host key of an OpenSSH key type, generated once per process with
 * ssh-keygen; for a certificate type, the key followed by its host
 * certificate (signed by a throwaway CA), as a server is given one.
 */
function hostKey(type) {
  if (!keyCache.has(type)) {
    const base = type.endsWith(CERT_SUFFIX) ? type.slice(0, -CERT_SUFFIX.length) : type;
    const keygenType = { 'ssh-ed25519': 'ed25519', 'ssh-rsa': 'rsa', 'ssh-dss': 'dsa' }[base];
    const ecdsaBits = /^ecdsa-sha2-nistp(\d+)$/.exec(base);
    const dir = tmpDir('ssh2sn-key-');
    const k = ecdsaBits ? keygen(dir, 'host', 'ecdsa', ['-b', ecdsaBits[1]]) : keygen(dir, 'host', keygenType);
    let text = k.priv;
    if (base !== type) {
      const ca = keygen(dir, 'ca', 'ed25519');
      execFileSync('ssh-keygen', ['-q', '-s', ca.file, '-h', '-I', 'host', '-n', 'localhost', `${k.file}.pub`]);
      text = `${k.priv}\n${fs.readFileSync(`${k.file}-cert.pub`, 'utf8')}`;
    }
    const parsed = utils.parseKey(text);
    if (parsed instanceof Error) throw parsed;
    keyCache.set(type, parsed);
  }
  return keyCache.get(type);
}

/** The key type that signs for a host key algorithm (rsa-sha2-* are RSA keys, rsa-sha2-*-cert RSA certificates). */
function keyTypeOf(hostKeyAlgo) {
  if (!hostKeyAlgo.startsWith('rsa-sha2-')) return hostKeyAlgo;
  return hostKeyAlgo.endsWith(CERT_SUFFIX) ? `ssh-rsa${CERT_SUFFIX}` : 'ssh-rsa';
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
