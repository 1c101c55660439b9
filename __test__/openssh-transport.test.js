'use strict';
// The transport against the real OpenSSH: our client to `sshd`, OpenSSH's
// `ssh` to our server, for every algorithm both sides have, each confirmed
// from OpenSSH's own debug log. Also strict kex (Terrapin) both ways.

const test = require('node:test');
// Until the native transport lands (issue 4), these say so and skip.
const ENGINE_MISSING =
  typeof require('../lib/binding').SshSession !== 'function' && 'the SSH2Stream transport engine is not built yet (issue 4)';
const assert = require('node:assert');
const net = require('net');
const { execFileSync } = require('child_process');
const { SSH2Stream, constants } = require('..');
const { missing, startSshd, runSsh } = require('./helpers/openssh');
const { hostKey } = require('./helpers/pair');

const skip = missing() || false;
const A = constants.ALGORITHMS;
const { implemented } = require('../lib/binding');
const CATEGORY = { kex: 'kex', serverHostKey: 'serverHostKey', cipher: 'cipher', hmac: 'hmac' };
/** Why a case cannot run yet: an algorithm the registry lists ahead of the engine. */
function pending(algorithms) {
  const missingNames = Object.entries(algorithms).flatMap(([k, names]) => names.filter((n) => !implemented(CATEGORY[k], n)));
  return missingNames.length ? `not implemented yet: ${missingNames.join(', ')} (issue 4)` : false;
}
/** Everything the engine implements of a category, to offer it all. */
const everything = (list, category) => list.filter((n) => implemented(category, n));
const AEAD = /gcm@openssh\.com|chacha20-poly1305/;

/** What the installed OpenSSH supports of a query type (`ssh -Q kex`, ...). */
function openssh(query) {
  if (skip) return [];
  return execFileSync('ssh', ['-Q', query], { encoding: 'utf8' }).trim().split('\n');
}

const both = (ours, query) => ours.filter((n) => openssh(query).includes(n));

// sshd host key types and the host key algorithms each serves.
const HOST_KEYS = { ed25519: ['ssh-ed25519'], ecdsa: ['ecdsa-sha2-nistp256'], rsa: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };

/** Everything OpenSSH can do, enabled, so each algorithm can be picked by the client. */
function allAlgorithmsConfig() {
  return [
    `KexAlgorithms ${openssh('kex').join(',')}`,
    `Ciphers ${openssh('cipher').join(',')}`,
    `MACs ${openssh('mac').join(',')}`,
    `HostKeyAlgorithms ${openssh('HostKeyAlgorithms').join(',')}`,
  ];
}

/** Our client: kex, then `none` auth (refused), then disconnect. Resolves with the log slice. */
function ourClientSession(port, algorithms, { inject } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const client = new SSH2Stream({ algorithms });
    socket.pipe(client).pipe(socket);
    let failed = null;
    client.on('error', (err) => (failed = err));
    if (inject) client.once('KEXINIT', () => inject(client));
    client.once('ready', () => client.service('ssh-userauth'));
    client.on('SERVICE_ACCEPT', () => client.authNone('root'));
    client.on('USERAUTH_FAILURE', () => client.disconnect());
    socket.on('error', (err) => (failed = failed || err));
    socket.on('close', () => resolve({ error: failed }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error('timed out'));
    }, 15000).unref();
  });
}

test('our client to sshd, every algorithm both have', { skip: ENGINE_MISSING || skip }, async (t) => {
  const sshd = await startSshd({ hostKeys: Object.keys(HOST_KEYS), config: allAlgorithmsConfig() });
  t.after(() => sshd.stop());

  const cases = [];
  for (const kex of both(A.SUPPORTED_KEX, 'kex')) cases.push({ kex: [kex] });
  for (const hk of Object.values(HOST_KEYS).flat()) cases.push({ serverHostKey: [hk] });
  for (const cipher of both(A.SUPPORTED_CIPHER, 'cipher')) cases.push({ cipher: [cipher] });
  for (const hmac of both(A.SUPPORTED_HMAC, 'mac')) cases.push({ cipher: ['aes128-ctr'], hmac: [hmac] });

  for (const algorithms of cases) {
    await t.test(JSON.stringify(algorithms), { skip: pending(algorithms) }, async () => {
      const before = sshd.log().length;
      const { error } = await ourClientSession(sshd.port, algorithms);
      const log = await sshd.waitForLog(/will use strict KEX ordering/, before);
      assert.ifError(error);
      if (algorithms.kex) assert.match(log, new RegExp(`kex: algorithm: ${algorithms.kex[0]} `));
      if (algorithms.serverHostKey) assert.match(log, new RegExp(`kex: host key algorithm: ${algorithms.serverHostKey[0]} `));
      if (algorithms.cipher) assert.match(log, new RegExp(`client->server cipher: ${algorithms.cipher[0]} `));
      if (algorithms.hmac) assert.match(log, new RegExp(`client->server cipher: \\S+ MAC: ${algorithms.hmac[0]} `));
      assert.match(log, /will use strict KEX ordering/);
    });
  }
});

