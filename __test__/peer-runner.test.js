'use strict';
// The peer-suite runner itself, on a small fake suite: a passing, a failing
// and a hanging file, against a must-pass list.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { main } = require('../scripts/peer-suites');

function fakeSuite(files) {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-fake-suite-'));
  fs.mkdirSync(path.join(src, 'test'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(src, 'test', name), body);
  return {
    src,
    suites: { fake: { source: () => src, wire: (dir) => fs.writeFileSync(path.join(dir, 'wired'), ''), copy: ['test'] } },
  };
}

function list(mustPass, pending = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-list-')), 'list.json');
  fs.writeFileSync(file, JSON.stringify({ mustPass, pending }));
  return file;
}

async function run(files, mustPass, pending) {
  const { suites } = fakeSuite(files);
  const lines = [];
  const code = await main([], { suites, list: list(mustPass, pending), timeoutMs: 1500, log: (l) => lines.push(l) });
  return { code, lines, last: lines[lines.length - 1] };
}

const FILES = {
  'test-pass.js': 'process.exit(0);',
  'test-fail.js': "console.error('boom: expected 1 got 2'); process.exit(1);",
  'test-hang.js': 'setInterval(() => {}, 1000);',
  'helper.js': 'process.exit(1);', // not a test-*.js file: never run
};

test('must-pass files passing, the others failing or hanging: exit 0', async () => {
  const r = await run(FILES, ['fake/test-pass.js'], { 'fake/test-fail.js': 'not yet', 'fake/test-hang.js': 'not yet' });
  assert.strictEqual(r.code, 0);
  assert.strictEqual(r.last, 'peers: 1 passed, 0 failed, 2 skipped');
  assert.ok(r.lines.some((l) => /^KNOWN\s+fake\/test-fail\.js .*not yet expected to pass: not yet/.test(l)));
  assert.ok(!r.lines.some((l) => l.includes('helper.js')));
});

test('a failing must-pass file fails the run and shows its output', async () => {
  const r = await run(FILES, ['fake/test-pass.js', 'fake/test-fail.js'], { 'fake/test-hang.js': 'x' });
  assert.strictEqual(r.code, 1);
  assert.ok(r.lines.some((l) => /^FAIL\s+fake\/test-fail\.js/.test(l)));
  assert.ok(r.lines.some((l) => l.includes('boom: expected 1 got 2')));
  assert.strictEqual(r.last, 'peers: 1 passed, 1 failed, 1 skipped');
});

test('a hanging must-pass file is killed at the time limit and fails', async () => {
  const t0 = Date.now();
  const r = await run({ 'test-hang.js': FILES['test-hang.js'] }, ['fake/test-hang.js']);
  assert.strictEqual(r.code, 1);
  assert.ok(r.lines.some((l) => /^TIMEOUT\s+fake\/test-hang\.js/.test(l)));
  assert.ok(Date.now() - t0 < 10000);
});

test('a must-pass file that does not exist fails the run', async () => {
  const r = await run({ 'test-pass.js': FILES['test-pass.js'] }, ['fake/test-pass.js', 'fake/test-gone.js']);
  assert.strictEqual(r.code, 1);
  assert.ok(r.lines.some((l) => /^MISSING fake\/test-gone\.js/.test(l)));
});

test('a passing file not yet on the must-pass list is pointed out', async () => {
  const r = await run({ 'test-pass.js': FILES['test-pass.js'] }, [], { 'fake/test-pass.js': 'not yet' });
  assert.strictEqual(r.code, 0);
  assert.ok(r.lines.some((l) => /passes but is not on the must-pass list/.test(l)));
});
