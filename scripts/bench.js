#!/usr/bin/env node
'use strict';
// `npm run bench [-- --quick] [-- --only <substring>]`: each figure for this
// package and for ssh2-streams@0.4.10 in the same run, interleaved, each
// measurement in a fresh child process; prints medians with min-max and the
// ratio ours/original, and writes bench/results.json. Where it is a useful
// anchor, ssh2@1.17.0's own protocol layer ('v1', scripts/bench/v1-pair.js)
// runs the same raw and handshake figures in the same run, and OpenSSH's own
// ssh/sftp against its own sshd ('openssh', scripts/bench/openssh.js) the
// same transfers as the TCP rows. The raw rows also run with no SSH at all
// ('link', scripts/bench/link-pair.js): the harness alone, the ceiling of
// any protocol layer there. Every transfer checks the bytes that
// arrived; a worker that fails (a check included) shows as an error in its
// cell and makes this script exit non-zero.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spread } = require('./bench/spread');
const { RAW_SUITES, suiteLabel } = require('./bench/suites');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const reps = quick ? 3 : 5;
const rawMiB = quick ? 64 : 256;
const execMiB = quick ? 64 : 256;
const sftpMiB = quick ? 64 : 128;
const handshakes = quick ? 30 : 200;
// Untimed connections first, the same for every implementation: the rows
// give the rate of a process already serving (V8 has compiled the hot
// code); the first-connection row gives the cold start. After 50 neither
// this package nor ssh2@1.17.0 was there yet: measured 2026-12-03 (ecdsa,
// 200 timed), ours ran ~1,100-1,250/s after 50, ~1,400 after 150, ~1,660
// after 400 and ~1,700 after 1,000; ssh2@1.17.0 ~460, ~510, ~530, ~575.
const handshakeWarmUp = quick ? 10 : 1000;
// The TCP rows pin one cipher for every column: left to their defaults,
// 0.4.10 negotiates aes128-ctr + hmac-sha2-256 and this package (like
// OpenSSH) chacha20-poly1305, which would compare ciphers, not
// implementations. AES-GCM is the one all of them have, and the fastest.
const TCP_CIPHER = 'aes128-gcm@openssh.com';
const TCP_HMAC = '-'; // implicit in an AEAD cipher

const IMPLS = ['orig', 'ours', 'v1', 'openssh', 'link'];
const W = path.join(__dirname, 'bench');