test('sshd refuses a packet our client injects before NEWKEYS (strict kex)', { skip: ENGINE_MISSING || skip }, async () => {
  const sshd = await startSshd({});
  try {
    const before = sshd.log().length;
    const ignore = Buffer.from([constants.MESSAGE.IGNORE, 0, 0, 0, 0]);
    const { error } = await ourClientSession(sshd.port, {}, { inject: (c) => SSH2Stream._send(c, ignore, undefined, true) });
    assert(error, 'the connection must fail');
    assert.match(await sshd.waitForLog(/strict KEX violation/, before), /strict KEX violation/);
  } finally {
    await sshd.stop();
  }
});

/** Our server on 127.0.0.1: kex, then every auth refused. */
async function ourServer(hostKeyTypes) {
  const hostKeys = {};
  for (const type of hostKeyTypes) hostKeys[type] = hostKey(type);
  const errors = [];
  const server = net.createServer((socket) => {
    const stream = new SSH2Stream({
      server: true,
      hostKeys,
      algorithms: {
        kex: everything(A.SUPPORTED_KEX, 'kex'),
        cipher: everything(A.SUPPORTED_CIPHER, 'cipher'),
        hmac: everything(A.SUPPORTED_HMAC, 'hmac'),
      },
    });
    socket.pipe(stream).pipe(socket);
    stream.on('error', (err) => errors.push(err));
    socket.on('error', () => {});
    stream.on('SERVICE_REQUEST', (name) => stream.serviceAccept(name));
    stream.on('USERAUTH_REQUEST', () => stream.authFailure(['publickey'], false));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, errors, close: () => new Promise((r) => server.close(r)) };
}

test('OpenSSH ssh to our server, every algorithm both have', { skip: ENGINE_MISSING || skip }, async (t) => {
  const srv = await ourServer(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
  t.after(() => srv.close());

  const cases = [];
  for (const kex of both(A.SUPPORTED_KEX, 'kex')) cases.push([`KexAlgorithms=${kex}`, 'kex: algorithm: ' + kex, null, { kex: [kex] }]);
  for (const hk of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'])
    cases.push([`HostKeyAlgorithms=${hk}`, 'kex: host key algorithm: ' + hk, null, {}]);
  for (const c of both(A.SUPPORTED_CIPHER, 'cipher')) cases.push([`Ciphers=${c}`, `server->client cipher: ${c} `, null, { cipher: [c] }]);
  for (const m of both(A.SUPPORTED_HMAC, 'mac')) {
    if (AEAD.test(m)) continue;
    cases.push([`MACs=${m}`, `server->client cipher: aes128-ctr MAC: ${m} `, 'Ciphers=aes128-ctr', { hmac: [m] }]);
  }

  for (const [option, expected, extra, algos] of cases) {
    await t.test(option, { skip: pending(algos) }, async () => {
      const opts = ['-o', option, ...(extra ? ['-o', extra] : []), 'root@127.0.0.1', 'true'];
      const r = await runSsh(srv.port, opts);
      assert.match(r.stderr, new RegExp(expected.replace(/[.+]/g, '\\$&')), r.stderr.slice(-2000));
      assert.match(r.stderr, /will use strict KEX ordering/);
      // Kex completed: ssh got to authentication and was refused there.
      assert.match(r.stderr, /Permission denied/);
    });
  }
});
