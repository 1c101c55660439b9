'use strict';
// utils.parseKey over every format and key type, checked against OpenSSH's
// and OpenSSL's own tools: keys made by ssh-keygen/openssl/puttygen, public
// halves and fingerprints compared with `ssh-keygen -y`/`-l`, signatures
// exchanged with `ssh-keygen -Y sign`/`-Y verify`.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { utils } = require('..');
const keys = require('../lib/keys');
const { tmpDir } = require('./helpers/openssh');

const PASS = 'password';
const FIXTURES = path.join(__dirname, 'fixtures', 'keys');
const dir = tmpDir('ssh2sn-keys-');
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const noSshKeygen = !has('ssh-keygen') && 'ssh-keygen not installed (Debian: openssh-client)';
const noOpenssl = !has('openssl') && 'openssl not installed';

let n = 0;
function keygen(type, args = []) {
  const file = path.join(dir, `k${n++}`);
  const [t, bits] = type.split(':');
  execFileSync('ssh-keygen', ['-q', '-t', t, ...(bits ? ['-b', bits] : []), '-C', `c-${t}`, '-f', file, ...args]);
  return file;
}

function parse(file, passphrase) {
  const k = utils.parseKey(fs.readFileSync(file), passphrase);
  assert.ok(!(k instanceof Error), k instanceof Error ? k.message : '');
  return Array.isArray(k) ? k[0] : k;
}

/** The public key line OpenSSH derives from a private key file. */
function sshKeygenPublic(file, passphrase) {
  const line = execFileSync('ssh-keygen', ['-y', '-P', passphrase || '', '-f', file], { encoding: 'utf8' });
  return Buffer.from(line.trim().split(' ')[1], 'base64');
}

