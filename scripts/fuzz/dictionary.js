'use strict';
// The hostile values every fuzzed field is drawn from: Object.prototype
// property names (and __proto__), empty and very long strings, uint32s at
// the edges (0, 1, 2^31-1, 2^31, 2^32-1), string lengths that lie,
// booleans other than 0/1, and random bytes. Shared by the SSH and SFTP
// case builders.

const NAMES = [...new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)])];
const U32 = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 32768, 35000, 65535, 65536, 262144, 2097152];
// String sizes at and past the limits: SSH packet (35000), SFTP client
// packet (256 KiB), a channel's default packet (32 KiB).
const SIZES = [0, 1, 255, 256, 1024, 32767, 32768, 32769, 34000, 35000, 65536, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1];

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

function u64(hi, lo) {
  return Buffer.concat([u32(hi), u32(lo)]);
}

/** An SSH/SFTP `string`: uint32 length, then the bytes. */
function str(v) {
  const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
  return Buffer.concat([u32(b.length), b]);
}

function hostileU32(r) {
  return r.chance(0.7) ? r.pick(U32) : r.int(0x100000000);
}

/** A hostile string value (as text or bytes). */
function hostileText(r) {
  switch (r.int(6)) {
    case 0:
      return r.pick(NAMES);
    case 1:
      return '';
    case 2:
      return 'A'.repeat(r.pick(SIZES));
    case 3:
      return r.bytes(r.int(64));
    case 4:
      return r.pick(NAMES) + '@openssh.com';
    default:
      return Buffer.from([0, 0xff, 0xfe, 0xc0, 0x80]);
  }
}

/** A string whose length field lies: past the end, 2^32-1, 2^31. */
function lyingString(r) {
  const body = r.bytes(r.int(16));
  const len = r.pick([body.length + 1, body.length + 1000, 0xffffffff, 0x80000000, 0x7fffffff]);
  return Buffer.concat([u32(len), body]);
}

/** Any one hostile field, encoded. */
function hostileField(r) {
  switch (r.int(6)) {
    case 0:
      return u32(hostileU32(r));
    case 1:
      return str(hostileText(r));
    case 2:
      return lyingString(r);
    case 3:
      return Buffer.from([r.pick([0, 1, 2, 0x80, 0xff])]);
    case 4:
      return r.bytes(r.int(40));
    default:
      return Buffer.alloc(0);
  }
}

/**
 * Encodes a template of fields: each is a Buffer (kept), a string (an SSH
 * string), a number (a uint32) or a boolean (a byte). Each field is
 * replaced by a hostile one with probability `p` (scaled by r.level);
 * then the result may be truncated or get trailing garbage.
 */
function encode(r, fields, p = 0.25) {
  // r.level (0..1, per iteration): how hostile this iteration is, so some
  // iterations keep the victim alive long enough to reach deeper states.
  const level = r.level === undefined ? 1 : r.level;
  p *= level;
  const parts = [];
  for (const f of fields) {
    if (r.chance(p)) {
      parts.push(hostileField(r));
      continue;
    }
    if (Buffer.isBuffer(f)) parts.push(f);
    else if (typeof f === 'boolean') parts.push(Buffer.from([f ? 1 : 0]));
    else if (typeof f === 'number') parts.push(u32(f));
    else parts.push(str(f));
  }
  let out = Buffer.concat(parts);
  const tail = r.next() < level ? r.int(10) : 9;
  if (tail === 0 && out.length > 1) out = out.subarray(0, 1 + r.int(out.length - 1));
  else if (tail === 1) out = Buffer.concat([out, r.bytes(1 + r.int(32))]);
  return out;
}

/** A name: usually one of `known`, often a prototype name or a hostile string. */
function name(r, known) {
  const k = r.int(10);
  if (k < 5) return r.pick(known);
  if (k < 8) return r.pick(NAMES);
  return hostileText(r);
}

module.exports = { NAMES, U32, SIZES, u32, u64, str, hostileU32, hostileText, hostileField, lyingString, encode, name };
