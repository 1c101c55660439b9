// @ts-check
'use strict';
// OpenSSH user certificates on the server side (issue 19): what
// utils.parseKey(cert blob or line) tells an app about a certificate, and
// the app's check of it. The fields are read by the `ssh-key` crate and the
// CA's signature is checked with aws-lc (src/keys/cert_check.rs); trust in
// the CA, the validity window and the principal are checked here.

const native = require('./binding');

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

function sshBlobOf(key, parseKey) {
  if (key && typeof key.getPublicSSH === 'function') return key.getPublicSSH();
  if (Buffer.isBuffer(key) || typeof key === 'string') {
    const parsed = parseKey(key);
    if (parsed && !(parsed instanceof Error) && !Array.isArray(parsed)) return parsed.getPublicSSH();
  }
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
  let now = opts.now === undefined ? Date.now() / 1000 : opts.now;
  if (now instanceof Date) now = now.getTime() / 1000;
  if (typeof now !== 'number' || Number.isNaN(now)) return new Error('now must be seconds or a Date');
  if (now < certificate.validAfter) return new Error('certificate not yet valid');
  if (now >= certificate.validBefore) return new Error('certificate expired');
  if (opts.principal !== undefined && certificate.principals.length > 0 && !certificate.principals.includes(String(opts.principal))) {
    return new Error(`principal "${opts.principal}" not in the certificate`);
  }
  return true;
}

module.exports = { readCertificate, verifyCertificate, blobAsLine };
