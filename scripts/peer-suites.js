#!/usr/bin/env node
'use strict';
// `npm run test:peers [-- <filter>] [--verbose]`: runs the test suites of
// ssh2-streams@0.4.10 and ssh2@0.8.9, unmodified, against this package.
//
// Each suite is copied to a temporary folder. ssh2-streams' tests require
// its lib/ modules, which become shims over this package's public API;
// ssh2's tests run its real lib/, whose require('ssh2-streams') resolves to
// this package (what an npm override does). Every test-*.js file runs in its
// own process with a time limit. scripts/peer-must-pass.json names the files
// that must pass (a failure fails the run) and why each other file cannot
// pass yet; those are run too and reported, but do not fail the run.

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const LIST = path.join(__dirname, 'peer-must-pass.json');

/** The suites: where each comes from and how its copy is wired to us. */
const SUITES = {
  'ssh2-streams': {
    source: () => path.dirname(require.resolve('ssh2-streams/package.json', { paths: [ROOT] })),
    wire(dir) {
      const shim = (file, expr) =>
        fs.writeFileSync(path.join(dir, 'lib', file), `'use strict';\nmodule.exports = ${expr};\n`);
      fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
      const pkg = JSON.stringify(ROOT);
      shim('ssh.js', `require(${pkg}).SSH2Stream`);
      shim('sftp.js', `require(${pkg}).SFTPStream`);
      shim('utils.js', `require(${pkg}).utils`);
      shim('constants.js', `require(${pkg}).constants`);
      shim('keyParser.js', `{ parseKey: require(${pkg}).utils.parseKey }`);
      shim('../index.js', `require(${pkg})`);
    },
    copy: ['test', 'package.json'],
  },
  ssh2: {
    source: () => path.dirname(require.resolve('ssh2/package.json', { paths: [ROOT] })),
    wire(dir) {
      const nm = path.join(dir, 'node_modules');
      fs.mkdirSync(nm, { recursive: true });
      fs.symlinkSync(ROOT, path.join(nm, 'ssh2-streams'), 'dir');
    },
    copy: ['lib', 'test', 'package.json'],
  },
};

function readList(file) {
  const list = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { mustPass: new Set(list.mustPass), pending: list.pending || {} };
}

/** Copies a suite to a temporary folder and wires it; returns its test dir. */
function prepare(suites, name, tmp) {
  const suite = suites[name];
  const src = suite.source();
  const dir = path.join(tmp, name);
  for (const entry of suite.copy) fs.cpSync(path.join(src, entry), path.join(dir, entry), { recursive: true });
  suite.wire(dir);
  return path.join(dir, 'test');
}

/** Runs one file; resolves to { status: 'pass'|'fail'|'timeout', ms, output }. */
function runFile(file, cwd, timeoutMs) {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (d) => {
      if (output.length < 64 * 1024) output += d;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const status = timedOut ? 'timeout' : code === 0 ? 'pass' : 'fail';
      resolve({ status, ms: Date.now() - start, output });
    });
  });
}

function firstLines(text, n) {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, n)
    .map((l) => `      ${l.slice(0, 200)}`)
    .join('\n');
}

/** options: { suites, list, timeoutMs, log } (defaults: the real suites and list). */
async function main(argv, options = {}) {
  const suites = options.suites || SUITES;
  const log = options.log || console.log;
  const filter = argv.find((a) => !a.startsWith('--'));
  // --verbose: the output of every failing file, not only must-pass ones.
  const verbose = argv.includes('--verbose');
  const timeoutMs = options.timeoutMs || Number(process.env.PEER_TIMEOUT_MS || 60000);
  const { mustPass, pending } = readList(options.list || LIST);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-peers-'));
  const results = [];
  try {
    for (const name of Object.keys(suites)) {
      const testDir = prepare(suites, name, tmp);
      const files = fs
        .readdirSync(testDir)
        .filter((f) => /^test-.+\.js$/.test(f))
        .sort();
      for (const f of files) {
        const id = `${name}/${f}`;
        if (filter && !id.includes(filter)) continue;
        const r = await runFile(path.join(testDir, f), testDir, timeoutMs);
        results.push({ id, ...r });
        const must = mustPass.has(id);
        const tag = r.status === 'pass' ? 'PASS' : must ? (r.status === 'timeout' ? 'TIMEOUT' : 'FAIL') : 'KNOWN';
        let line = `${tag.padEnd(7)} ${id} (${(r.ms / 1000).toFixed(1)}s)`;
        if (r.status !== 'pass' && !must) line += ` - not yet expected to pass: ${pending[id] || 'no reason listed'}`;
        if (r.status === 'pass' && !must) line += ' - passes but is not on the must-pass list: add it';
        log(line);
        if (r.status !== 'pass' && (must || verbose)) log(firstLines(r.output, verbose ? 60 : 12) || `      (${r.status}, no output)`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const ran = new Set(results.map((r) => r.id));
  const missing = filter ? [] : [...mustPass].filter((id) => !ran.has(id));
  for (const id of missing) log(`MISSING ${id} is on the must-pass list but no such file ran`);
  const unlisted = results.filter((r) => !mustPass.has(r.id) && !(r.id in pending));
  for (const r of unlisted) log(`NOTE    ${r.id} is on neither list`);

  const passed = results.filter((r) => r.status === 'pass').length;
  const failed = results.filter((r) => r.status !== 'pass' && mustPass.has(r.id)).length + missing.length;
  const known = results.filter((r) => r.status !== 'pass' && !mustPass.has(r.id)).length;
  log(`peers: ${passed} passed, ${failed} failed, ${known} skipped`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(2);
    }
  );
}

module.exports = { main, runFile, SUITES };
