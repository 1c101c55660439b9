#!/usr/bin/env node
'use strict';
// `npm run test:node [-- <name part>...] [--quick]`: the node:test suites in
// __test__/ on the Node running this script, named file by file so that
// every Node major reads the arguments the same way (Node 21 made `--test`
// arguments glob patterns, so `node --test __test__/` found nothing on 22
// and later), with the per-test time limit where the Node has one (20.11
// and later). --quick leaves out the slow interop and packaging files
// (HEAVY, named in the output); the Node matrix runs those on one Node only.
// Exits with the test runner's status.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const TEST_DIR = path.join(__dirname, '..', '__test__');

// About 60 of the ~90 seconds of a full run: OpenSSH and ssh2 interop over
// TCP, every key format through ssh-keygen and openssl, npm pack and
// install, the peer runner's own tests, every kex x host key pair.
const HEAVY = [
  'handshake-matrix.test.js',
  'install.test.js',
  'keys.test.js',
  'openssh-transport.test.js',
  'package.test.js',
  'peer-runner.test.js',
  'ssh2-openssh.test.js',
];

/** The *.test.js files under `dir`, as paths relative to it, subfolders (e.g. hostile/) included. */
function walk(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(dir, rel));
    else if (entry.name.endsWith('.test.js')) out.push(rel);
  }
  return out;
}

/** The *.test.js files in __test__/, sorted; with `parts`, those whose name contains one of them; `quick`: not the HEAVY ones. */
function testFiles(parts = [], quick = false) {
  return walk(TEST_DIR)
    .filter((f) => parts.length === 0 || parts.some((p) => f.includes(p)))
    .filter((f) => !quick || !HEAVY.includes(f))
    .sort()
    .map((f) => path.join('__test__', f));
}

/** node --test's arguments for these files on this Node. */
function testArgs(files, version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  const args = ['--test', '--test-reporter=spec'];
  if (major > 20 || (major === 20 && minor >= 11)) args.push('--test-timeout=120000');
  return [...args, ...files];
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const parts = argv.filter((a) => !a.startsWith('--'));
  const files = testFiles(parts, quick);
  if (files.length === 0) {
    console.error(`no test file in __test__/ matches ${parts.join(' ')}`);
    process.exit(1);
  }
  if (quick) console.log(`node-tests: --quick, not running ${HEAVY.join(', ')}`);
  const r = spawnSync(process.execPath, testArgs(files), { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}

module.exports = { testFiles, testArgs, HEAVY };
