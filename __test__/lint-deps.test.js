'use strict';
// scripts/lint-deps.js: `npm run lint` fails on a Rust dependency that
// Cargo.toml declares and no code uses, and passes on this crate.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { declared, unused } = require('../scripts/lint-deps');

const ROOT = path.join(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'lint-deps.js');

const made = [];
test.after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A crate in a temporary folder: Cargo.toml and files by relative path. */
function crate(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-deps-'));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const TOML = `[package]
name = "x"
version = "0.1.0"

[dependencies]
serde-json = "1" # used as serde_json::
fancy = { package = "plain-name", version = "1" }
spread = { version = "1",
  features = ["not-a-dependency"] }
aws-lc-rs = "1"
unused-crate = "1"

[dependencies.tabled]
version = "1"

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[build-dependencies]
napi-build = "2"

[dev-dependencies]
criterion = "1"

[[bench]]
name = "speed"
harness = false

[features]
default = ["serde-json"]
`;

const SRC = `use serde_json::Value;
use fancy::Thing;
// unused_crate::is only named in a comment
/// and unused_crate:: in a doc comment
fn f() { let _ = spread::go(); let _ = aws_lc_rs::digest::SHA256; tabled::t(); }
extern crate libc;
`;

// A dev-dependency counts where benches live.
const BENCH = { 'benches/speed.rs': 'use criterion::Criterion;\n' };

test('reads dependency tables: inline keys, [dependencies.name], target tables, not multi-line values or [[bench]] keys', () => {
  assert.deepStrictEqual(declared(TOML), [
    { name: 'serde-json', kind: 'dependencies' },
    { name: 'fancy', kind: 'dependencies' },
    { name: 'spread', kind: 'dependencies' },
    { name: 'aws-lc-rs', kind: 'dependencies' },
    { name: 'unused-crate', kind: 'dependencies' },
    { name: 'tabled', kind: 'dependencies' },
    { name: 'libc', kind: 'dependencies' },
    { name: 'napi-build', kind: 'build-dependencies' },
    { name: 'criterion', kind: 'dev-dependencies' },
  ]);
});

test('fails on a synthetic unused dependency, naming it', () => {
  const dir = crate({ ...BENCH, 'Cargo.toml': TOML, 'src/lib.rs': SRC, 'build.rs': 'fn main() { napi_build::setup(); }\n' });
  // Renamed (fancy), dash-underscore (serde-json, aws-lc-rs), extern crate
  // (libc) and [dependencies.name] (tabled) count as used; a name in a
  // comment does not.
  assert.deepStrictEqual(
    unused(dir).map((d) => d.name),
    ['unused-crate']
  );
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /unused-crate is declared in \[dependencies\]/);
});

test('a build-dependency counts only in build.rs', () => {
  const dir = crate({ ...BENCH, 'Cargo.toml': TOML, 'src/lib.rs': SRC + 'fn g() { napi_build::setup(); }\n' });
  assert.deepStrictEqual(
    unused(dir).map((d) => d.name),
    ['unused-crate', 'napi-build']
  );
});

test('passes once the dependency is used', () => {
  const dir = crate({ ...BENCH, 'Cargo.toml': TOML, 'src/lib.rs': SRC + 'fn h() { unused_crate::go(); }\n', 'build.rs': 'fn main() { napi_build::setup(); }\n' });
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
});

test('passes on this crate', () => {
  const r = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /every declared Rust dependency is used/);
  assert.ok(declared(fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8')).some((d) => d.name === 'ssh-key'));
});
