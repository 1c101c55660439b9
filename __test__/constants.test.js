'use strict';
// constants: every export of ssh2-streams@0.4.10 with the same names and
// values. The rule for what may differ: the ALGORITHMS lists are ours
// (every algorithm 0.4.10 supported is still supported, and more), and the
// CIPHER_INFO/HMAC_INFO tables may describe more names than 0.4.10's.

const test = require('node:test');
const assert = require('node:assert');
const ours = require('..').constants;
const orig = require('ssh2-streams').constants;

const EXTENSIBLE = new Set(['CIPHER_INFO', 'HMAC_INFO']);

test('every export of 0.4.10 is here', () => {
  for (const key of Object.keys(orig)) assert.ok(key in ours, `missing constants.${key}`);
});

test('tables and lists have 0.4.10 values', () => {
  for (const key of Object.keys(orig)) {
    if (key === 'ALGORITHMS' || key === 'BUGGY_IMPLS') continue;
    if (EXTENSIBLE.has(key)) {
      for (const name of Object.keys(orig[key])) assert.deepStrictEqual(ours[key][name], orig[key][name], `${key}.${name}`);
    } else {
      assert.deepStrictEqual(ours[key], orig[key], key);
    }
  }
});

test('BUGGY_IMPLS matches the same software versions', () => {
  const show = (list) => list.map(([rule, bug]) => [rule instanceof RegExp ? rule.source : rule, bug]);
  assert.deepStrictEqual(show(ours.BUGGY_IMPLS), show(orig.BUGGY_IMPLS));
});

test('ALGORITHMS keeps 0.4.10 shape and supports everything 0.4.10 did', () => {
  assert.deepStrictEqual(Object.keys(ours.ALGORITHMS).sort(), Object.keys(orig.ALGORITHMS).sort());
  for (const kind of ['KEX', 'SERVER_HOST_KEY', 'CIPHER', 'HMAC', 'COMPRESS']) {
    const supported = ours.ALGORITHMS[`SUPPORTED_${kind}`];
    for (const name of orig.ALGORITHMS[`SUPPORTED_${kind}`]) assert.ok(supported.includes(name), `${kind}: ${name}`);
    for (const name of ours.ALGORITHMS[kind]) assert.ok(supported.includes(name), `default ${kind} ${name} unsupported`);
    assert.ok(Buffer.isBuffer(ours.ALGORITHMS[`${kind}_BUF`]));
    assert.strictEqual(ours.ALGORITHMS[`${kind}_BUF`].toString(), ours.ALGORITHMS[kind].join(','));
    assert.strictEqual(new Set(supported).size, supported.length, `${kind} has duplicates`);
  }
});

test('defaults are ordered strongest first, as OpenSSH 9 orders them', () => {
  const A = ours.ALGORITHMS;
  const before = (list, a, b) => assert.ok(list.indexOf(a) < list.indexOf(b), `${a} before ${b}`);
  before(A.KEX, 'curve25519-sha256', 'ecdh-sha2-nistp256');
  before(A.KEX, 'ecdh-sha2-nistp521', 'diffie-hellman-group-exchange-sha256');
  before(A.KEX, 'diffie-hellman-group16-sha512', 'diffie-hellman-group14-sha256');
  before(A.SERVER_HOST_KEY, 'ssh-ed25519', 'ecdsa-sha2-nistp256');
  before(A.SERVER_HOST_KEY, 'rsa-sha2-512', 'ssh-rsa');
  before(A.CIPHER, 'chacha20-poly1305@openssh.com', 'aes128-ctr');
  before(A.HMAC, 'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256');
  assert.ok(!A.KEX.includes('diffie-hellman-group1-sha1'), 'group1 is not offered by default');
  assert.ok(!A.SERVER_HOST_KEY.includes('ssh-dss'), 'ssh-dss is not offered by default');
});

/** AES-GCM in hardware from /proc/cpuinfo's flags (x86: aes and pclmulqdq; ARMv8: aes and pmull), or null where there is none to read. */
function cpuHasAesGcm() {
  let text;
  try {
    text = require('fs').readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  const line = /^(?:flags|Features)\s*:(.*)$/m.exec(text);
  if (!line) return null;
  const flags = new Set(line[1].trim().split(/\s+/));
  return process.arch === 'arm64' ? flags.has('aes') && flags.has('pmull') : flags.has('aes') && flags.has('pclmulqdq');
}

const aesGcm = cpuHasAesGcm();
test(
  'the default cipher is the fastest safe one on this CPU: AES-GCM with AES instructions, chacha20-poly1305 without',
  { skip: aesGcm === null && 'no /proc/cpuinfo to read the CPU flags from' },
  async () => {
    const expected = aesGcm ? 'aes128-gcm@openssh.com' : 'chacha20-poly1305@openssh.com';
    assert.strictEqual(ours.ALGORITHMS.CIPHER[0], expected);
    // Both AEADs are offered either way, and no legacy cipher.
    for (const name of ['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com']) assert.ok(ours.ALGORITHMS.CIPHER.includes(name), name);
    assert.ok(!ours.ALGORITHMS.CIPHER.some((n) => /cbc|arcfour/.test(n)));
    // And two streams that name no algorithms agree on it.
    const { handshake } = require('./helpers/pair');
    const lines = [];
    const { client, server } = await handshake({}, { clientDebug: (l) => lines.push(l) });
    client.destroy();
    server.destroy();
    assert.ok(lines.includes(`DEBUG: Client->Server Cipher: ${expected}`), lines.filter((l) => /Cipher/.test(l)).join('\n'));
  }
);
