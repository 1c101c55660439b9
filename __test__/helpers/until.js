'use strict';

/** Resolves once `cond()` holds, checking on every event loop turn (fails after `ms`). */
async function until(cond, what, ms = 60000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

module.exports = { until };