function fingerprint(blob) {
  return 'SHA256:' + crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

const TYPES = ['ed25519', 'ecdsa:256', 'ecdsa:384', 'ecdsa:521', 'rsa:2048', 'dsa'];
const SSH_TYPE = {
  ed25519: 'ssh-ed25519',
  'ecdsa:256': 'ecdsa-sha2-nistp256',
  'ecdsa:384': 'ecdsa-sha2-nistp384',
  'ecdsa:521': 'ecdsa-sha2-nistp521',
  'rsa:2048': 'ssh-rsa',
  dsa: 'ssh-dss',
};

function checkPair(priv, pubBlob, type) {
  assert.strictEqual(priv.type, type);
  assert.ok(priv.isPrivateKey());
  assert.deepStrictEqual(priv.getPublicSSH(), pubBlob);
  const data = crypto.randomBytes(100);
  const sig = priv.sign(data);
  assert.ok(Buffer.isBuffer(sig), String(sig));
  assert.strictEqual(priv.verify(data, sig), true);
  assert.strictEqual(priv.verify(Buffer.concat([data, Buffer.from('x')]), sig), false);
  // The private PEM is one Node's crypto reads, and it signs for the same public key.
  const nodeKey = crypto.createPrivateKey(priv.getPrivatePEM());
  const nodePub = crypto.createPublicKey(priv.getPublicPEM());
  assert.deepStrictEqual(crypto.createPublicKey(nodeKey).export({ type: 'spki', format: 'der' }), nodePub.export({ type: 'spki', format: 'der' }));
}

test('OpenSSH format, every type, plain and encrypted with each cipher', { skip: noSshKeygen }, async (t) => {
  for (const type of TYPES) {
    await t.test(type, () => {
      const file = keygen(type, ['-N', '']);
      const key = parse(file);
      checkPair(key, sshKeygenPublic(file), SSH_TYPE[type]);
      assert.strictEqual(key.comment, `c-${type.split(':')[0]}`);
      const pub = parse(`${file}.pub`);
      assert.ok(!pub.isPrivateKey());
      assert.strictEqual(pub.getPrivatePEM(), null);
      const fp = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
      assert.strictEqual(fingerprint(pub.getPublicSSH()), fp);
      assert.ok(pub.equals(key), 'a public key equals its private key');
      assert.ok(!pub.equals(parse(keygen(type, ['-N', '']))));
    });
  }
  for (const cipher of ['aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-cbc', 'aes256-cbc', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com']) {
    await t.test(`encrypted with ${cipher}`, () => {
      const file = keygen('ed25519', ['-N', PASS, '-Z', cipher]);
      const key = parse(file, PASS);
      checkPair(key, sshKeygenPublic(file, PASS), 'ssh-ed25519');
      assert.match(utils.parseKey(fs.readFileSync(file)).message, /no passphrase/);
      assert.match(utils.parseKey(fs.readFileSync(file), 'wrong').message, /bad passphrase\?/);
    });
  }
});

test('PEM: PKCS#1, DSA and SEC1, plain and legacy-encrypted', { skip: noSshKeygen || noOpenssl }, async (t) => {
  for (const type of ['ecdsa:256', 'ecdsa:384', 'ecdsa:521', 'rsa:2048', 'dsa']) {
    await t.test(type, () => {
      const file = keygen(type, ['-N', '', '-m', 'PEM']);
      assert.match(fs.readFileSync(file, 'utf8'), /^-----BEGIN (RSA|DSA|EC) PRIVATE KEY-----/);
      checkPair(parse(file), sshKeygenPublic(file), SSH_TYPE[type]);
      // ssh-keygen encrypts PEM with AES-128-CBC; openssl gives 3DES and AES-256.
      const enc = keygen(type, ['-N', PASS, '-m', 'PEM']);
      checkPair(parse(enc, PASS), sshKeygenPublic(enc, PASS), SSH_TYPE[type]);
      assert.match(utils.parseKey(fs.readFileSync(enc)).message, /no passphrase/);
      const tool = type === 'dsa' ? 'dsa' : type.startsWith('rsa') ? 'rsa' : 'ec';
      for (const cipher of ['-des3', '-aes256']) {
        const out = `${file}${cipher}`;
        execFileSync('openssl', [tool, '-in', file, '-traditional', cipher, '-passout', `pass:${PASS}`, '-out', out], { stdio: 'ignore' });
        assert.match(fs.readFileSync(out, 'utf8'), /DEK-Info: (DES-EDE3|AES-256)-CBC/);
        checkPair(parse(out, PASS), sshKeygenPublic(file), SSH_TYPE[type]);
        const wrong = utils.parseKey(fs.readFileSync(out), 'wrong');
        assert.ok(wrong instanceof Error);
      }
    });
  }
});

test('PKCS#8, plain and PBES2-encrypted, Ed25519 included', { skip: noSshKeygen || noOpenssl }, async (t) => {
  for (const type of ['ecdsa:256', 'rsa:2048', 'dsa']) {
    await t.test(type, () => {
      const file = keygen(type, ['-N', '', '-m', 'PKCS8']);
      assert.match(fs.readFileSync(file, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
      checkPair(parse(file), sshKeygenPublic(file), SSH_TYPE[type]);
      const enc = `${file}.enc`;
      execFileSync('openssl', ['pkcs8', '-topk8', '-in', file, '-v2', 'aes-256-cbc', '-passout', `pass:${PASS}`, '-out', enc]);
      checkPair(parse(enc, PASS), sshKeygenPublic(file), SSH_TYPE[type]);
      assert.match(utils.parseKey(fs.readFileSync(enc)).message, /no passphrase/);
      assert.match(utils.parseKey(fs.readFileSync(enc), 'wrong').message, /Bad passphrase/);
    });
  }
  await t.test('ed25519 (openssl)', () => {
    const file = path.join(dir, 'ed.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', file]);
    const key = parse(file);
    const pub = crypto.createPublicKey(fs.readFileSync(file)).export({ type: 'spki', format: 'der' });
    assert.deepStrictEqual(key.getPublicSSH().subarray(-32), pub.subarray(-32));
    checkPair(key, key.getPublicSSH(), 'ssh-ed25519');
  });
});

test('public keys: OpenSSH lines, RFC 4716, certificates', { skip: noSshKeygen }, async (t) => {
  for (const type of TYPES) {
    await t.test(type, () => {
      const file = keygen(type, ['-N', '']);
      const line = parse(`${file}.pub`);
      const rfc = path.join(dir, `rfc${n++}`);
      fs.writeFileSync(rfc, execFileSync('ssh-keygen', ['-e', '-f', `${file}.pub`]));
      const fromRfc = parse(rfc);
      assert.deepStrictEqual(fromRfc.getPublicSSH(), line.getPublicSSH());
      assert.strictEqual(fromRfc.type, SSH_TYPE[type]);
      assert.strictEqual(fromRfc.getPublicPEM(), line.getPublicPEM());
    });
  }
  await t.test('certificate', () => {
    const ca = keygen('ed25519', ['-N', '']);
    const user = keygen('ecdsa:256', ['-N', '']);
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', 'id', '-n', 'alice', `${user}.pub`]);
    const cert = parse(`${user}-cert.pub`);
    assert.strictEqual(cert.type, 'ecdsa-sha2-nistp256');
    assert.deepStrictEqual(cert.getPublicSSH(), parse(`${user}.pub`).getPublicSSH());
  });
});

test('PuTTY PPK v2 and v3, plain and encrypted (puttygen fixtures)', async (t) => {
  for (const f of fs.readdirSync(FIXTURES).filter((x) => x.endsWith('.ppk'))) {
    await t.test(f, () => {
      const encrypted = f.includes('_enc');
      const key = parse(path.join(FIXTURES, f), encrypted ? 'node.js' : undefined);
      const pub = parse(path.join(FIXTURES, f.replace('_enc', '').replace('.ppk', '.pub')));
      checkPair(key, pub.getPublicSSH(), pub.type);
      assert.strictEqual(key.comment, f.replace('_enc.ppk', '').replace('.ppk', '').replace('_', '-'));
      if (encrypted) {
        assert.match(utils.parseKey(fs.readFileSync(path.join(FIXTURES, f))).message, /no passphrase/);
        assert.match(utils.parseKey(fs.readFileSync(path.join(FIXTURES, f)), 'wrong').message, /integrity check failed -- bad passphrase\?/);
      }
    });
  }
  await t.test('a tampered PPK fails its MAC', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'ppk2_rsa.ppk'), 'utf8').replace('Comment: ppk2-rsa', 'Comment: evil');
    assert.strictEqual(utils.parseKey(text).message, 'PPK private key integrity check failed');
  });
});

