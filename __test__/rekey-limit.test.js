'use strict';
// Automatic rekeying (issue 16, row 10): the `rekeyLimit` config key
// (OpenSSH's RekeyLimit) and the cipher's own limits make a stream start a
// key exchange by itself, invisibly to the app but for the events a rekey
// emits. Between two of our streams, and with ssh2@0.8.9 (its require of
// ssh2-streams resolved to this package) against OpenSSH both ways. The
// limits themselves, the packet count and the sequence-number refusal are
// tested in Rust (src/transport/tests.rs, packet.rs, rekey_limit.rs).

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const pkg = require('..');
const { hostKey, sink } = require('./helpers/pair');
const { until } = require('./helpers/until');
const { missing, keygen, tmpDir, startSshd, runSsh } = require('./helpers/openssh');
const { exec } = require('./helpers/ssh2-exec');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');

const { SSH2Stream } = pkg;
const KiB = 1024;
const MiB = 1024 * KiB;
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

// ssh2@0.8.9's Client builds its SSH2Stream from `algorithms` and `debug`
// only, so a `rekeyLimit` given to connect() never reaches it. An app sets
// it the way this test does: ssh2 takes a subclass that adds the key (ssh2
// reads `SSH2Stream` from the package once, when it loads). ssh2's Server
// passes its config on, so there the key is set as it is.
let clientRekeyLimit;
class ClientWithLimit extends SSH2Stream {
  constructor(cfg) {
    super(cfg && !cfg.server && clientRekeyLimit !== undefined ? { ...cfg, rekeyLimit: clientRekeyLimit } : cfg);
  }
}
const skip = missing();
let ssh2 = {};
if (!skip) {
  pkg.SSH2Stream = ClientWithLimit;
  try {
    ssh2 = loadSsh2('ours');
  } finally {
    pkg.SSH2Stream = SSH2Stream;
  }
}

test('rekeyLimit: bytes or an OpenSSH size; below 16 bytes or malformed is a TypeError', () => {
  const make = (rekeyLimit) => new SSH2Stream({ rekeyLimit });
  for (const ok of [undefined, null, 'default', 0, '0', 16, 65536, '64K', '64k', '500M', '1G', ' 2G ', '1T', 2 ** 53 - 1]) {
    assert.doesNotThrow(() => make(ok), `${ok}`);
  }
  for (const small of [1, 15, '15']) {
    assert.throws(() => make(small), { name: 'TypeError', message: /^rekeyLimit too small: 15|^rekeyLimit too small: 1 / });
  }
  for (const bad of [-1, 1.5, NaN, Infinity, '', 'lots', '1.5G', '1KB', '-64K', '99999999999999999G', true, {}, [65536]]) {
    assert.throws(() => make(bad), { name: 'TypeError', message: /^rekeyLimit must be a number of bytes/ }, `${bad}`);
  }
});

/** A client and a server stream, piped, authenticated with 'none'. */
async function authenticatedPair(clientCfg, serverCfg) {
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') }, ...serverCfg });
  const client = new SSH2Stream(clientCfg);
  client.pipe(server).pipe(client);
  server.on('SERVICE_REQUEST', (name) => server.serviceAccept(name));
  server.on('USERAUTH_REQUEST', () => server.authSuccess());
  client.once('ready', () => client.service('ssh-userauth'));
  client.once('SERVICE_ACCEPT', () => client.authNone('me'));
  await new Promise((resolve, reject) => {
    client.once('USERAUTH_SUCCESS', resolve);
    client.once('error', reject);
    server.once('error', reject);
  });
  return { client, server };
}

/**
 * Sends `total` bytes on channel `id`, 32 KiB per turn of the event loop
 * (as an app's source yields them, so the peer's KEXINIT can arrive
 * between writes) and after a false only on 'continue'; resolves to their
 * sha256. Unpaced, a sender seals everything before a receiver's KEXINIT
 * reaches it, and a limit counted on the receiving side is passed by all
 * of it at once (the receiver cannot stop the sender's keys).
 */
function source(stream, id, total) {
  const hash = crypto.createHash('sha256');
  const block = crypto.randomBytes(32 * KiB);
  let sent = 0;
  return new Promise((resolve) => {
    const pump = () => {
      if (sent >= total) return resolve(hash.digest('hex'));
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(sent, 0);
      hash.update(chunk);
      sent += chunk.length;
      if (stream.channelData(id, chunk)) setImmediate(pump);
      else stream.once('continue', pump);
    };
    pump();
  });
}


