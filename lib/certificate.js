// @ts-check
'use strict';
// OpenSSH certificates (issue 19): what utils.parseKey(cert blob or line)
// tells an app about a certificate, a server's check of a user certificate,
// and a client's check of a host certificate (utils.checkHostCertificate).
// The fields are read by the `ssh-key` crate and the CA's signature is
// checked with aws-lc (src/keys/cert_check.rs); trust in the CA, the
// validity window and the principal are checked here.

const native = require('./binding');
const knownHosts = require('./known-hosts');

const CERT_SUFFIX = '-cert-v01@openssh.com';
const FOREVER = '18446744073709551615';

/** The certificate blob in `buf` (a wire blob or an OpenSSH line), or null. */
function certificateBlob(buf) {
  if (buf.length >= 4) {
    const n = buf.readUInt32BE(0);
    if (n <= buf.length - 4 && buf.toString('latin1', 4, 4 + n).endsWith(CERT_SUFFIX)) return buf;
  }
  const words = buf.toString('latin1').trim().split(/\s+/);
  if (words.length >= 2 && words[0].endsWith(CERT_SUFFIX)) return Buffer.from(words[1], 'base64');
  return null;
}

/** An SSH key blob named `name...` as an OpenSSH public key line. */
function lineOf(blob) {
  const n = blob.readUInt32BE(0);
  return Buffer.from(`${blob.toString('latin1', 4, 4 + n)} ${blob.toString('base64')}`);
}

/** A certificate's wire blob as its OpenSSH line, or null for anything else. */
function blobAsLine(buf) {
  if (buf.length < 4) return null;
  const n = buf.readUInt32BE(0);
  if (n > buf.length - 4 || !buf.toString('latin1', 4, 4 + n).endsWith(CERT_SUFFIX)) return null;
  return /^[\x21-\x7e]+$/.test(buf.toString('latin1', 4, 4 + n)) ? lineOf(buf) : null;
}

// Seconds since the epoch; "forever" (2^64-1) is Infinity.
const seconds = (s) => (s === FOREVER ? Infinity : Number(s));

