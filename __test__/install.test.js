'use strict';
// The npm install hook: it skips the build when a loadable binary is there,
// and without one and without cargo it fails with one clear message.

const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const triple = require('../lib/triple');
const binaryName = `ssh2-streams-native.${triple}.node`;

/** A package folder holding only the install hook and the loader. */
function packageCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-install-'));
  for (const f of ['scripts/build-native.js', 'lib/binding.js', 'lib/triple.js', 'lib/libc.js', 'package.json']) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dir, f));
  }
  return dir;
}

// PATH without any cargo: the system folders only.
const NO_CARGO_PATH = '/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin';
const hasCargoAt = (dir) => fs.existsSync(path.join(dir, 'cargo'));

test('without a binary and without cargo, install fails with one clear message', { skip: NO_CARGO_PATH.split(':').some(hasCargoAt) && 'cargo is in a system folder here' }, () => {
  const dir = packageCopy();
  const r = spawnSync(process.execPath, ['scripts/build-native.js'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: NO_CARGO_PATH, CARGO: '' },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /no prebuilt binary for this platform and no Rust toolchain to build one/);
  assert.match(r.stderr, /rustup\.rs/);
  assert.ok(r.stderr.split('\n').length < 8, `expected a short message, got:\n${r.stderr}`);
});

test('with a loadable binary, install skips the build', () => {
  const dir = packageCopy();
  fs.copyFileSync(path.join(root, binaryName), path.join(dir, binaryName));
  const r = spawnSync(process.execPath, ['scripts/build-native.js'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: NO_CARGO_PATH },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /native engine present, skipping build/);
});

test('the loader says what is missing when no binary is there', () => {
  const dir = packageCopy();
  const r = spawnSync(process.execPath, ['-e', "require('./lib/binding.js')"], { cwd: dir, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.notStrictEqual(r.status, 0);
  assert.match(r.stderr, new RegExp(`no native engine for ${triple}`));
  assert.match(r.stderr, /npm run build/);
});

test('SSH2_STREAMS_NATIVE_BINARY names the binary to load, and only that one', () => {
  const dir = packageCopy();
  const elsewhere = path.join(dir, 'engine.node');
  fs.copyFileSync(path.join(root, binaryName), elsewhere);
  const script = "console.log(require('./lib/binding.js').loadedFrom)";
  const ok = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, SSH2_STREAMS_NATIVE_BINARY: elsewhere } });
  // A wrong path is an error even with a loadable binary in the package root.
  fs.copyFileSync(path.join(root, binaryName), path.join(dir, binaryName));
  const missing = path.join(dir, 'missing.node');
  const bad = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, SSH2_STREAMS_NATIVE_BINARY: missing } });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.strictEqual(ok.status, 0, ok.stderr);
  assert.strictEqual(ok.stdout.trim(), elsewhere);
  assert.notStrictEqual(bad.status, 0);
  assert.ok(bad.stderr.includes(`SSH2_STREAMS_NATIVE_BINARY=${missing}: no such file`), bad.stderr);
});

test('every platform package names its binary and its platform', () => {
  for (const t of fs.readdirSync(path.join(root, 'npm'))) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'npm', t, 'package.json'), 'utf8'));
    assert.strictEqual(pkg.name, `ssh2-streams-native-${t}`);
    assert.strictEqual(pkg.main, `ssh2-streams-native.${t}.node`);
    assert.deepStrictEqual(pkg.files, [pkg.main]);
    assert.strictEqual(pkg.version, require('../package.json').version);
    assert.ok(t.startsWith(`${pkg.os[0]}-${pkg.cpu[0]}`), t);
  }
});
