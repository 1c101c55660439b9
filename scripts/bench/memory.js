'use strict';
// Memory of idle connections: `node memory.js <impl> <pairs>` opens <pairs>
// authenticated client/server pairs with a session channel and reports,
// per pair, the growth of the process's resident memory after gc()
// (kbPerPair: what a user pays, the engine's native allocations included)
// and of the JavaScript side alone (jsKbPerPair: heap, external and
// ArrayBuffer bytes, which leave out what Rust allocates), and the peak RSS
// in MB, 10^6 bytes (peakRssMB: getrusage's maxrss, so Node itself, the
// warm-up pairs and the <pairs> pairs together).
//
// The same procedure for every implementation, in a child process each:
// - WARM_UP pairs are opened before the first sample. One pair was not
//   enough: V8 compiles a function's faster tiers only after many calls,
//   and Node's own code pages are faulted in on first use, so one-time
//   costs of the process landed in the per-pair figure (with one warm-up
//   pair, ours measured 28 KB per pair over 200 pairs and 21 over 400).
// - V8's young generation is held at one size (1 MB semi-spaces). After
//   gc() it is empty: it holds no pair, but V8 doubles it as allocation
//   survives, in steps bounded by --max-semi-space-size, so over 200 pairs
//   one doubling (4 MB, 20 KB "per pair") came or not depending on the
//   run's length and garbage. The default sizing is still measured, in a
//   second child, and reported as kbPerPairDefaultHeap.

const { spawnSync } = require('child_process');

const WARM_UP = 20;
const PINNED_YOUNG = ['--min-semi-space-size=1', '--max-semi-space-size=1'];

function used() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
}

async function measure(impl, count) {
  const { connect } = require('./pair');
  const algorithms = {
    kex: ['curve25519-sha256@libssh.org'],
    serverHostKey: ['ssh-ed25519'],
    cipher: ['aes128-gcm@openssh.com'],
    hmac: ['hmac-sha2-256'],
  };
  // Module state and the process's one-time costs are not per pair.
  for (let i = 0; i < WARM_UP; i++) await connect(impl, { algorithms });
  const before = used();
  const pairs = [];
  for (let i = 0; i < count; i++) pairs.push(await connect(impl, { algorithms }));
  await new Promise((r) => setTimeout(r, 50));
  const after = used();
  const perPair = (bytes) => bytes / 1024 / pairs.length;
  return {
    pairs: pairs.length,
    kbPerPair: perPair(after.rss - before.rss),
    jsKbPerPair: perPair(after.js - before.js),
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6, // maxRSS is in KiB
  };
}

/** Runs the measurement in a child with `flags`; its JSON result. */
function child(flags, impl, count) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...flags, __filename, '--child', impl, count], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error((r.stderr || `exit ${r.status ?? r.signal}`).trim());
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

if (process.argv[2] === '--child') {
  measure(process.argv[3], Number(process.argv[4])).then(
    (out) => {
      process.stdout.write(JSON.stringify(out) + '\n');
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`${err.stack || err}\n`);
      process.exit(1);
    }
  );
} else {
  try {
    const [impl, count = '200'] = process.argv.slice(2);
    const pinned = child(PINNED_YOUNG, impl, count);
    const defaults = child([], impl, count);
    process.stdout.write(
      JSON.stringify({
        impl,
        pairs: pinned.pairs,
        kbPerPair: pinned.kbPerPair,
        jsKbPerPair: pinned.jsKbPerPair,
        peakRssMB: pinned.peakRssMB,
        kbPerPairDefaultHeap: defaults.kbPerPair,
        jsKbPerPairDefaultHeap: defaults.jsKbPerPair,
        peakRssMBDefaultHeap: defaults.peakRssMB,
      }) + '\n'
    );
  } catch (err) {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  }
}