function optionsObject(flat) {
  const out = Object.create(null);
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/**
 * The certificate in `buf` as the app sees it, plus what the check needs
 * (the CA's signature verdict), or null when `buf` holds none.
 * parseKey is passed in to avoid a require cycle with keys.js.
 */
function readCertificate(buf, parseKey) {
  const blob = certificateBlob(buf);
  if (!blob) return null;
  const f = native.readCertificate(blob);
  if (!f) return null;
  const caKey = f.caKey.length >= 4 ? parseKey(lineOf(f.caKey)) : null;
  const certificate = Object.freeze({
    type: f.kind === 2 ? 'host' : 'user',
    keyType: f.typeName,
    keyId: f.keyId,
    serial: BigInt(f.serial),
    principals: Object.freeze(f.principals),
    validAfter: seconds(f.validAfter),
    validBefore: seconds(f.validBefore),
    criticalOptions: Object.freeze(optionsObject(f.criticalOptions)),
    extensions: Object.freeze(optionsObject(f.extensions)),
    caKey: caKey instanceof Error ? null : caKey,
  });
  return { certificate, caBlob: f.caKey, signatureOk: f.signatureOk };
}

/** Whether `buf` has the shape of an SSH key blob: string(type name), then more. */
function isWireBlob(buf) {
  if (buf.length < 8) return false;
  const n = buf.readUInt32BE(0);
  return n > 0 && n < 64 && n < buf.length - 4 && /^[a-z0-9@.-]+$/.test(buf.toString('latin1', 4, 4 + n));
}

/** The SSH public key blob of a CA given as a parsed key, a key line, or a wire blob; null otherwise. */
function sshBlobOf(key, parseKey) {
  if (key && typeof key.getPublicSSH === 'function') return key.getPublicSSH();
  if (Buffer.isBuffer(key) && isWireBlob(key)) return key;
  if (Buffer.isBuffer(key) || typeof key === 'string') {
    const parsed = parseKey(key);
    if (parsed && !(parsed instanceof Error) && !Array.isArray(parsed)) return parsed.getPublicSSH();
  }
  return null;
}

/** `now` (seconds, a Date, or undefined for the clock) in seconds, or an Error. */
function secondsNow(now) {
  if (now === undefined) return Date.now() / 1000;
  if (now instanceof Date) now = now.getTime() / 1000;
  if (typeof now !== 'number' || Number.isNaN(now)) return new Error('now must be seconds or a Date');
  return now;
}

/** An Error for a certificate outside its validity window at `now`, or null. */
function validityError(certificate, now) {
  if (now < certificate.validAfter) return new Error('certificate not yet valid');
  if (now >= certificate.validBefore) return new Error('certificate expired');
  return null;
}

/**
 * The server's check of a user certificate: signed by one of `caKeys`
 * (parsed keys, or key lines/blobs), the signature good, `now` (seconds,
 * or a Date; default the clock) inside the validity window
 * (valid_after <= now < valid_before), and `principal` listed (a
 * certificate with no principals is valid for any, as in OpenSSH).
 * True, or an Error naming the first reason it fails.
 */
function verifyCertificate(info, caKeys, options, parseKey) {
  const { certificate } = info;
  const opts = options || {};
  if (certificate.type !== 'user') return new Error('certificate is not a user certificate');
  const list = Array.isArray(caKeys) ? caKeys : [caKeys];
  const trusted = list.some((k) => {
    const blob = sshBlobOf(k, parseKey);
    return blob !== null && blob.equals(info.caBlob);
  });
  if (!trusted) return new Error('certificate signed by an untrusted CA');
  if (!info.signatureOk) return new Error('certificate signature invalid');
  const now = secondsNow(opts.now);
  if (now instanceof Error) return now;
  const invalid = validityError(certificate, now);
  if (invalid) return invalid;
  if (opts.principal !== undefined && certificate.principals.length > 0 && !certificate.principals.includes(String(opts.principal))) {
    return new Error(`principal "${opts.principal}" not in the certificate`);
  }
  return true;
}

/**
 * A client's check of the host certificate a server showed (its wire blob,
 * as SSH2Stream's 'fingerprint' event and ssh2's hostVerifier callback
 * carry it), as ssh(1) checks one: a host certificate, signed by a CA the
 * host trusts (`cas`: known_hosts text whose `@cert-authority` lines
 * match `hostname`/`port`, or CA keys), the signature good, neither the
 * key nor the CA `@revoked`, `now` inside the validity window, `hostname`
 * among the principals (none listed: any host), no critical options (none
 * are defined for host certificates). True, or an Error naming the first
 * reason it fails.
 */
function checkHostCertificate(blob, cas, options, parseKey) {
  const opts = options || {};
  if (typeof opts.hostname !== 'string' || opts.hostname === '') throw new TypeError('options.hostname must be the host name the certificate is checked for');
  const buf = typeof blob === 'string' ? Buffer.from(blob) : blob;
  const info = Buffer.isBuffer(buf) ? readCertificate(buf, parseKey) : null;
  if (!info) return new Error('host key is not a certificate');
  const { certificate } = info;
  if (certificate.type !== 'host') return new Error('certificate is not a host certificate');
  let trustedBlobs;
  let revoked = [];
  const text = typeof cas === 'string' || Buffer.isBuffer(cas) ? cas.toString('latin1') : null;
  if (text !== null && knownHosts.hasMarkers(text)) {
    ({ authorities: trustedBlobs, revoked } = knownHosts.markersFor(text, opts.hostname, opts.port));
  } else {
    trustedBlobs = (Array.isArray(cas) ? cas : [cas]).map((k) => sshBlobOf(k, parseKey)).filter((b) => b !== null);
  }
  if (!trustedBlobs.some((b) => b.equals(info.caBlob))) return new Error('certificate signed by an untrusted CA');
  if (!info.signatureOk) return new Error('certificate signature invalid');
  const certified = parseKey(buf);
  if (certified instanceof Error) return new Error('host key is not a certificate');
  if (revoked.some((b) => b.equals(info.caBlob))) return new Error('CA key revoked');
  if (revoked.some((b) => b.equals(certified.getPublicSSH()))) return new Error('host key revoked');
  const now = secondsNow(opts.now);
  if (now instanceof Error) return now;
  const invalid = validityError(certificate, now);
  if (invalid) return invalid;
  if (certificate.principals.length > 0 && !certificate.principals.includes(opts.hostname)) {
    return new Error(`hostname "${opts.hostname}" not in the certificate's principals`);
  }
  if (Object.keys(certificate.criticalOptions).length > 0) return new Error('certificate has critical options (none are defined for host certificates)');
  return true;
}

module.exports = { readCertificate, verifyCertificate, checkHostCertificate, blobAsLine };
