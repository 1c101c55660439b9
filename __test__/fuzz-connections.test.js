'use strict';
// A short, fixed-seed slice of the connection fuzzer (scripts/fuzz/
// connections.js; `npm run fuzz` runs it for 30 minutes with a random
// seed): whole connections of this package, each role attacked pre- and
// post-auth and over SFTP, must come through with nothing escaping, no
// victim left half-dead and no iteration running out of turns.

const test = require('node:test');
const assert = require('node:assert');
const { run } = require('../scripts/fuzz/connections');

test('connection fuzzer, 3000 iterations of seed 20261202: no failure', async () => {
  const lines = [];
  const res = await run({ seed: 20261202, iterations: 3000, out: (l) => lines.push(l) });
  assert.strictEqual(res.iterations, 3000);
  assert.deepStrictEqual(res.failures, [], lines.join('\n'));
  // Every mode ran, and some victims lived through the attack to be probed.
  for (const [mode, n] of Object.entries(res.counts)) assert.ok(n > 300, `${mode}: ${n}`);
  assert.ok(res.outcomes.probed > 150, `probed ${res.outcomes.probed}`);
  assert.ok(res.maxRssMb < 1024, `max RSS ${res.maxRssMb} MiB`);
});

// Iterations that found bugs, replayed alone (each iteration's case
// depends only on the seed and its number): data after the server's EOF
// reaching ssh2's ended stderr, after a bogus OPEN_FAILURE
// (hostile/data-after-eof.test.js has the minimal cases).
const FOUND = [{ seed: 12, from: 25167 }];

test('connection fuzzer: iterations that once failed pass', async () => {
  for (const { seed, from } of FOUND) {
    const lines = [];
    const res = await run({ seed, from, iterations: 1, out: (l) => lines.push(l) });
    assert.deepStrictEqual(res.failures, [], lines.join('\n'));
  }
});
