// @ts-check
'use strict';
// utils: the helpers ssh2-streams@0.4.10 exported, with its behaviour, and
// the key API (parseKey; the seed README's decryptKey and genPublicKey) and
// checkHostCertificate (issue 19).

const { readIntegerPair, writeIntegerPair } = require('./der');
const { parseKey, decryptKey, genPublicKey } = require('./keys');
const certificates = require('./certificate');

/**
 * Increments the 8-byte invocation counter of an AES-GCM IV (bytes 4..11,
 * big-endian, wrapping), in place.
 */
function iv_inc(iv) {
  for (let n = 11; n >= 4; n--) {
    if (iv[n] === 255) {
      iv[n] = 0;
    } else {
      iv[n]++;
      return;
    }
  }
}

/** Calls stream._cleanup(cb) when a stream is given, and returns false. */
function bad(stream, cb) {
  if (stream) stream._cleanup(cb);
  return false;
}

/** A uint32 at `start`, or false (after stream._cleanup(cb)) if there is none. */
function readInt(buffer, start, stream, cb) {
  if (start < 0 || start >= buffer.length || buffer.length - start < 4) return bad(stream, cb);
  return buffer.readUInt32BE(start);
}

/**
 * An SSH string at `start`: a Buffer, or text in `encoding`, or copied into
 * `encoding` when that is a Buffer; false (after stream._cleanup(cb)) when it
 * runs past the end or over maxLen. Sets buffer._pos past it. `encoding` may
 * be left out: readString(buffer, start, stream, cb[, maxLen]).
 */
function readString(buffer, start, encoding, stream, cb, maxLen) {
  if (encoding && !Buffer.isBuffer(encoding) && typeof encoding !== 'string') {
    if (typeof cb === 'number') maxLen = cb;
    cb = stream;
    stream = encoding;
    encoding = undefined;
  }
  start = start || 0;
  const left = buffer.length - start;
  if (start < 0 || start >= buffer.length || left < 4) return bad(stream, cb);
  const len = buffer.readUInt32BE(start);
  if (len > (maxLen || Infinity) || left < 4 + len) return bad(stream, cb);
  const end = start + 4 + len;
  buffer._pos = end;
  if (Buffer.isBuffer(encoding)) {
    buffer.copy(encoding, 0, start + 4, end);
    return encoding;
  }
  if (encoding) return buffer.toString(encoding, start + 4, end);
  return buffer.slice(start + 4, end);
}

/** Pads or trims a DSA integer to exactly 20 bytes. */
function dsaInteger20(x) {
  if (x.length < 20) return Buffer.concat([Buffer.alloc(20 - x.length), x]);
  if (x.length > 20 && x[0] === 0) return x.subarray(1);
  return x;
}

/** A DSA signature as DER SEQUENCE { r, s } -> the 40-byte r || s SSH uses. */
function DSASigBERToBare(signature) {
  if (signature.length <= 40) return signature;
  const pair = readIntegerPair(signature);
  if (!pair) return signature;
  return Buffer.concat([dsaInteger20(pair[0]), dsaInteger20(pair[1])]);
}

/** An ECDSA signature as DER -> SSH's mpint r || mpint s (already-SSH input is returned). */
function ECDSASigASN1ToSSH(signature) {
  if (signature[0] === 0x00) return signature;
  const pair = readIntegerPair(signature);
  if (!pair) return false;
  const [r, s] = pair;
  const out = Buffer.allocUnsafe(8 + r.length + s.length);
  out.writeUInt32BE(r.length, 0);
  r.copy(out, 4);
  out.writeUInt32BE(s.length, 4 + r.length);
  s.copy(out, 8 + r.length);
  return out;
}

/** Minimal two's-complement integer content: no redundant 0x00, 0x00 before a high bit. */
function derInteger(x) {
  let i = 0;
  while (i < x.length - 1 && x[i] === 0 && !(x[i + 1] & 0x80)) i++;
  x = x.subarray(i);
  return x[0] & 0x80 ? Buffer.concat([Buffer.from([0]), x]) : x;
}

/**
 * A signature from the wire -> what OpenSSL-style verification takes: DER
 * for ssh-dss (from 40 bare bytes) and ECDSA (from mpint r, s); others as
 * they are. False when an ECDSA signature is malformed.
 */
function sigSSHToASN1(sig, type, stream, cb) {
  switch (type) {
    case 'ssh-dss': {
      if (sig.length > 40) return sig;
      return writeIntegerPair(derInteger(sig.subarray(0, 20)), derInteger(sig.subarray(20)));
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      const r = readString(sig, 0, stream, cb);
      if (r === false) return false;
      const s = readString(sig, sig._pos, stream, cb);
      if (s === false) return false;
      return writeIntegerPair(r, s);
    }
    default:
      return sig;
  }
}

/**
 * Checks a host certificate blob (what a client's host key check receives)
 * against known_hosts text with `@cert-authority` lines, or CA keys, for
 * `options.hostname` (and `port`, `now`): true, or an Error saying why not
 * (lib/certificate.js).
 */
function checkHostCertificate(blob, cas, options) {
  return certificates.checkHostCertificate(blob, cas, options, parseKey);
}

module.exports = {
  iv_inc,
  checkHostCertificate,
  readInt,
  readString,
  parseKey,
  decryptKey,
  genPublicKey,
  sigSSHToASN1,
  DSASigBERToBare,
  ECDSASigASN1ToSSH,
};
