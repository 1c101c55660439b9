// @ts-check
'use strict';
// Which C library this Linux runs on, for the platform triple (gnu or musl).

const { readFileSync } = require('fs');

/**
 * What the text of /usr/bin/ldd says of the C library: true for musl,
 * false for glibc, null when it names neither. glibc's ldd is a script
 * that names "GNU C Library"; musl's runs /lib/ld-musl-<arch>.so.1.
 */
function lddSaysMusl(text) {
  if (/musl/i.test(text)) return true;
  if (/GNU C Library|glibc/i.test(text)) return false;
  return null;
}

/** Node's own diagnostic report: authoritative, but it takes ~5 ms to build. */
function reportSaysMusl() {
  // @types/node says only `object`; the header is documented (node:report).
  /** @type {{ header?: { glibcVersionRuntime?: string } } | null} */
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  return !(report && report.header && report.header.glibcVersionRuntime);
}

/**
 * Whether this Linux runs on musl. ldd's text answers in well under a
 * millisecond; only when it is missing or names neither library is the
 * report built, which every process that requires this package would
 * otherwise pay at start-up.
 */
function isMusl() {
  if (process.platform !== 'linux') return false;
  let fromLdd = null;
  try {
    fromLdd = lddSaysMusl(readFileSync('/usr/bin/ldd', 'latin1'));
  } catch {
    // No ldd (a slim container): the report decides.
  }
  return fromLdd !== null ? fromLdd : reportSaysMusl();
}

module.exports = { isMusl, lddSaysMusl, reportSaysMusl };
