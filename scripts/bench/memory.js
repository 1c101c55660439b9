'use strict';
// Memory of idle connections: `node --expose-gc memory.js <impl> <pairs>`
// opens <pairs> authenticated client/server pairs with a session channel,
// then reports, per pair, the growth of the process's resident memory
// after gc() (kbPerPair: what a user pays, the engine's native allocations
// included) and of the JavaScript side alone (jsKbPerPair: heap, external
// and ArrayBuffer bytes, which leave out what Rust allocates), and the
// process's peak RSS in MB, 10^6 bytes (peakRssMB: getrusage's maxrss, so
// Node itself, the warm-up pair and the <pairs> pairs together).

const { connect } = require('./pair');

const [impl, count = '200'] = process.argv.slice(2);

function used() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const algorithms = {
    kex: ['curve25519-sha256@libssh.org'],
    serverHostKey: ['ssh-ed25519'],
    cipher: ['aes128-gcm@openssh.com'],
    hmac: ['hmac-sha2-256'],
  };
  await connect(impl, { algorithms }); // warm-up: module state is not per pair
  const before = used();
  const pairs = [];
  for (let i = 0; i < Number(count); i++) pairs.push(await connect(impl, { algorithms }));
  await new Promise((r) => setTimeout(r, 50));
  const after = used();
  const rss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
  const perPair = (bytes) => bytes / 1024 / pairs.length;
  process.stdout.write(
    JSON.stringify({
      impl,
      pairs: pairs.length,
      kbPerPair: perPair(after.rss - before.rss),
      jsKbPerPair: perPair(after.js - before.js),
      peakRssMB: rss / 1e6,
    }) + '\n'
  );
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