/** An SSH string: uint32 length, then the bytes. */
function str(b) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** The SSHSIG blob (PROTOCOL.sshsig) signed over `message` under `namespace`. */
function sshsigSignedData(namespace, hashAlg, message) {
  const h = crypto.createHash(hashAlg).update(message).digest();
  return Buffer.concat([Buffer.from('SSHSIG'), str(Buffer.from(namespace)), str(Buffer.alloc(0)), str(Buffer.from(hashAlg)), str(h)]);
}

function readStrings(buf) {
  const out = [];
  for (let p = 0; p < buf.length; ) {
    const len = buf.readUInt32BE(p);
    out.push(buf.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return out;
}

test('signatures exchanged with ssh-keygen -Y sign / -Y verify', { skip: noSshKeygen }, async (t) => {
  const message = Buffer.from('the message');
  for (const type of ['ed25519', 'ecdsa:256', 'ecdsa:384', 'ecdsa:521', 'rsa:2048']) {
    await t.test(type, () => {
      const file = keygen(type, ['-N', '']);
      const key = parse(file);
      const msgFile = path.join(dir, `msg${n++}`);
      fs.writeFileSync(msgFile, message);
      // OpenSSH signs; we verify.
      execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', file, '-n', 'file', msgFile]);
      const armored = fs.readFileSync(`${msgFile}.sig`, 'utf8');
      const blob = Buffer.from(armored.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
      assert.strictEqual(blob.subarray(0, 6).toString(), 'SSHSIG');
      const [, namespace, , hashAlg, sigBlob] = readStrings(blob.subarray(10));
      const [sigAlgo, rawSig] = readStrings(sigBlob);
      const signed = sshsigSignedData(namespace.toString(), hashAlg.toString(), message);
      const hash = { 'rsa-sha2-512': 'sha512', 'rsa-sha2-256': 'sha256' }[sigAlgo.toString()];
      const nativeSig = utils.sigSSHToASN1(rawSig, key.type);
      assert.strictEqual(key.verify(signed, nativeSig, hash), true, `${sigAlgo}`);
      assert.strictEqual(key.verify(sshsigSignedData('other', hashAlg.toString(), message), nativeSig, hash), false);

      // We sign; OpenSSH verifies.
      const algo = key.type === 'ssh-rsa' ? 'rsa-sha2-512' : key.type;
      const ourSigned = sshsigSignedData('file', 'sha512', message);
      let ours = key.sign(ourSigned, key.type === 'ssh-rsa' ? 'sha512' : undefined);
      if (key.type.startsWith('ecdsa')) ours = utils.ECDSASigASN1ToSSH(ours);
      const out = Buffer.concat([
        Buffer.from('SSHSIG'),
        Buffer.from([0, 0, 0, 1]),
        str(key.getPublicSSH()),
        str(Buffer.from('file')),
        str(Buffer.alloc(0)),
        str(Buffer.from('sha512')),
        str(Buffer.concat([str(Buffer.from(algo)), str(ours)])),
      ]);
      const sigFile = path.join(dir, `oursig${n++}`);
      fs.writeFileSync(sigFile, `-----BEGIN SSH SIGNATURE-----\n${out.toString('base64').replace(/.{70}/g, '$&\n')}\n-----END SSH SIGNATURE-----\n`);
      const allowed = path.join(dir, `allowed${n++}`);
      fs.writeFileSync(allowed, `me ${fs.readFileSync(`${file}.pub`, 'utf8')}`);
      const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'me', '-n', 'file', '-s', sigFile], { input: message, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr + r.stdout);
    });
  }
});

test('rsa-sha2: a tagged blob signs, and a tagged signature verifies, with its hash', { skip: noSshKeygen }, () => {
  const key = parse(keygen('rsa:2048', ['-N', '']));
  const data = keys.tagHash(Buffer.from('blob to sign'), 'sha512');
  const sig = key.sign(data);
  assert.strictEqual(key.verify(Buffer.from('blob to sign'), sig, 'sha512'), true);
  assert.strictEqual(key.verify(Buffer.from('blob to sign'), sig), false, 'untagged: SHA-1');
  assert.strictEqual(key.verify(Buffer.from('blob to sign'), keys.tagHash(Buffer.from(sig), 'sha512')), true);
  const sha1 = key.sign(Buffer.from('blob to sign'));
  assert.strictEqual(key.verify(Buffer.from('blob to sign'), sha1), true);
});

test('the seed API: decryptKey and genPublicKey', { skip: noSshKeygen }, () => {
  const file = keygen('ecdsa:256', ['-N', PASS]);
  const parsed = utils.parseKey(fs.readFileSync(file));
  assert.ok(parsed instanceof Error);
  assert.match(parsed.message, /no passphrase/);
  assert.throws(() => utils.decryptKey(parsed, 'wrong'), /bad passphrase/);
  utils.decryptKey(parsed, PASS);
  assert.ok(!(parsed instanceof Error));
  assert.ok(parsed.isPrivateKey());
  checkPair(parsed, sshKeygenPublic(file, PASS), 'ecdsa-sha2-nistp256');
  const pub = utils.genPublicKey(parsed);
  assert.ok(!pub.isPrivateKey());
  assert.strictEqual(pub.type, 'ecdsa-sha2-nistp256');
  assert.deepStrictEqual(pub.getPublicSSH(), parsed.getPublicSSH());
  assert.strictEqual(pub.getPrivatePEM(), null);
  const data = Buffer.from('x');
  assert.strictEqual(pub.verify(data, parsed.sign(data)), true);
  assert.match(pub.sign(data).message, /No private key available/);
});

test('bad input gives an Error, never a throw or a hang', () => {
  const cases = [
    [123, /Key data must be a Buffer or string/],
    [Buffer.from('hello'), /Unsupported key format/],
    ['', /Unsupported key format/],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----', /Malformed OpenSSH private key/],
    ['-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----', /Malformed OpenSSH private key/],
    ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== c', /Malformed OpenSSH public key/],
    ['---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----', /Malformed RFC4716 public key/],
    [Buffer.alloc(2 * 1024 * 1024, 65), /too large/],
  ];
  for (const [input, re] of cases) {
    const r = utils.parseKey(input);
    assert.ok(r instanceof Error, String(input).slice(0, 40));
    assert.match(r.message, re);
  }
  assert.match(utils.parseKey('x', 5).message, /Passphrase must be a string or Buffer/);
  const dek = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: BF-CBC,0011223344556677\n\nAAAA\n-----END RSA PRIVATE KEY-----';
  assert.strictEqual(utils.parseKey(dek, 'x').message, 'Cipher (bf-cbc) not supported for encrypted OpenSSH private key');
});

test('every truncation and bit flip of a key file is an Error, not a crash', { skip: noSshKeygen }, () => {
  const file = fs.readFileSync(keygen('ecdsa:256', ['-N', '']), 'utf8');
  const b64 = file.split('\n').slice(1, -2).join('');
  const body = Buffer.from(b64, 'base64');
  const wrap = (buf) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${buf.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----`;
  for (let cut = 0; cut < body.length; cut += 7) {
    const r = utils.parseKey(wrap(body.subarray(0, cut)));
    assert.ok(r instanceof Error || Array.isArray(r), `cut ${cut}`);
  }
  for (let i = 0; i < 2000; i++) {
    const copy = Buffer.from(body);
    copy[crypto.randomInt(copy.length)] ^= 1 << crypto.randomInt(8);
    const r = utils.parseKey(wrap(copy));
    assert.ok(r instanceof Error || Array.isArray(r));
  }
});

test('a truncated PKCS#1 RSA file parses and fails when signing, as 0.4.10 did', { skip: noOpenssl }, () => {
  const dir = tmpDir('ssh2sn-trunc-');
  const pemFile = path.join(dir, 'rsa.pem');
  execFileSync('openssl', ['genrsa', '-traditional', '-out', pemFile, '2048'], { stdio: 'ignore' });
  const full = utils.parseKey(fs.readFileSync(pemFile));
  const der = Buffer.from(fs.readFileSync(pemFile, 'utf8').split('\n').slice(1, -2).join(''), 'base64');
  // Keep n and e and part of d: the outer SEQUENCE now runs past the end.
  const cut = der.subarray(0, der.length - 400);
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${cut.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END RSA PRIVATE KEY-----\n`;
  const key = utils.parseKey(pem);
  assert.ok(!(key instanceof Error), key.message);
  assert.strictEqual(key.type, 'ssh-rsa');
  assert.ok(key.getPublicSSH().equals(full.getPublicSSH()));
  assert.ok(key.getPrivatePEM() !== null);
  const sig = key.sign(Buffer.from('data'));
  assert.ok(sig instanceof Error);
  assert.match(sig.message, /private/i);
  // Too short even for n and e: an Error at parse time.
  const tiny = `-----BEGIN RSA PRIVATE KEY-----\n${der.subarray(0, 40).toString('base64')}\n-----END RSA PRIVATE KEY-----`;
  assert.match(utils.parseKey(tiny).message, /Malformed OpenSSH private key/);
});
