// @ts-check
'use strict';
// Buffers the engine made for received bytes: each is filled once and never
// written again, so a view of one may be kept after the write that brought
// it has called back. fastGet writes a DATA reply's bytes to the local file
// from where they were decrypted, where a copy into its own buffer cost ~6%
// of the client's JS thread. Any other chunk an SFTPStream is given may be
// reused by its writer once the write calls back (Node's streams allow
// that), so bytes kept from it are copied.

/**
 * Set on the ArrayBuffer under each: a property of a Symbol private to this
 * module, ~0.1 us per Buffer, where a WeakSet's add measured ~0.4 us (and
 * more for the GC's ephemeron table), 1.4% of fastGet's JS thread.
 */
const FRESH = Symbol('received by the engine');

/** @param {Buffer} buf a Buffer the engine made (its ArrayBuffer is its own) */
function markFresh(buf) {
  /** @type {any} */ (buf.buffer)[FRESH] = true;
}

/** @param {Buffer} buf @returns {boolean} whether `buf` is a view of one the engine made */
function isFresh(buf) {
  return /** @type {any} */ (buf.buffer)[FRESH] === true;
}

module.exports = { markFresh, isFresh };
