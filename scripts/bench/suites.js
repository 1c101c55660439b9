'use strict';
// The cipher suites of the raw rows, shared by bench.js (which names the
// rows) and primitives.js (which measures their crypto per packet): each
// [cipher, mac], with '-' for an AEAD cipher's implicit MAC, as raw.js
// takes it on its command line.

const RAW_SUITES = [
  ['aes128-gcm@openssh.com', '-'],
  ['aes128-ctr', 'hmac-sha2-256'],
  ['aes128-ctr', 'hmac-sha2-256-etm@openssh.com'],
  ['aes256-ctr', 'hmac-sha2-512'],
  ['chacha20-poly1305@openssh.com', '-'],
];

/** How a row names a suite: the cipher, then ' + ' and the MAC if it has one. */
const suiteLabel = (cipher, mac) => (mac === '-' ? cipher : `${cipher} + ${mac}`);

module.exports = { RAW_SUITES, suiteLabel };
