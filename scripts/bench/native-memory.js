'use strict';
// Where an idle connection's memory goes: `node scripts/bench/native-memory.js [pairs]`
// builds the addon with the `alloc-count` feature (a counting global
// allocator, kept out of normal builds), then opens <pairs> (default 200)
// authenticated pairs of this package as memory.js's headline does (20
// warm-up pairs, V8's young generation held at one size) and prints, per
// pair: the process's RSS growth after gc(), V8's heap (committed and
// used), malloc's main arena (the [heap] mapping of /proc/self/smaps, which
// Rust's and aws-lc's small allocations share with Node's C++), and the
// bytes the Rust engine itself holds (the counting allocator; aws-lc's own
// C allocations are not in it).

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'target', 'alloc-count.node');

function build() {
  const cargo = process.env.CARGO || 'cargo';
  const r = spawnSync(cargo, ['build', '--release', '--locked', '--features', 'alloc-count'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('cargo build --features alloc-count failed');
  const lib = ['libssh2_streams_native.so', 'libssh2_streams_native.dylib', 'ssh2_streams_native.dll']
    .map((f) => path.join(ROOT, 'target', 'release', f))
    .find((f) => fs.existsSync(f));
  if (!lib) throw new Error('the built library is missing');
  fs.copyFileSync(lib, OUT);
}

/** RSS of the [heap] mapping (malloc's main arena), in bytes. */
function mallocArena() {
  let kb = 0;
  let inHeap = false;
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
    else if (inHeap && line.startsWith('Rss:')) kb += parseInt(line.split(/\s+/)[1], 10);
  }
  return kb * 1024;
}

async function measure(count) {
  const native = require('../../lib/binding');
  const { connect } = require('./pair');
  const algorithms = { kex: ['curve25519-sha256@libssh.org'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-gcm@openssh.com'], hmac: ['hmac-sha2-256'] };
  const sample = () => {
    global.gc();
    global.gc();
    const m = process.memoryUsage();
    return { rss: m.rss, v8Committed: m.heapTotal, v8Used: m.heapUsed, mallocArena: mallocArena(), engine: native._engineHeapBytes() };
  };
  for (let i = 0; i < 20; i++) await connect('ours', { algorithms }); // warm-up, as memory.js
  const before = sample();
  const pairs = [];
  for (let i = 0; i < count; i++) pairs.push(await connect('ours', { algorithms }));
  await new Promise((r) => setTimeout(r, 50));
  const after = sample();
  const perPair = {};
  for (const k of Object.keys(before)) perPair[k] = Math.round(((after[k] - before[k]) / 1024 / count) * 10) / 10;
  process.stdout.write(JSON.stringify({ pairs: count, kbPerPair: perPair }) + '\n');
}

if (process.argv[2] === '--child') {
  measure(Number(process.argv[3])).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err.stack || err}\n`);
      process.exit(1);
    }
  );
} else {
  const count = process.argv[2] || '200';
  build();
  // V8's young generation held at one size, as memory.js's headline does.
  const r = spawnSync(process.execPath, ['--expose-gc', '--min-semi-space-size=1', '--max-semi-space-size=1', __filename, '--child', count], {
    stdio: 'inherit',
    env: { ...process.env, SSH2_STREAMS_NATIVE_BINARY: OUT },
  });
  process.exit(r.status);
}
