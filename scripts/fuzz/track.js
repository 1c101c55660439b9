'use strict';
// What a victim emitted at its end, for the invariants every target checks.

/** Records `emitter`'s 'error's and whether it emitted 'end' and 'close'. */
function track(emitter) {
  const st = { ended: false, closed: false, errors: [] };
  emitter.on('error', (e) => st.errors.push(e));
  emitter.on('end', () => (st.ended = true));
  emitter.on('close', () => (st.closed = true));
  return st;
}

module.exports = { track };
