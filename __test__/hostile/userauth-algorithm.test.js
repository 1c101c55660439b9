'use strict';
// Issue 16, row 1: a signed publickey USERAUTH_REQUEST whose algorithm name
// is an Object.prototype property, sent before authentication to an ssh2@0.8.9
// Server that checks keys the way its README does (but calls verify() for
// every signed request, before comparing the algorithm). The key is one the
// server authorizes. The name must reach the app as an unknown algorithm:
// the README's checks reject it, key.verify() says false rather than
// throwing, and the server process lives.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const { utils } = require('../..');
const { keygen, tmpDir, missing } = require('../helpers/openssh');
const { message, rawClient, next, send, sshString } = require('../helpers/raw-ssh');
const { loadSsh2 } = require('../../scripts/bench/ssh2-loader');

const skip = missing();
const { Server } = skip ? {} : loadSsh2('ours');
const USERAUTH_REQUEST = 50;
/** A parsed key (OpenSSH private key files parse as a list of one). */
const parse = (data) => [utils.parseKey(data)].flat()[0];
// __proto__ is one of them (an accessor), listed first to be sure of it.
const NAMES = [...new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)])];

/** ssh2@0.8.9's README server: publickey for `allowed`, nothing else. */
async function readmeServer(t, hostKey, allowed) {
  const seen = [];
  const server = new Server({ hostKeys: [hostKey] }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject();
      const allowedSSH = allowed.getPublicSSH();
      let verified;
      if (ctx.signature) verified = allowed.verify(ctx.blob, ctx.signature);
      seen.push({ algo: ctx.key.algo, verified });
      if (
        ctx.key.algo !== allowed.type ||
        ctx.key.data.length !== allowedSSH.length ||
        !crypto.timingSafeEqual(ctx.key.data, allowedSSH) ||
        (ctx.signature && verified !== true)
      ) {
        return ctx.reject();
      }
      ctx.accept();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { port: server.address().port, seen };
}

/** A publickey request signed with `priv` but naming `algo`, as a client builds it. */
function signedRequest(sessionId, algo, priv) {
  const blob = priv.getPublicSSH();
  const unsigned = message(USERAUTH_REQUEST, 'tester', 'ssh-connection', 'publickey', true, algo, sshString(blob));
  const sig = priv.sign(Buffer.concat([sshString(sessionId), unsigned]));
  return Buffer.concat([unsigned, sshString(Buffer.concat([sshString(algo), sshString(sig)]))]);
}

for (const type of ['rsa', 'ed25519']) {
  test(`signed publickey requests naming Object.prototype properties (${type} key): refused, the server lives`, { skip }, async (t) => {
    const dir = tmpDir('ssh2sn-hostile-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const host = keygen(dir, 'host', 'ed25519');
    const user = keygen(dir, 'user', type);
    const priv = parse(user.priv);
    const srv = await readmeServer(t, host.priv, parse(user.pub));

    const { client, socket, closed } = await rawClient(srv.port);
    t.after(() => socket.destroy());
    for (const algo of NAMES) {
      const failure = next(client, 'USERAUTH_FAILURE');
      send(client, signedRequest(client._state.outgoing.sessionId, algo, priv));
      const [methods, partial] = await failure;
      assert.ok(Array.isArray(methods), algo);
      assert.strictEqual(partial, false, algo);
    }
    // Each request reached the app under its own name, and verify() said
    // false (a name it does not know is no signature algorithm).
    assert.deepStrictEqual(
      srv.seen,
      NAMES.map((algo) => ({ algo, verified: false }))
    );

    // The same connection still authenticates with the real algorithm.
    const success = next(client, 'USERAUTH_SUCCESS');
    send(client, signedRequest(client._state.outgoing.sessionId, priv.type, priv));
    await success;
    // A DISCONNECT ends the server's stream, which takes it off ssh2's keepalive timer.
    client.disconnect();
    await closed;
  });
}

test('key.verify() with a hash that is no hash name, or not a string: false or an Error, never a throw', () => {
  const dir = tmpDir('ssh2sn-hostile-');
  try {
    for (const type of ['rsa', 'ed25519', 'ecdsa']) {
      const k = keygen(dir, `k_${type}`, type);
      const priv = parse(k.priv);
      const pub = parse(k.pub);
      const data = Buffer.from('data');
      const sig = priv.sign(data);
      assert.strictEqual(pub.verify(data, sig), true);
      for (const hash of [...NAMES, 'md5', 'sha3', '', Object.prototype, {}, [], 1, () => {}, Symbol('x')]) {
        let r;
        assert.doesNotThrow(() => {
          r = pub.verify(data, sig, hash);
        }, `${type} ${String(hash)}`);
        assert.ok(r === false || r === true || r instanceof Error, `${type} ${String(hash)}: ${r}`);
        // Only RSA has a choice of hash; for it a name it does not know never verifies.
        if (type === 'rsa' && typeof hash === 'string' && hash !== 'sha1') assert.notStrictEqual(r, true);
        assert.doesNotThrow(() => priv.sign(data, hash));
      }
      for (const garbage of [undefined, null, 1, {}, [], Object.prototype]) {
        assert.doesNotThrow(() => pub.verify(garbage, sig));
        assert.doesNotThrow(() => pub.verify(data, garbage));
        assert.doesNotThrow(() => priv.sign(garbage));
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseKey() of a key blob or public key line whose type is an Object.prototype name: an Error', () => {
  for (const name of NAMES) {
    const blob = Buffer.concat([sshString(name), sshString(Buffer.alloc(32, 1))]);
    for (const data of [blob, `${name} ${blob.toString('base64')} c`, `${name}-cert-v01@openssh.com ${blob.toString('base64')}`]) {
      assert.ok(utils.parseKey(data) instanceof Error, `${name}: ${data}`);
    }
  }
});
