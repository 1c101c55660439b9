// @ts-check
'use strict';
// Key objects with the shape of ssh2-streams@0.4.10's (type, comment, sign,
// verify, getPrivatePEM, getPublicPEM, getPublicSSH) over the native key
// parser, plus the seed README's decryptKey/genPublicKey.

const native = require('./binding');
const certificates = require('./certificate');

const NATIVE = Symbol('native key');
const PUBLIC_SSH = Symbol('public key blob');
const SOURCE = Symbol('encrypted key data');
const CERT = Symbol('certificate');

// The hash to use for data a stream asks an app to sign, or for a signature
// it received, when the algorithm is rsa-sha2-*: the app's plain
// key.sign(data) / key.verify(data, sig) then use it (README.md, rsa-sha2).
const taggedHash = new WeakMap();

/** Marks `buffer` (data to sign, or a received signature) with its hash. */
function tagHash(buffer, hash) {
  if (buffer && typeof buffer === 'object' && typeof hash === 'string') taggedHash.set(buffer, hash);
  return buffer;
}

// The signature algorithm a peer named for a signature it sent (user auth).
// verify() says false when this key cannot sign under that name, so a name
// the stream does not know (`__proto__`, say) never verifies (issue 16).
const signedAs = new WeakMap();
const CERT_SUFFIX = '-cert-v01@openssh.com';
const RSA_ALGOS = new Set(['ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512']);

/** Marks a received `signature` with the algorithm name the peer gave it. */
function tagAlgorithm(signature, algo) {
  if (signature && typeof signature === 'object' && typeof algo === 'string') signedAs.set(signature, algo);
  return signature;
}

const baseName = (name) => (name.endsWith(CERT_SUFFIX) ? name.slice(0, -CERT_SUFFIX.length) : name);

/** Whether a key of `keyType` signs under signature algorithm `algo`. */
function signsAs(keyType, algo) {
  const type = baseName(String(keyType));
  const base = baseName(algo);
  return type === 'ssh-rsa' ? RSA_ALGOS.has(base) : base === type;
}

/**
 * The hash name for the native key, always a string or undefined: anything
 * else would throw out of N-API's conversion rather than give false or an
 * Error (issue 16). A hash that is not a string counts as not given.
 */
function hashFor(explicit, tagged) {
  if (typeof explicit === 'string') return explicit;
  return tagged && typeof tagged === 'object' ? taggedHash.get(tagged) : undefined;
}

