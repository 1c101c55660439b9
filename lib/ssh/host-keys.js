// @ts-check
'use strict';
// A server's host keys as the native session takes them: [type, key] pairs
// of native key handles, from 0.4.10's `hostKeys` object (type -> parsed key
// or key data) or the seed API's `privateKey` + `passphrase`.

const keys = require('../keys');

function parsed(data, passphrase) {
  // parseKey gives an array for OpenSSH-format files; 0.4.10 took the first.
  if (Array.isArray(data)) data = data[0];
  if (data && typeof data.getPublicSSH === 'function') return data;
  const key = keys.parseKey(data, passphrase);
  if (key instanceof Error) throw new Error(`Cannot parse privateKey: ${key.message}`);
  return Array.isArray(key) ? key[0] : key;
}

function toNative(hostKeys) {
  if (hostKeys.privateKey !== undefined && Object.keys(hostKeys).every((k) => k === 'privateKey' || k === 'passphrase')) {
    const key = parsed(hostKeys.privateKey, hostKeys.passphrase);
    return [[key.type, keys.nativeHandle(key)]];
  }
  // ssh2's Server passes every type, with null for those it has no key for.
  return Object.keys(hostKeys)
    .filter((type) => hostKeys[type] !== null && hostKeys[type] !== undefined)
    .map((type) => [type, keys.nativeHandle(parsed(hostKeys[type]))]);
}

module.exports = { toNative };
