'use strict';
// OpenSSH user certificates, server side (issue 19): utils.parseKey of a
// certificate line, or of the blob a publickey request carries, says it is a
// certificate, shows its fields, and verifyCertificate(caKeys, { principal,
// now }) says true or why not; OpenSSH's `ssh` logs in with a certificate to
// an ssh2@0.8.9 Server on this package whose app checks it that way.

const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const { utils } = require('..');
const { missing, keygen, tmpDir, runSsh } = require('./helpers/openssh');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');
const { exitingServer } = require('./helpers/ssh2-exec');

const skip = missing();
const { Server } = skip ? {} : loadSsh2('ours');

/** Signs `user`'s public key with `ca`; returns the -cert.pub line. */
function certify(ca, user, { principals = 'alice,bob', validity = '-1h:+1h', options = [] } = {}) {
  const args = ['-q', '-s', ca.file, '-I', 'key-id-1', '-z', '77', '-n', principals, '-V', validity, ...options];
  execFileSync('ssh-keygen', [...args, `${user.file}.pub`]);
  return fs.readFileSync(`${user.file}-cert.pub`, 'utf8');
}

const blobOf = (line) => Buffer.from(line.split(' ')[1], 'base64');

/** A CA, another CA, and certificates for each refusal case. */
function fixtures(dir) {
  const ca = keygen(dir, 'ca', 'ed25519');
  const otherCa = keygen(dir, 'other_ca', 'ecdsa');
  const make = (name, type, c, opts) => {
    const user = keygen(dir, name, type);
    return { user, line: certify(c, user, opts) };
  };
  return {
    ca,
    otherCa,
    valid: make('valid', 'ecdsa', ca, { options: ['-O', 'force-command=/bin/true', '-O', 'no-pty'] }),
    validEd: make('valid_ed', 'ed25519', ca),
    validRsa: make('valid_rsa', 'rsa', ca),
    expired: make('expired', 'ed25519', ca, { validity: '20000101:20000102' }),
    future: make('future', 'ed25519', ca, { validity: '+1d:+2d' }),
    wrongPrincipal: make('wrong_principal', 'ed25519', ca, { principals: 'mallory' }),
    wrongCa: make('wrong_ca', 'ed25519', otherCa),
  };
}