// Each row: a name, how to run it for an implementation (or null where that
// implementation has no such algorithm), the figure to read and whether more is better.
const rows = [];
for (const [cipher, hmac] of RAW_SUITES) {
  const label = suiteLabel(cipher, hmac);
  const origHas = !/etm|chacha/.test(label);
  // ssh2@1.17 has every one of these (etm and SHA-512 MACs included).
  const cmd = (impl) =>
    impl === 'ours' || impl === 'v1' || (impl === 'orig' && origHas)
      ? ['raw.js', impl, cipher, hmac, String(rawMiB)]
      : impl === 'link'
        ? ['raw.js', 'link', '-', '-', String(rawMiB)] // one run per repetition serves every raw row
        : null;
  rows.push({ name: `raw MB/s, ${label}`, cmd, field: 'mbps', higher: true });
  if (cipher.startsWith('aes128-gcm'))
    rows.push({ name: `raw CPU s/GiB, ${label}`, cmd, field: 'cpuSecPerGiB', higher: false });
}
// Each implementation's default algorithms on both sides: the path a user
// who names none takes (ours and ssh2@1.17 order the ciphers by the CPU;
// 0.4.10 negotiates aes128-ctr + hmac-sha2-256).
rows.push({
  name: 'raw MB/s, default algorithms (each its own)',
  cmd: (impl) => (impl === 'ours' || impl === 'orig' || impl === 'v1' ? ['raw.js', impl, 'default', '-', String(rawMiB)] : null),
  field: 'mbps',
  higher: true,
});
for (const [kex, ours, orig] of [
  ['curve25519-sha256@libssh.org', 'ssh-ed25519', 'ssh-ed25519'],
  ['ecdh-sha2-nistp256', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256'],
  ['curve25519-sha256@libssh.org', 'rsa-sha2-256', 'ssh-rsa'],
]) {
  rows.push({
    name: `handshakes/s, ${kex.replace('@libssh.org', '')} + ${ours}`,
    cmd: (impl) => (impl === 'openssh' || impl === 'link' ? null : ['handshake.js', impl, kex, impl === 'orig' ? orig : ours, String(handshakes), String(handshakeWarmUp)]),
    field: 'perSecond',
    higher: true,
  });
}
rows.push({
  name: 'first connection of a fresh process, ms (load, key, handshake)',
  cmd: (impl) => (impl === 'openssh' || impl === 'link' ? null : ['first-connection.js', impl]),
  field: 'ms',
  higher: false,
});
// The TCP rows: ssh2@0.8.9's Client and Server in two processes on either
// protocol layer; in the OpenSSH column ssh (or sftp) and sshd move the same
// amount with the same cipher, timed the same way (see scripts/bench/openssh.js).
const tcpLabel = suiteLabel(TCP_CIPHER, TCP_HMAC);
/**
 * A TCP row: ours and 0.4.10 run `worker` with `args` after the
 * implementation; the OpenSSH column moves the same `mode` and MiB.
 */
function tcpRow(name, worker, args, mode, mib, field = 'mbps', tail = '') {
  rows.push({
    name: `${name} MB/s, ${tcpLabel} (${mib} MiB)${tail}`,
    cmd: (impl) =>
      impl === 'v1' || impl === 'link'
        ? null
        : impl === 'openssh'
          ? ['openssh.js', mode, String(mib), TCP_CIPHER, TCP_HMAC]
          : [worker, impl, ...args, String(mib), TCP_CIPHER, TCP_HMAC],
    field,
    higher: true,
  });
}
tcpRow('ssh2@0.8.9 exec over TCP', 'tcp-exec.js', [], 'exec', execMiB);
// Each SFTP worker times its transfer twice in the same processes (see
// scripts/bench/sftp.js): the first, then the second, which is what a
// process that has moved a file before gets; one run serves both rows.
const SECOND = ', second transfer in the same processes';
const twice = (row) => {
  row('mbps', '');
  row('secondMbps', SECOND);
};
for (const direction of ['get', 'put']) {
  const name = `ssh2@0.8.9 SFTP fast${direction === 'get' ? 'Get' : 'Put'} over TCP`;
  twice((field, tail) => tcpRow(name, 'sftp.js', [direction], direction, sftpMiB, field, tail));
}
// Only the client is ours (or 0.4.10's): ssh2@0.8.9's Client against
// OpenSSH's sshd and sftp-server; the OpenSSH column is its own ssh/sftp
// against the same sshd, the run the rows above already made.
tcpRow('ssh2@0.8.9 Client -> OpenSSH sshd, exec', 'client-sshd.js', ['exec'], 'exec', execMiB);
for (const [mode, label] of [
  ['get', 'SFTP fastGet'],
  ['put', 'SFTP fastPut'],
]) {
  twice((field, tail) => tcpRow(`ssh2@0.8.9 Client -> OpenSSH sshd, ${label}`, 'client-sshd.js', [mode], mode, sftpMiB, field, tail));
}
// The memory rows read the same worker run (see runOne's cache).
const memoryCmd = (impl) => (impl === 'orig' || impl === 'ours' || impl === 'v1' ? ['memory.js', impl, '200'] : null);
// memory.js starts its measuring children with --expose-gc itself.
const memoryRow = (name, field) => rows.push({ name, cmd: memoryCmd, field, higher: false });
memoryRow('memory KB per idle pair (RSS growth after gc)', 'kbPerPair');
// memory.js holds V8's young generation at one size for the row above;
// this one lets V8 size it as it would by default (see memory.js).
memoryRow("memory KB per idle pair, V8's default young-generation sizing", 'kbPerPairDefaultHeap');
memoryRow('memory KB per idle pair, JavaScript heap and buffers only', 'jsKbPerPair');
memoryRow('memory peak RSS MB (200 idle pairs)', 'peakRssMB');

// utils.parseKey of each key format (scripts/bench/parse-keys.js): one
// worker run per implementation serves every row (see runOne's cache).
const parseMs = quick ? 100 : 300;
for (const [field, label] of [
  ['openssh_ed25519', 'OpenSSH private ssh-ed25519'],
  ['openssh_ecdsa', 'OpenSSH private ecdsa-sha2-nistp256'],
  ['openssh_rsa', 'OpenSSH private ssh-rsa 2048'],
  ['openssh_encrypted', 'OpenSSH private ssh-ed25519, encrypted (bcrypt, 16 rounds)'],
  ['pem_rsa', 'PEM (PKCS#1) ssh-rsa 2048'],
  ['ppk_rsa', 'PuTTY PPK v2 ssh-rsa 2048'],
  ['public_line_ed25519', 'OpenSSH public key line ssh-ed25519'],
  ['public_line_rsa', 'OpenSSH public key line ssh-rsa 2048'],
]) {
  rows.push({
    name: `utils.parseKey/s, ${label}`,
    cmd: (impl) => (impl === 'ours' || impl === 'orig' ? ['parse-keys.js', impl, String(parseMs), '5'] : null),
    field,
    higher: true,
  });
}

// Crypto alone, GB/s (scripts/bench/primitives.js, one worker run per
// implementation serves every row): one CHANNEL_DATA packet of the raw
// rows' size sealed and opened by the engine and by ssh2@1.17's per-packet
// code, then each primitive: the engine's, the alternative crate's, and
// Node's OpenSSL in the ssh2@1.17 column.
const primitiveCmd = (impl) => (impl === 'ours' || impl === 'v1' ? ['primitives.js', impl] : null);
for (const [cipher, hmac] of RAW_SUITES) {
  const label = suiteLabel(cipher, hmac);
  for (const op of ['seal', 'open'])
    rows.push({ name: `crypto GB/s per 32 KiB packet, ${op}, ${label}`, cmd: primitiveCmd, field: `${op}:${label}`, higher: true });
}
// ChaCha20 and Poly1305 list both libraries: the engine runs whichever is
// faster on the CPU (src/crypto/keystream.rs, chacha.rs), so either may be
// "the engine's".
for (const [op, primitive, libraries] of [
  ['encrypt', 'ChaCha20', ['aws-lc', 'RustCrypto chacha20']],
  ['tag', 'Poly1305', ['aws-lc', 'RustCrypto poly1305']],
  ['tag', 'HMAC-SHA-256', ['RustCrypto hmac+sha2']],
  ['tag', 'HMAC-SHA-512', ['RustCrypto hmac+sha2']],
  ['encrypt', 'AES-128-CTR', []],
  ['encrypt', 'AES-256-CTR', []],
]) {
  rows.push({
    name: `primitive GB/s per 32 KiB, ${primitive}, the engine's`,
    // Node has no Poly1305 of its own to set beside it.
    cmd: (impl) => (primitive === 'Poly1305' && impl === 'v1' ? null : primitiveCmd(impl)),
    field: `${op}:${primitive}`,
    higher: true,
  });
  for (const library of libraries)
    rows.push({
      name: `primitive GB/s per 32 KiB, ${primitive}, ${library}`,
      cmd: (impl) => (impl === 'ours' ? ['primitives.js', impl] : null),
      field: `${op}:${primitive}:${library}`,
      higher: true,
    });
}

// A handshake's public-key operations, per second (same worker run): the
// engine's aws-lc against Node's OpenSSL, which ssh2@1.17 calls.
for (const op of [
  'X25519 key pair + shared secret',
  'ECDH P-256 key pair + shared secret',
  'Ed25519 sign',
  'Ed25519 verify',
  'ECDSA P-256 sign',
  'ECDSA P-256 verify',
  'RSA 2048 (rsa-sha2-256) sign',
  'RSA 2048 (rsa-sha2-256) verify',
])
  rows.push({ name: `operations/s, ${op}`, cmd: primitiveCmd, field: `ops:${op}`, higher: true });

// Rows whose workers are the same command share one run per repetition.
let runCache = new Map();

function runOne(row, impl) {
  const cmd = row.cmd(impl);
  if (!cmd) return { skipped: true };
  const argv = [...(row.node || []), path.join(W, cmd[0]), ...cmd.slice(1)];
  const key = JSON.stringify(argv);
  if (!runCache.has(key)) runCache.set(key, spawnWorker(argv));
  return runCache.get(key);
}

function spawnWorker(argv) {
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) {
    const lines = (r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`).trim().split('\n');
    // An Error's stack: its first line says what failed.
    return { error: lines[0] || `exit ${r.status ?? r.signal}` };
  }
  try {
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    return out.unavailable ? { skipped: true, why: out.unavailable } : out;
  } catch {
    return { error: `unreadable output: ${r.stdout.slice(0, 200)}` };
  }
}

const selected = rows.filter((r) => !only || r.name.includes(only));
const results = selected.map((row) => ({
  row,
  samples: Object.fromEntries(IMPLS.map((i) => [i, []])),
  errors: Object.fromEntries(IMPLS.map((i) => [i, null])),
}));
for (let rep = 0; rep < reps; rep++) {
  runCache = new Map();
  for (const res of results) {
    // Alternate which implementation goes first so drift hits both alike.
    const order = rep % 2 ? [...IMPLS].reverse() : IMPLS;
    for (const impl of order) {
      if (res.errors[impl] && rep > 0) continue;
      const out = runOne(res.row, impl);
      if (out.skipped) res.errors[impl] = out.why ? `n/a: ${out.why}` : 'n/a';
      else if (out.error) res.errors[impl] = out.error;
      else if (typeof out[res.row.field] !== 'number') res.errors[impl] = `no ${res.row.field} in the output`;
      else res.samples[impl].push(out[res.row.field]);
    }
  }
  process.stderr.write(`bench: repetition ${rep + 1}/${reps} done\n`);
}

const num = (x) => x.toFixed(x < 10 ? 2 : 0);
const fmt = (s) => (s ? `${num(s.median)} [${num(s.min)}-${num(s.max)}]` : null);
const failed = (e) => e && !e.startsWith('n/a');
// A failure in any repetition voids the implementation's figure for that row.
const cell = (s, e) => (failed(e) ? `error: ${e}` : fmt(s) || (e ? 'n/a' : '-'));
let anyError = false;
const table = results.map(({ row, samples, errors }) => {
  const st = Object.fromEntries(IMPLS.map((i) => [i, failed(errors[i]) ? null : spread(samples[i])]));
  if (IMPLS.some((i) => failed(errors[i]))) anyError = true;
  const u = st.ours;
  const ratio = (base) => (base && u ? `${(u.median / base.median).toFixed(2)}x` : '-');
  return {
    figure: row.name,
    higherIsBetter: row.higher,
    original: cell(st.orig, errors.orig),
    ours: cell(st.ours, errors.ours),
    ratio: ratio(st.orig),
    v1: cell(st.v1, errors.v1),
    ratioV1: ratio(st.v1),
    openssh: cell(st.openssh, errors.openssh),
    ratioOpenSSH: ratio(st.openssh),
    link: cell(st.link, errors.link),
    ratioLink: ratio(st.link),
    stats: st,
    errors,
  };
});

const header = [
  'figure',
  'ssh2-streams@0.4.10 median [min-max]',
  'ours median [min-max]',
  'ours/0.4.10',
  'ssh2@1.17.0 protocol',
  'ours/1.17.0',
  'OpenSSH',
  'ours/OpenSSH',
  'link alone, no SSH',
  'ours/link',
];
const lines = table.map((t) => [t.figure, t.original, t.ours, t.ratio, t.v1, t.ratioV1, t.openssh, t.ratioOpenSSH, t.link, t.ratioLink]);
// Figure names in full; an error message in a cell is cut to 60 characters
// and its '|' escaped, so that the table stays Markdown.
const clip = (c, i) => (i === 0 ? String(c) : String(c).slice(0, 60)).replace(/\|/g, '\\|');
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => clip(l[i], i).length)));
const out = [header, widths.map((w) => '-'.repeat(w)), ...lines]
  .map((l) => '| ' + l.map((c, i) => clip(c, i).padEnd(widths[i])).join(' | ') + ' |')
  .join('\n');
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  openssh: require('./bench/sshd').version(),
  reps,
  quick,
  tcpCipher: tcpLabel,
  mib: { raw: rawMiB, exec: execMiB, sftp: sftpMiB },
};
console.log(
  `${meta.date}, Node ${meta.node}, ${meta.cpu} x${meta.cores}, ${meta.openssh || 'no OpenSSH'}, ${reps} runs each${quick ? ' (quick)' : ''}`
);
console.log(out);
fs.mkdirSync(path.join(__dirname, '..', 'bench'), { recursive: true });
fs.writeFileSync(path.join(__dirname, '..', 'bench', 'results.json'), JSON.stringify({ meta, table }, null, 2) + '\n');
if (anyError) {
  process.stderr.write('bench: some measurements failed (the cells that start with "error:")\n');
  process.exitCode = 1;
}
