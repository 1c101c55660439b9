// @ts-check
'use strict';
// The `@cert-authority` and `@revoked` lines of an OpenSSH known_hosts text
// (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT), for checking a host certificate:
// which CA keys a host trusts, and which keys are revoked. Host patterns
// are matched as ssh(1) matches them: comma-separated, `*` and `?`
// wildcards, `!` negation, hashed `|1|salt|hash` entries, and the
// `[host]:port` form for a port other than 22.

const crypto = require('crypto');

/** The name ssh(1) looks a host up under. */
function lookupName(hostname, port) {
  const host = String(hostname).toLowerCase();
  return port === undefined || port === null || Number(port) === 22 ? host : `[${host}]:${Number(port)}`;
}

/** OpenSSH's match_pattern: `*` any run, `?` any one character. */
function globMatch(pattern, s) {
  let p = 0;
  let i = 0;
  let star = -1;
  let mark = 0;
  while (i < s.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === s[i])) {
      p++;
      i++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = i;
    } else if (star !== -1) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A hashed known_hosts name (`|1|base64 salt|base64 HMAC-SHA1`) for `name`. */
function hashedMatch(entry, name) {
  const parts = entry.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  const got = crypto.createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && crypto.timingSafeEqual(want, got);
}

/** Whether a known_hosts host field matches `name` (a negated match wins). */
function hostsMatch(field, name) {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (pattern && globMatch(pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The key blob of a known_hosts key (type and base64), or null. */
function keyBlob(type, b64) {
  if (!type || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return null;
  const blob = Buffer.from(b64, 'base64');
  if (blob.length < 4 || blob.readUInt32BE(0) !== Buffer.byteLength(type) || blob.toString('latin1', 4, 4 + blob.readUInt32BE(0)) !== type) return null;
  return blob;
}

/** Whether `text` is known_hosts text with marker lines (rather than one key). */
function hasMarkers(text) {
  return /^\s*@(?:cert-authority|revoked)\s/m.test(text);
}

/**
 * The CA key blobs of the `@cert-authority` lines whose hosts match
 * `hostname` (and `port`), and the blobs of every `@revoked` line that
 * matches: { authorities: Buffer[], revoked: Buffer[] }.
 */
function markersFor(text, hostname, port) {
  const name = lookupName(hostname, port);
  const authorities = [];
  const revoked = [];
  for (const line of String(text).split(/\r?\n/)) {
    const words = line.trim().split(/\s+/);
    const list = words[0] === '@cert-authority' ? authorities : words[0] === '@revoked' ? revoked : null;
    if (!list || words.length < 4 || !hostsMatch(words[1], name)) continue;
    const blob = keyBlob(words[2], words[3]);
    if (blob) list.push(blob);
  }
  return { authorities, revoked };
}

module.exports = { markersFor, hasMarkers, hostsMatch, globMatch, lookupName };