// Which side has the limit, and which way the data goes: the limit is
// reached on what a side sends, on what it receives, or both.
for (const [what, clientCfg, serverCfg, up, down] of [
  ["rekeyLimit '64K' on both, 1 MiB each way", { rekeyLimit: '64K' }, { rekeyLimit: '64K' }, MiB, MiB],
  ['rekeyLimit 65536 on the client only, 1 MiB to it (its received bytes)', { rekeyLimit: 65536 }, {}, 0, MiB],
  ["rekeyLimit '64K' on the server only, 1 MiB from it (its sent bytes), aes128-ctr", { algorithms: { cipher: ['aes128-ctr'] } }, { rekeyLimit: '64K', algorithms: { cipher: ['aes128-ctr'] } }, 0, MiB],
]) {
  test(`${what}: the streams rekey by themselves and the data is intact`, async (t) => {
    const { client, server } = await authenticatedPair(clientCfg, serverCfg);
    const errors = [];
    client.on('error', (e) => errors.push(e));
    server.on('error', (e) => errors.push(e));
    const newkeys = { client: 0, server: 0 };
    client.on('NEWKEYS', () => newkeys.client++);
    server.on('NEWKEYS', () => newkeys.server++);
    const toServer = sink(server, 1);
    const toClient = sink(client, 2);
    const [upHash, downHash] = await Promise.all([source(client, 1, up), source(server, 2, down)]);
    await until(() => (toServer.bytes >= up && toClient.bytes >= down) || errors.length, 'the data');
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(toServer.bytes, up);
    assert.strictEqual(toClient.bytes, down);
    assert.strictEqual(toServer.hash.digest('hex'), upHash);
    assert.strictEqual(toClient.hash.digest('hex'), downHash);
    // 1 MiB at 64 KiB per key: about 16 exchanges (the one before user
    // authentication does not count: none comes by itself before it).
    t.diagnostic(`NEWKEYS: client ${newkeys.client}, server ${newkeys.server}`);
    assert.ok(newkeys.client >= 10, `${what}: ${newkeys.client} NEWKEYS`);
    assert.strictEqual(newkeys.client, newkeys.server);
  });
}

test('without rekeyLimit, 1 MiB each way makes no key exchange', async () => {
  const { client, server } = await authenticatedPair({}, {});
  let newkeys = 0;
  client.on('NEWKEYS', () => newkeys++);
  const toServer = sink(server, 1);
  const toClient = sink(client, 2);
  await Promise.all([source(client, 1, MiB), source(server, 2, MiB)]);
  await until(() => toServer.bytes >= MiB && toClient.bytes >= MiB, 'the data');
  assert.strictEqual(newkeys, 0);
});


test("an ssh2 Client with rekeyLimit '256K' to sshd: it rekeys by itself through a 4 MiB exec round trip, intact", { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-rekeylimit-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const user = keygen(dir, 'user', 'ed25519');
  // sshd keeps its own limits (1 GiB or more): every rekey here is ours.
  const sshd = await startSshd({ authorizedKeys: [user.pub] });
  t.after(() => sshd.stop());
  clientRekeyLimit = '256K';
  t.after(() => (clientRekeyLimit = undefined));
  const conn = await new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.once('ready', () => resolve(c)).once('error', reject);
    c.connect({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: user.priv, readyTimeout: 20000 });
  });
  try {
    let newkeys = 0;
    conn._sshstream.on('NEWKEYS', () => newkeys++);
    const input = crypto.randomBytes(4 * MiB);
    const r = await exec(conn, 'cat', input);
    assert.strictEqual(r.code, 0);
    assert.strictEqual(sha(r.stdout), sha(input));
    // 4 MiB each way at 256 KiB per key: about 16 exchanges.
    t.diagnostic(`NEWKEYS at the client: ${newkeys}`);
    assert.ok(newkeys >= 10, `the client saw ${newkeys} NEWKEYS`);
    // sshd logs an exchange after we see its end: wait for the count.
    const received = () => (sshd.log().match(/SSH2_MSG_NEWKEYS received/g) || []).length;
    await until(() => received() >= newkeys + 1, "sshd's log", 5000).catch(() => {});
    assert.strictEqual(received(), newkeys + 1, 'sshd took every exchange (and the first)');
    // It keeps its own limit for the cipher the default order chose (it
    // follows the CPU): 2^27 8-byte blocks (1 GiB) for chacha20-poly1305,
    // 2^32 16-byte blocks for AES-GCM.
    assert.match(sshd.log(), /rekey out after (134217728|4294967296) blocks/);
  } finally {
    conn.end();
  }
});

test("OpenSSH's ssh to an ssh2 Server with rekeyLimit '256K': the server rekeys by itself through a 4 MiB cat, intact", { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-rekeylimit-srv-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = keygen(dir, 'host', 'ed25519');
  let rekeys = 0;
  const errors = [];
  const server = new ssh2.Server({ hostKeys: [host.priv], rekeyLimit: '256K' }, (conn) => {
    conn.on('error', (e) => errors.push(e));
    conn.on('rekey', () => rekeys++);
    conn.on('authentication', (ctx) => (ctx.method === 'password' && ctx.password === 'pw' ? ctx.accept() : ctx.reject(['password'])));
    conn.on('ready', () =>
      conn.on('session', (accept) =>
        accept().on('exec', (acceptExec) => {
          const stream = acceptExec();
          stream.pipe(stream, { end: false });
          stream.on('end', () => {
            stream.exit(0);
            stream.end();
          });
        })
      )
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const input = crypto.randomBytes(4 * MiB);
  const r = await runSsh(server.address().port, ['-o', 'PreferredAuthentications=password', 'tester@127.0.0.1', 'cat'], { password: 'pw', input, timeoutMs: 60000 });
  assert.strictEqual(r.code, 0, r.stderr.slice(-2000));
  assert.strictEqual(sha(r.stdout), sha(input));
  assert.deepStrictEqual(errors, []);
  t.diagnostic(`'rekey' events: ${rekeys}`);
  assert.ok(rekeys >= 10, `ssh2's Server emitted 'rekey' ${rekeys} times`);
  // ssh's own limits are 1 GiB or more, so these KEXINITs came from us.
  const theirs = (r.stderr.match(/SSH2_MSG_NEWKEYS received/g) || []).length;
  assert.strictEqual(theirs, rekeys + 1, 'ssh took every exchange (and the first)');
});
