'use strict';
// The consumer specs in __test__/consumers/ (what users write: a stream
// pair, an exec, an SFTP transfer, error cases) run under Jest and under
// mocha, the same files, and each runner must exit by itself: no
// --forceExit, no --exit, and nothing killed here. Jest runs with
// --detectOpenHandles. (node --test does not collect the *.spec.js files.)

const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, 'consumers');
const specs = fs.readdirSync(dir).filter((f) => f.endsWith('.spec.js'));
const TIMEOUT_MS = 60000;

// Jest's --detectOpenHandles lists every async resource made while the tests
// ran that is still alive at the end, the addon's own included: napi-rs with
// its napi4+ features makes a threadsafe function ("CustomGC") per
// environment when the addon loads, so the addon is built with napi3 features
// only (Cargo.toml), and this report must stay empty.

/** Runs `npx <args>` in the consumers folder; resolves to { code, signal, killed, output, ms }. */
function npx(args) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env = { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
    const child = spawn('npx', ['--no', '--', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, killed, output, ms: Date.now() - started });
    });
  });
}

/** The handle types in Jest's open-handle report ("●  CustomGC"), in order. */
function reportedHandles(output) {
  const at = output.indexOf('Jest has detected the following');
  if (at < 0) return [];
  return [...output.slice(at).matchAll(/^\s*●\s+(\S+)/gm)].map((m) => m[1]);
}

function count(output, re) {
  const m = re.exec(output);
  return m ? Number(m[1]) : null;
}

test('the consumer specs exist', () => {
  assert.deepStrictEqual(specs.sort(), ['errors.spec.js', 'exec.spec.js', 'handshake.spec.js', 'sftp.spec.js']);
});

test('Jest runs the consumer suite and exits by itself; --detectOpenHandles finds nothing', { timeout: TIMEOUT_MS + 5000 }, async (t) => {
  const r = await npx(['jest', '--detectOpenHandles', '--ci', dir]);
  t.diagnostic(`jest took ${r.ms} ms`);
  assert.ok(!r.killed, `jest had to be killed after ${TIMEOUT_MS} ms:\n${r.output}`);
  assert.strictEqual(r.code, 0, r.output);
  assert.doesNotMatch(r.output, /forceExit|did not exit one second after/i, r.output);
  assert.strictEqual(count(r.output, /^Test Suites:\s+(\d+) passed/m), specs.length, r.output);
  assert.strictEqual(count(r.output, /^Tests:\s+(\d+) passed, \1 total/m), 10, r.output);
  assert.deepStrictEqual(reportedHandles(r.output), [], r.output);
  assert.doesNotMatch(r.output, /Jest has detected the following/, r.output);
});

test('mocha runs the same files and exits by itself, without --exit', { timeout: TIMEOUT_MS + 5000 }, async (t) => {
  const r = await npx(['mocha']);
  t.diagnostic(`mocha took ${r.ms} ms`);
  assert.ok(!r.killed, `mocha had to be killed after ${TIMEOUT_MS} ms:\n${r.output}`);
  assert.strictEqual(r.code, 0, r.output);
  assert.strictEqual(count(r.output, /^\s*(\d+) passing/m), 10, r.output);
  assert.strictEqual(count(r.output, /^\s*(\d+) failing/m), null, r.output);
  assert.strictEqual(count(r.output, /^\s*(\d+) pending/m), null, r.output);
});
