#!/usr/bin/env node
'use strict';
// `npm run bench [-- --quick] [-- --only <substring>]`: each figure for this
// package and for ssh2-streams@0.4.10 in the same run, interleaved, each
// measurement in a fresh child process; prints medians with min-max and the
// ratio ours/original, and writes bench/results.json. Where it is a useful
// anchor, ssh2@1.17.0's own protocol layer ('v1', scripts/bench/v1-pair.js)
// runs the same raw and handshake figures in the same run.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const reps = quick ? 3 : 5;
const rawMiB = quick ? 64 : 256;
const handshakes = quick ? 30 : 100;

const IMPLS = ['orig', 'ours', 'v1'];
const W = path.join(__dirname, 'bench');

// Each row: a name, how to run it for an implementation (or null where that
// implementation has no such algorithm), the figure to read and whether more is better.
const rows = [];
for (const [cipher, hmac] of [
  ['aes128-gcm@openssh.com', '-'],
  ['aes128-ctr', 'hmac-sha2-256'],
  ['aes128-ctr', 'hmac-sha2-256-etm@openssh.com'],
  ['aes256-ctr', 'hmac-sha2-512'],
  ['chacha20-poly1305@openssh.com', '-'],
]) {
  const label = hmac === '-' ? cipher : `${cipher} + ${hmac}`;
  const origHas = !/etm|chacha/.test(label);
  const v1Has = !/etm|sha2-512/.test(label);
  const cmd = (impl) =>
    impl === 'ours' || (impl === 'orig' && origHas) || (impl === 'v1' && v1Has)
      ? ['raw.js', impl, cipher, hmac, String(rawMiB)]
      : null;
  rows.push({ name: `raw MB/s, ${label}`, cmd, field: 'mbps', higher: true });
  if (cipher.startsWith('aes128-gcm'))
    rows.push({ name: `raw CPU s/GiB, ${label}`, cmd, field: 'cpuSecPerGiB', higher: false });
}
for (const [kex, ours, orig] of [
  ['curve25519-sha256@libssh.org', 'ssh-ed25519', 'ssh-ed25519'],
  ['ecdh-sha2-nistp256', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256'],
  ['curve25519-sha256@libssh.org', 'rsa-sha2-256', 'ssh-rsa'],
]) {
  rows.push({
    name: `handshakes/s, ${kex.replace('@libssh.org', '')} + ${ours}`,
    cmd: (impl) => ['handshake.js', impl, kex, impl === 'orig' ? orig : ours, String(handshakes)],
    field: 'perSecond',
    higher: true,
  });
}
rows.push({
  name: `ssh2@0.8.9 exec over TCP MB/s (${rawMiB} MiB)`,
  cmd: (impl) => (impl === 'v1' ? null : ['tcp-exec.js', impl, String(rawMiB)]),
  field: 'mbps',
  higher: true,
});
for (const direction of ['get', 'put']) {
  rows.push({
    name: `ssh2@0.8.9 SFTP fast${direction === 'get' ? 'Get' : 'Put'} over TCP MB/s (${rawMiB} MiB)`,
    cmd: (impl) => (impl === 'v1' ? null : ['sftp.js', impl, direction, String(rawMiB)]),
    field: 'mbps',
    higher: true,
  });
}
rows.push({
  name: 'memory KB per idle pair',
  cmd: (impl) => (impl === 'v1' ? null : ['memory.js', impl, '200']),
  node: ['--expose-gc'],
  field: 'kbPerPair',
  higher: false,
});

function runOne(row, impl) {
  const cmd = row.cmd(impl);
  if (!cmd) return { skipped: true };
  const [script, ...rest] = cmd;
  const r = spawnSync(process.execPath, [...(row.node || []), path.join(W, script), ...rest], {
    encoding: 'utf8',
    timeout: 300000,
  });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0] };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: `unreadable output: ${r.stdout.slice(0, 200)}` };
  }
}

function stats(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

const selected = rows.filter((r) => !only || r.name.includes(only));
const results = selected.map((row) => ({ row, samples: { orig: [], ours: [], v1: [] }, errors: { orig: null, ours: null, v1: null } }));
for (let rep = 0; rep < reps; rep++) {
  for (const res of results) {
    // Alternate which implementation goes first so drift hits both alike.
    const order = rep % 2 ? [...IMPLS].reverse() : IMPLS;
    for (const impl of order) {
      if (res.errors[impl] && rep > 0) continue;
      const out = runOne(res.row, impl);
      if (out.skipped) res.errors[impl] = 'n/a';
      else if (out.error) res.errors[impl] = out.error;
      else res.samples[impl].push(out[res.row.field]);
    }
  }
  process.stderr.write(`bench: repetition ${rep + 1}/${reps} done\n`);
}

const fmt = (s) => (s ? `${s.median.toFixed(s.median < 10 ? 2 : 0)} [${s.min.toFixed(s.min < 10 ? 2 : 0)}-${s.max.toFixed(s.max < 10 ? 2 : 0)}]` : null);
const table = results.map(({ row, samples, errors }) => {
  const o = stats(samples.orig);
  const u = stats(samples.ours);
  const v = stats(samples.v1);
  const ratio = (base) => (base && u ? `${(u.median / base.median).toFixed(2)}x` : '-');
  return {
    figure: row.name,
    original: fmt(o) || errors.orig || '-',
    ours: fmt(u) || errors.ours || '-',
    ratio: ratio(o),
    v1: fmt(v) || errors.v1 || '-',
    ratioV1: ratio(v),
    stats: { orig: o, ours: u, v1: v },
  };
});

const header = ['figure', 'ssh2-streams@0.4.10 median [min-max]', 'ours median [min-max]', 'ours/0.4.10', 'ssh2@1.17.0 protocol', 'ours/1.17.0'];
const lines = table.map((t) => [t.figure, t.original, t.ours, t.ratio, t.v1, t.ratioV1]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).slice(0, 60).length)));
const out = [header, widths.map((w) => '-'.repeat(w)), ...lines]
  .map((l) => '| ' + l.map((c, i) => String(c).slice(0, 60).padEnd(widths[i])).join(' | ') + ' |')
  .join('\n');
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  reps,
  quick,
};
console.log(`${meta.date}, Node ${meta.node}, ${meta.cpu} x${meta.cores}, ${reps} runs each${quick ? ' (quick)' : ''}`);
console.log(out);
fs.mkdirSync(path.join(__dirname, '..', 'bench'), { recursive: true });
fs.writeFileSync(path.join(__dirname, '..', 'bench', 'results.json'), JSON.stringify({ meta, table }, null, 2) + '\n');