function toBuffer(data) {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

class ParsedKey {
  constructor(handle) {
    this.type = handle.type;
    this.comment = handle.comment;
    Object.defineProperty(this, NATIVE, { value: handle, writable: true });
  }

  /** A signature of `data` in 0.4.10's form, or an Error. */
  sign(data, hash) {
    const buf = toBuffer(data);
    if (!buf) return new Error('data must be a Buffer or string');
    if (!this[NATIVE].isPrivate()) return new Error('No private key available');
    try {
      return this[NATIVE].sign(buf, hashFor(hash, data));
    } catch (err) {
      return err;
    }
  }

  /** Whether `signature` is this key's signature of `data`, or an Error. */
  verify(data, signature, hash) {
    const buf = toBuffer(data);
    const sig = toBuffer(signature);
    if (!buf || !sig) return new Error('data and signature must be Buffers or strings');
    const algo = typeof signature === 'object' ? signedAs.get(signature) : undefined;
    if (algo !== undefined && !signsAs(this.type, algo)) return false;
    try {
      return this[NATIVE].verify(buf, sig, hashFor(hash, signature));
    } catch (err) {
      return err;
    }
  }

  isPrivateKey() {
    return this[NATIVE].isPrivate();
  }

  getPrivatePEM() {
    const pem = this[NATIVE].privatePem();
    return pem === undefined ? null : pem;
  }

  getPublicPEM() {
    return this[NATIVE].publicPem();
  }

  getPublicSSH() {
    if (!this[PUBLIC_SSH]) Object.defineProperty(this, PUBLIC_SSH, { value: this[NATIVE].publicSsh(), writable: true });
    return this[PUBLIC_SSH];
  }

  /** Whether this is an OpenSSH certificate given as a line or blob. */
  isCertificate() {
    return this[CERT] !== undefined;
  }

  /**
   * For a certificate: true when one of `caKeys` signed it and it is valid
   * now for `principal`, else an Error naming the reason (lib/certificate.js).
   */
  verifyCertificate(caKeys, options) {
    if (this[CERT] === undefined) return new Error('not a certificate');
    return certificates.verifyCertificate(this[CERT], caKeys, options, parseKey);
  }

  equals(other) {
    if (!(other instanceof ParsedKey)) {
      const parsed = parseKey(other);
      if (parsed instanceof Error || Array.isArray(parsed)) return false;
      other = parsed;
    }
    return this[NATIVE].equals(other[NATIVE]);
  }
}

/**
 * 0.4.10's parseKey: a key object, an array of them (OpenSSH-format private
 * key files), or an Error (returned, not thrown).
 */
function parseKey(data, passphrase) {
  let buf;
  if (Buffer.isBuffer(data)) buf = data;
  else if (typeof data === 'string') buf = Buffer.from(data);
  else return new Error('Key data must be a Buffer or string');

  // As 0.4.10: null and undefined both mean no passphrase.
  if (passphrase != null) {
    if (typeof passphrase === 'string') passphrase = Buffer.from(passphrase);
    else if (!Buffer.isBuffer(passphrase)) return new Error('Passphrase must be a string or Buffer when supplied');
  } else {
    passphrase = undefined;
  }

  let result = native.parseKey(buf, passphrase);
  // A certificate's wire blob (ctx.key.data of a publickey request) reads
  // as its OpenSSH line would; other binary input fails as before.
  // A blob that does not read as a certificate keeps the first error.
  const asLine = result.error !== undefined ? certificates.blobAsLine(buf) : null;
  if (asLine) {
    const fromLine = native.parseKey(asLine, undefined);
    if (fromLine.error === undefined) result = fromLine;
  }
  if (result.error !== undefined) {
    const err = new Error(result.error);
    // Keeps what the seed API's decryptKey needs to finish the job.
    if (/no passphrase given/.test(result.error)) Object.defineProperty(err, SOURCE, { value: buf });
    return err;
  }
  const keys = result.keys.map((k) => new ParsedKey(k));
  if (result.many) return keys;
  const key = keys[0];
  // A certificate line or blob (what a publickey request carries) still
  // reads as the key it certifies, and says what it is (issue 19).
  // (Only data that names a certificate type can hold one: most keys skip
  // readCertificate's text split.)
  if (buf.includes(CERT_SUFFIX) && !key.isPrivateKey()) {
    const cert = certificates.readCertificate(buf, parseKey);
    if (cert) {
      Object.defineProperty(key, CERT, { value: cert });
      Object.defineProperty(key, 'certificate', { value: cert.certificate, enumerable: false });
    }
  }
  return key;
}

/**
 * The seed README's decryptKey(parsed, passphrase): decrypts, in place, what
 * parseKey gave for an encrypted key without a passphrase. The object
 * becomes the key; it is also returned. Throws when the passphrase is wrong.
 */
function decryptKey(parsed, passphrase) {
  if (parsed instanceof ParsedKey) return parsed;
  const source = parsed && parsed[SOURCE];
  if (!source) throw new Error('decryptKey takes what parseKey returned for an encrypted key');
  let key = parseKey(source, passphrase);
  if (key instanceof Error) throw key;
  if (Array.isArray(key)) key = key[0];
  delete parsed.message;
  delete parsed.stack;
  Object.setPrototypeOf(parsed, ParsedKey.prototype);
  parsed.type = key.type;
  parsed.comment = key.comment;
  Object.defineProperty(parsed, NATIVE, { value: key[NATIVE], writable: true });
  return parsed;
}

/** The seed README's genPublicKey(parsed): the public half, as parseKey gives it. */
function genPublicKey(parsed) {
  if (!(parsed instanceof ParsedKey)) throw new Error('genPublicKey takes a key parseKey returned');
  return new ParsedKey(parsed[NATIVE].toPublic());
}

/** The native key behind a key object, for the native session (host keys). */
function nativeHandle(key) {
  if (!(key instanceof ParsedKey)) throw new Error('not a key returned by parseKey');
  return key[NATIVE];
}

/** A fresh private key object (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa). */
function generateKey(type, bits) {
  return new ParsedKey(native.generateKey(type, bits));
}

module.exports = { parseKey, decryptKey, genPublicKey, tagHash, tagAlgorithm, nativeHandle, generateKey, ParsedKey };
