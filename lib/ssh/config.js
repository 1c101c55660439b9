// @ts-check
'use strict';
// SSH2Stream's constructor config: 0.4.10's keys and validation errors,
// turned into the plain object the native session takes.

const MODULE_VER = require('../../package.json').version;

const DEFAULT_HIGH_WATER_MARK = 32 * 1024;
// 0.4.10's default: the smallest maximum RFC 4253 lets a peer assume.
const DEFAULT_MAX_PACKET_SIZE = 35000;

const ALGORITHM_KEYS = ['kex', 'serverHostKey', 'cipher', 'hmac', 'compress'];

// Whole lines, made once: every stream keeps its ident (config.ident).
const DEFAULT_CLIENT_IDENT = `SSH-2.0-ssh2js${MODULE_VER}`;
const DEFAULT_SERVER_IDENT = `SSH-2.0-ssh2js${MODULE_VER}srv`;

const isString = (v) => typeof v === 'string';

// rekeyLimit, OpenSSH's RekeyLimit: bytes, or a count with a K, M, G or T
// suffix (powers of 1024). OpenSSH refuses 1 to 15 ("RekeyLimit too small");
// 0 and 'default' keep the cipher's own limit (src/transport/rekey_limit.rs).
const MIN_REKEY_LIMIT = 16;
const REKEY_SCALE = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
const REKEY_FORM = /^(\d{1,16})([KMGT]?)$/i;

/** Appends CR LF unless the text already ends with it (0.4.10's greeting/banner rule). */
function withCrlf(text) {
  return text.slice(-2) === '\r\n' ? text : `${text}\r\n`;
}

/** The rekeyLimit config key in bytes, or undefined for the default; throws a TypeError. */
function rekeyLimitOf(value) {
  if (value === undefined || value === null || value === 'default') return undefined;
  let bytes = NaN;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const m = REKEY_FORM.exec(value.trim());
    if (m) bytes = Number(m[1]) * REKEY_SCALE[m[2].toUpperCase()];
  }
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new TypeError("rekeyLimit must be a number of bytes or a size like '1G', '500M' or '64K'");
  }
  if (bytes === 0) return undefined;
  if (bytes < MIN_REKEY_LIMIT) throw new TypeError(`rekeyLimit too small: ${bytes} bytes (the least is ${MIN_REKEY_LIMIT}, as in OpenSSH)`);
  return bytes;
}

/**
 * Validates `cfg` as 0.4.10 does and returns
 * { server, highWaterMark, maxPacketSize, rekeyLimit, debug, ident, greeting, banner, algorithms, hostKeys }.
 * `algorithms` holds only the lists the app set (the engine fills in defaults).
 */
function normalize(cfg, noop) {
  if (typeof cfg !== 'object' || cfg === null) cfg = {};
  const server = cfg.server === true;
  const out = {
    server,
    highWaterMark: typeof cfg.highWaterMark === 'number' ? cfg.highWaterMark : DEFAULT_HIGH_WATER_MARK,
    maxPacketSize: typeof cfg.maxPacketSize === 'number' ? cfg.maxPacketSize : DEFAULT_MAX_PACKET_SIZE,
    rekeyLimit: rekeyLimitOf(cfg.rekeyLimit),
    debug: typeof cfg.debug === 'function' ? cfg.debug : noop,
    greeting: undefined,
    banner: undefined,
    algorithms: {},
    hostKeys: undefined,
  };

  let hostKeys = cfg.hostKeys;
  // The seed API: one host key given as `privateKey` (+ `passphrase`).
  if (server && (typeof hostKeys !== 'object' || hostKeys === null) && cfg.privateKey !== undefined) {
    hostKeys = { privateKey: cfg.privateKey, passphrase: cfg.passphrase };
  }
  if (server && (typeof hostKeys !== 'object' || hostKeys === null))
    throw new Error('hostKeys must be an object keyed on host key type');
  out.hostKeys = hostKeys;

  // RFC 4253: the identification string must not contain NUL.
  let ident = cfg.ident ? `SSH-2.0-${cfg.ident}` : server ? DEFAULT_SERVER_IDENT : DEFAULT_CLIENT_IDENT;
  if (ident.includes('\0')) ident = ident.split('\0').join('');
  if (ident.length + 2 > 255) throw new Error('ident too long');
  out.ident = ident;

  const algos = cfg.algorithms;
  if (typeof algos === 'object' && algos !== null) {
    for (const key of ALGORITHM_KEYS) {
      const list = algos[key];
      // The app's own array when it holds names already (0.4.10 kept it
      // so too): a server's streams all share its config's lists.
      if (Array.isArray(list) && list.length > 0) out.algorithms[key] = list.every(isString) ? list : list.map(String);
    }
  }

  if (server) {
    if (typeof cfg.greeting === 'string' && cfg.greeting.length) out.greeting = withCrlf(cfg.greeting);
    if (typeof cfg.banner === 'string' && cfg.banner.length) out.banner = withCrlf(cfg.banner);
  }
  return out;
}

module.exports = { normalize, DEFAULT_MAX_PACKET_SIZE };
