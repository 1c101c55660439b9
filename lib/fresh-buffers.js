// @ts-check
'use strict';
// Buffers the engine made for received bytes: each is filled once and never
// written again, so a view of one may be kept after the write that brought
// it has called back. fastGet writes a DATA reply's bytes to the local file
// from where they were decrypted, where a copy into its own buffer cost ~6%
// of the client's JS thread. Any other chunk an SFTPStream is given may be
// reused by its writer once the write calls back (Node's streams allow
// that), so bytes kept from it are copied.

/** The ArrayBuffers under the engine's received-bytes Buffers. */
const fresh = new WeakSet();

/** @param {Buffer} buf a Buffer the engine made (its ArrayBuffer is its own) */
function markFresh(buf) {
  fresh.add(buf.buffer);
}

/** @param {Buffer} buf @returns {boolean} whether `buf` is a view of one the engine made */
function isFresh(buf) {
  return fresh.has(buf.buffer);
}

module.exports = { markFresh, isFresh };