test('parseKey of a certificate line and of its blob: the fields a server decides on', { skip }, () => {
  const dir = tmpDir('ssh2sn-certsrv-');
  try {
    const f = fixtures(dir);
    for (const input of [f.valid.line, blobOf(f.valid.line), Buffer.from(f.valid.line)]) {
      const k = utils.parseKey(input);
      assert.ok(!(k instanceof Error), String(k));
      assert.strictEqual(k.isCertificate(), true);
      // Still the key it certifies, as before.
      assert.strictEqual(k.type, 'ecdsa-sha2-nistp256');
      assert.ok(k.getPublicSSH().equals(utils.parseKey(f.valid.user.pub).getPublicSSH()));
      const c = k.certificate;
      assert.strictEqual(c.type, 'user');
      assert.strictEqual(c.keyType, 'ecdsa-sha2-nistp256-cert-v01@openssh.com');
      assert.strictEqual(c.keyId, 'key-id-1');
      assert.strictEqual(c.serial, 77n);
      assert.deepStrictEqual([...c.principals], ['alice', 'bob']);
      const now = Date.now() / 1000;
      assert.ok(c.validAfter < now && now < c.validBefore && c.validBefore - c.validAfter === 7200, `${c.validAfter} ${c.validBefore}`);
      assert.strictEqual(Object.getPrototypeOf(c.criticalOptions), null);
      assert.deepStrictEqual({ ...c.criticalOptions }, { 'force-command': '/bin/true' });
      assert.ok(Object.hasOwn(c.extensions, 'permit-agent-forwarding'));
      assert.ok(!Object.hasOwn(c.extensions, 'permit-pty'));
      assert.ok(c.caKey.getPublicSSH().equals(utils.parseKey(f.ca.pub).getPublicSSH()));
      assert.strictEqual(c.caKey.type, 'ssh-ed25519');
    }
    // A plain key is not a certificate.
    assert.strictEqual(utils.parseKey(f.ca.pub).isCertificate(), false);
    assert.ok(!('certificate' in utils.parseKey(f.ca.pub)) || utils.parseKey(f.ca.pub).certificate === undefined);
    // Binary that is not a certificate blob fails as before.
    assert.ok(utils.parseKey(blobOf(f.ca.pub)) instanceof Error);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('verifyCertificate: true for a good certificate, and the reason for each refusal', { skip }, () => {
  const dir = tmpDir('ssh2sn-certsrv-');
  try {
    const f = fixtures(dir);
    const caKey = utils.parseKey(f.ca.pub);
    const check = (line, opts, cas = [caKey]) => utils.parseKey(blobOf(line)).verifyCertificate(cas, opts);
    const reason = (line, opts, cas) => {
      const r = check(line, opts, cas);
      assert.ok(r instanceof Error, `expected a refusal, got ${r}`);
      return r.message;
    };
    assert.strictEqual(check(f.valid.line, { principal: 'alice' }), true);
    assert.strictEqual(check(f.validEd.line, { principal: 'bob' }), true);
    // CA keys may be given as lines too.
    assert.strictEqual(check(f.valid.line, { principal: 'bob' }, [f.otherCa.pub, f.ca.pub]), true);
    assert.strictEqual(reason(f.expired.line, { principal: 'alice' }), 'certificate expired');
    assert.strictEqual(reason(f.future.line, { principal: 'alice' }), 'certificate not yet valid');
    assert.strictEqual(reason(f.wrongPrincipal.line, { principal: 'alice' }), 'principal "alice" not in the certificate');
    assert.strictEqual(reason(f.wrongCa.line, { principal: 'alice' }), 'certificate signed by an untrusted CA');
    assert.strictEqual(reason(f.valid.line, { principal: 'alice' }, [f.otherCa.pub]), 'certificate signed by an untrusted CA');
    // `now` moves the window: the expired one was valid on 1 Jan 2000.
    assert.strictEqual(check(f.expired.line, { principal: 'alice', now: new Date('2000-01-01T12:00:00Z') }), true);
    assert.strictEqual(check(f.future.line, { principal: 'alice', now: Date.now() / 1000 + 36 * 3600 }), true);
    // A certificate whose signed part was changed (its key id) is refused
    // even though a trusted CA is named in it.
    const blob = blobOf(f.valid.line);
    const at = blob.indexOf('key-id-1');
    blob[at] ^= 1;
    assert.strictEqual(utils.parseKey(blob).verifyCertificate([caKey], { principal: 'alice' }).message, 'certificate signature invalid');
    // Hostile blobs: every truncation of a certificate blob, and one with a
    // byte flipped anywhere, gives a key or an Error, never a throw, and
    // never a certificate that passes.
    const good = blobOf(f.valid.line);
    for (let n = 0; n < good.length; n++) {
      const k = utils.parseKey(good.subarray(0, n));
      assert.ok(k instanceof Error || !k.isCertificate() || k.verifyCertificate([caKey], { principal: 'alice' }) !== true);
    }
    for (let i = 0; i < good.length; i += 7) {
      const bad = Buffer.from(good);
      bad[i] ^= 0x40;
      const k = utils.parseKey(bad);
      if (k instanceof Error || !k.isCertificate()) continue;
      assert.notStrictEqual(k.verifyCertificate([caKey], { principal: 'alice' }), true, `flip at ${i}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * An ssh2@0.8.9 Server whose app accepts a publickey login only with a
 * user certificate signed by `caKey`, valid now, for the login name, and a
 * good signature by the certified key. Records each decision.
 */
async function certServer(t, hostPriv, caKey) {
  const seen = [];
  const port = await exitingServer(t, Server, [hostPriv], (ctx) => {
    if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
    const key = utils.parseKey(ctx.key.data);
    if (key instanceof Error || !key.isCertificate()) {
      seen.push({ algo: ctx.key.algo, verdict: 'not a certificate' });
      return ctx.reject();
    }
    const verdict = key.verifyCertificate([caKey], { principal: ctx.username });
    seen.push({ algo: ctx.key.algo, verdict: verdict === true ? true : verdict.message, signed: !!ctx.signature });
    if (verdict !== true) return ctx.reject();
    if (!ctx.signature) return ctx.accept();
    return key.verify(ctx.blob, ctx.signature) === true ? ctx.accept() : ctx.reject();
  });
  return { port, seen };
}

test('OpenSSH ssh with a user certificate logs in to an ssh2 Server whose app checks the CA; expired and wrong-CA certificates are refused', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-certsrv-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const f = fixtures(dir);
  const host = keygen(dir, 'host', 'ed25519');
  const srv = await certServer(t, host.priv, utils.parseKey(f.ca.pub));
  // OpenSSH signs with rsa-sha2-512-cert-v01 for an RSA certificate; the
  // app sees it as ssh-rsa-cert-v01, as plain RSA keys are seen as ssh-rsa.
  const CERT_ALGOS = {
    ecdsa: 'ecdsa-sha2-nistp256-cert-v01@openssh.com',
    ed25519: 'ssh-ed25519-cert-v01@openssh.com',
    rsa: 'ssh-rsa-cert-v01@openssh.com',
  };
  for (const [name, c] of [['ecdsa', f.valid], ['ed25519', f.validEd], ['rsa', f.validRsa]]) {
    await t.test(`valid ${name} certificate`, async () => {
      srv.seen.length = 0;
      // ssh picks up <identity>-cert.pub next to the key by itself.
      const r = await runSsh(srv.port, ['alice@127.0.0.1', 'true'], { identity: c.user.file });
      assert.strictEqual(r.code, 42, r.stderr.slice(-2000));
      assert.match(r.stderr, /Authenticated to 127\.0\.0\.1 .* using "publickey"/);
      if (name === 'rsa') assert.match(r.stderr, /rsa-sha2-512-cert-v01/);
      assert.ok(srv.seen.some((s) => s.algo === CERT_ALGOS[name] && s.verdict === true && s.signed), JSON.stringify(srv.seen));
    });
  }
  for (const [name, c, why] of [
    ['expired', f.expired, 'certificate expired'],
    ['wrong CA', f.wrongCa, 'certificate signed by an untrusted CA'],
    ['wrong principal', f.wrongPrincipal, 'principal "alice" not in the certificate'],
  ]) {
    await t.test(`${name} certificate refused`, async () => {
      srv.seen.length = 0;
      const r = await runSsh(srv.port, ['alice@127.0.0.1', 'true'], { identity: c.user.file });
      assert.notStrictEqual(r.code, 42);
      assert.match(r.stderr, /Permission denied/);
      assert.ok(srv.seen.some((s) => s.algo === 'ssh-ed25519-cert-v01@openssh.com' && s.verdict === why), JSON.stringify(srv.seen));
    });
  }
});
