'use strict';
// utils: 0.4.10's helpers give 0.4.10's answers (checked against the
// original package on the same inputs).

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const ours = require('..').utils;
const orig = require('ssh2-streams').utils;

test('readInt and readString agree with 0.4.10 on every offset of random buffers', () => {
  for (let i = 0; i < 200; i++) {
    const buf = crypto.randomBytes(crypto.randomInt(0, 24));
    if (buf.length > 4 && i % 2) buf.writeUInt32BE(crypto.randomInt(0, buf.length), 0);
    for (let start = -1; start <= buf.length; start++) {
      assert.deepStrictEqual(ours.readInt(buf, start), orig.readInt(buf, start));
      const a = Buffer.from(buf);
      const b = Buffer.from(buf);
      assert.deepStrictEqual(ours.readString(a, start), orig.readString(b, start));
      assert.deepStrictEqual(ours.readString(a, start, 'latin1'), orig.readString(b, start, 'latin1'));
      assert.strictEqual(a._pos, b._pos);
    }
  }
});

test('readString: maxLen, a Buffer to copy into, and the stream callback', () => {
  const buf = Buffer.from([0, 0, 0, 3, 1, 2, 3]);
  assert.strictEqual(ours.readString(buf, 0, undefined, undefined, undefined, 2), false);
  assert.deepStrictEqual(ours.readString(buf, 0, undefined, undefined, undefined, 3), Buffer.from([1, 2, 3]));
  const into = Buffer.alloc(3);
  assert.strictEqual(ours.readString(buf, 0, into), into);
  assert.deepStrictEqual(into, Buffer.from([1, 2, 3]));
  let cleaned = null;
  const stream = { _cleanup: (cb) => (cleaned = cb) };
  const cb = () => {};
  assert.strictEqual(ours.readString(Buffer.from([0, 0, 0, 9]), 0, stream, cb), false);
  assert.strictEqual(cleaned, cb);
});

test('iv_inc increments the 8-byte counter of a GCM IV as 0.4.10 did', () => {
  for (const start of [Buffer.alloc(12), Buffer.from('000000000000000000ffffff', 'hex'), Buffer.alloc(12, 0xff), crypto.randomBytes(12)]) {
    const a = Buffer.from(start);
    const b = Buffer.from(start);
    for (let i = 0; i < 300; i++) {
      ours.iv_inc(a);
      orig.iv_inc(b);
    }
    assert.deepStrictEqual(a, b);
  }
});

test('signature conversions agree with 0.4.10', () => {
  const dsa = crypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
  for (let i = 0; i < 20; i++) {
    const der = crypto.sign('sha1', Buffer.from(`m${i}`), dsa.privateKey);
    const bare = ours.DSASigBERToBare(der);
    assert.deepStrictEqual(bare, orig.DSASigBERToBare(der));
    assert.strictEqual(bare.length, 40);
    const back = ours.sigSSHToASN1(bare, 'ssh-dss');
    assert.ok(crypto.verify('sha1', Buffer.from(`m${i}`), dsa.publicKey, back));
  }
  for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
    const ec = crypto.generateKeyPairSync('ec', { namedCurve });
    const der = crypto.sign('sha256', Buffer.from('m'), ec.privateKey);
    const ssh = ours.ECDSASigASN1ToSSH(der);
    assert.deepStrictEqual(ssh, orig.ECDSASigASN1ToSSH(der));
    assert.deepStrictEqual(ours.ECDSASigASN1ToSSH(ssh), ssh, 'already SSH form');
    const type = `ecdsa-sha2-nistp${namedCurve.slice(2)}`;
    assert.deepStrictEqual(ours.sigSSHToASN1(ssh, type), orig.sigSSHToASN1(ssh, type));
  }
  assert.strictEqual(ours.sigSSHToASN1(Buffer.from([0, 0, 0, 9]), 'ecdsa-sha2-nistp256'), false);
  const raw = crypto.randomBytes(64);
  assert.strictEqual(ours.sigSSHToASN1(raw, 'ssh-ed25519'), raw);
});

test('every export of 0.4.10 utils is here', () => {
  for (const key of Object.keys(orig)) assert.strictEqual(typeof ours[key], typeof orig[key], key);
});
