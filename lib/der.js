// @ts-check
'use strict';
// The two DER shapes signature conversion needs: SEQUENCE { INTEGER, INTEGER }
// read into the integers' content bytes, and written from them.

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/** Reads a DER length at buf[pos]; returns [length, nextPos] or null. */
function readLength(buf, pos) {
  if (pos >= buf.length) return null;
  const first = buf[pos++];
  if (first < 0x80) return [first, pos];
  const n = first & 0x7f;
  if (n === 0 || n > 4 || pos + n > buf.length) return null;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
  return [len, pos];
}

function readTlv(buf, pos, tag) {
  if (buf[pos] !== tag) return null;
  const l = readLength(buf, pos + 1);
  if (!l || l[1] + l[0] > buf.length) return null;
  return { value: buf.subarray(l[1], l[1] + l[0]), next: l[1] + l[0] };
}

/** SEQUENCE { INTEGER a, INTEGER b } -> [a, b] content bytes, or null. */
function readIntegerPair(buf) {
  const seq = readTlv(buf, 0, SEQUENCE);
  if (!seq) return null;
  const a = readTlv(seq.value, 0, INTEGER);
  if (!a) return null;
  const b = readTlv(seq.value, a.next, INTEGER);
  if (!b) return null;
  return [a.value, b.value];
}

function lengthBytes(len) {
  if (len < 0x80) return Buffer.from([len]);
  const out = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) out.unshift(l & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

function tlv(tag, value) {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);
}

/** [a, b] content bytes (written as given) -> SEQUENCE { INTEGER a, INTEGER b }. */
function writeIntegerPair(a, b) {
  return tlv(SEQUENCE, Buffer.concat([tlv(INTEGER, a), tlv(INTEGER, b)]));
}

module.exports = { readIntegerPair, writeIntegerPair };
