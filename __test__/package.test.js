'use strict';
// Proof from tarballs: `npm pack` the main package and the linux-x64-gnu
// platform package (with the binary built here), install both offline into
// a new project with no cargo on PATH, and run a handshake, password auth,
// an exec on a session channel and an SFTP round trip there, from the
// platform package's binary, and import the package as an ES module. Without the platform package, the same install
// fails with the install hook's one message. Nothing is written to the repo:
// the main package is packed from a copy of the files it publishes.

const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const triple = require('../lib/triple');
const version = require('../package.json').version;
const binaryName = `ssh2-streams-native.${triple}.node`;
const PLATFORM_PKG = `ssh2-streams-native-${triple}`;

// PATH for the "user's machine": node's own folder and the system folders.
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const USER_PATH = [...new Set([path.dirname(process.execPath), ...SYSTEM_PATH])];
const cargoOnPath = USER_PATH.find((dir) => fs.existsSync(path.join(dir, 'cargo')));

function skipReason() {
  if (triple !== 'linux-x64-gnu') return `the platform package proven here is linux-x64-gnu; this is ${triple}`;
  if (cargoOnPath) return `cargo is in ${cargoOnPath}, which a PATH without cargo needs`;
  if (!fs.existsSync(path.join(root, binaryName))) return `no ${binaryName} at the repo root (npm run build)`;
  return false;
}

/** The environment of a user without Rust: no npm_* variables from our own run, no CARGO. */
function userEnv(tmp) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_|^CARGO|^RUSTUP/i.test(k) && k !== 'SSH2_STREAMS_NATIVE_BINARY') env[k] = v;
  }
  env.PATH = USER_PATH.join(':');
  env.npm_config_cache = path.join(tmp, 'npm-cache'); // empty: nothing cached can stand in
  env.npm_config_update_notifier = 'false';
  return env;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000, ...opts });
  if (r.error) throw r.error;
  return r;
}

function mustRun(cmd, args, opts) {
  const r = run(cmd, args, opts);
  assert.strictEqual(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Packs `dir` into `out`; returns the tarball's path. */
function pack(dir, out, env) {
  const r = mustRun('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, env });
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  return { file: path.join(out, info.filename), files: info.files.map((f) => f.path) };
}

/** A copy of what the main package publishes (plus its pack hooks), to pack without touching the repo. */
function copyMainPackage(dest) {
  const r = mustRun('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  const extra = ['scripts/pack-manifest.js', ...fs.readdirSync(path.join(root, 'npm')).map((t) => `npm/${t}/package.json`)];
  for (const f of [...info.files.map((x) => x.path), ...extra]) {
    fs.mkdirSync(path.join(dest, path.dirname(f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dest, f));
  }
}

/** The files of the targets Cargo.toml declares as [[bench]], [[example]], [[test]] or [[bin]]. */
function declaredCargoTargets(toml) {
  const dirs = { bench: 'benches', example: 'examples', test: 'tests', bin: 'src/bin' };
  const out = [];
  for (const m of toml.matchAll(/^\[\[(bench|example|test|bin)\]\]\s*\n([\s\S]*?)(?=^\[|(?![\s\S]))/gm)) {
    const given = /^path\s*=\s*"([^"]+)"/m.exec(m[2]);
    const name = /^name\s*=\s*"([^"]+)"/m.exec(m[2]);
    out.push(given ? given[1] : `${dirs[m[1]]}/${name[1]}.rs`);
  }
  return out;
}

function newProject(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  return dir;
}

const npmInstall = ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts'];

test('tarballs: install without cargo, then handshake, auth, exec and SFTP from the prebuilt binary', { skip: skipReason(), timeout: 60000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-pack-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const env = userEnv(tmp);
  const out = path.join(tmp, 'tarballs');
  fs.mkdirSync(out);

  // The main package: its tarball lists the platform packages (prepack) and
  // the copy's package.json is back as it was afterwards (postpack).
  const mainDir = path.join(tmp, 'main');
  copyMainPackage(mainDir);
  const before = fs.readFileSync(path.join(mainDir, 'package.json'), 'utf8');
  const main = pack(mainDir, out, env);
  assert.strictEqual(fs.readFileSync(path.join(mainDir, 'package.json'), 'utf8'), before, 'postpack restores package.json');
  assert.ok(main.files.includes('index.mjs') && main.files.includes('lib/binding.js'), main.files.join(' '));
  assert.ok(!main.files.some((f) => f.endsWith('.node')), 'the main tarball carries no binary');
  // A build from the tarball's sources gets the same aws-lc settings as one from a clone.
  assert.ok(main.files.includes('.cargo/config.toml'), 'the tarball carries .cargo/config.toml');
  // Cargo refuses to build a manifest whose declared targets ([[bench]] and
  // the like) have no file, so each must travel with Cargo.toml.
  for (const target of declaredCargoTargets(fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')))
    assert.ok(main.files.includes(target), `the tarball carries ${target}, which Cargo.toml declares`);
  mustRun('tar', ['xzf', main.file, '-C', tmp, 'package/package.json']);
  const packed = JSON.parse(fs.readFileSync(path.join(tmp, 'package', 'package.json'), 'utf8'));
  assert.deepStrictEqual(
    packed.optionalDependencies,
    Object.fromEntries(fs.readdirSync(path.join(root, 'npm')).sort().map((tr) => [`ssh2-streams-native-${tr}`, version]))
  );

  // The platform package, with the binary built here.
  const platDir = path.join(tmp, 'platform');
  fs.mkdirSync(platDir);
  fs.copyFileSync(path.join(root, 'npm', triple, 'package.json'), path.join(platDir, 'package.json'));
  fs.copyFileSync(path.join(root, binaryName), path.join(platDir, binaryName));
  const plat = pack(platDir, out, env);
  assert.deepStrictEqual(plat.files.sort(), ['package.json', binaryName]);

  // A user's project, no cargo anywhere on PATH.
  const proj = newProject(path.join(tmp, 'project'));
  const which = run('sh', ['-c', 'command -v cargo'], { env });
  assert.ok(which.status !== 0 && which.stdout === '', `cargo is not on the PATH: ${which.stdout}`);
  const inst = mustRun('npm', [...npmInstall, main.file, plat.file], { cwd: proj, env });
  assert.match(inst.stdout, /native engine present, skipping build/, 'the install hook ran and found the prebuilt binary');
  assert.doesNotMatch(inst.stdout + inst.stderr, /Compiling|cargo build/);
  assert.ok(fs.existsSync(path.join(proj, 'node_modules', PLATFORM_PKG, binaryName)));
  assert.ok(!fs.existsSync(path.join(proj, 'node_modules', 'ssh2-streams-native', binaryName)), 'nothing was built');

  // What a user's script does with it.
  fs.copyFileSync(path.join(__dirname, 'consumers', 'scenario.js'), path.join(proj, 'scenario.js'));
  fs.writeFileSync(
    path.join(proj, 'app.js'),
    `'use strict';
const api = require('ssh2-streams-native');
const { roundTrip } = require('./scenario');
roundTrip(api).then((r) => {
  const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');
  const mapped = [...new Set(maps.split('\\n').filter((l) => l.endsWith('.node')).map((l) => l.slice(l.indexOf('/'))))];
  console.log(JSON.stringify({ ...r, loadedFrom: require('ssh2-streams-native/lib/binding').loadedFrom, mapped }));
});
`
  );
  const started = Date.now();
  const app = mustRun(process.execPath, ['app.js'], { cwd: proj, env });
  const r = JSON.parse(app.stdout);
  const expected = fs.realpathSync(path.join(proj, 'node_modules', PLATFORM_PKG, binaryName));
  assert.strictEqual(r.loadedFrom, expected);
  assert.deepStrictEqual(r.mapped, [expected], 'the only .node file in the process is the platform package\'s');
  assert.strictEqual(r.stdout, 'hello from the server\n');
  assert.strictEqual(r.code, 0);
  assert.strictEqual(r.sftpBytes, 300 * 1024);
  assert.strictEqual(r.sftpSame, true);
  t.diagnostic(`app ran in ${Date.now() - started} ms`);

  // import from the installed package gives the objects require gives.
  fs.writeFileSync(
    path.join(proj, 'esm.mjs'),
    `import def, { SSH2Stream, SFTPStream, utils, constants } from 'ssh2-streams-native';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('ssh2-streams-native');
console.log(def === cjs && SSH2Stream === cjs.SSH2Stream && SFTPStream === cjs.SFTPStream && utils === cjs.utils && constants === cjs.constants);
`
  );
  assert.strictEqual(mustRun(process.execPath, ['esm.mjs'], { cwd: proj, env }).stdout, 'true\n');
});

test('tarball without the platform package and without cargo: the install fails with one clear message', { skip: skipReason(), timeout: 60000 }, (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-pack-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const env = userEnv(tmp);
  const mainDir = path.join(tmp, 'main');
  copyMainPackage(mainDir);
  fs.mkdirSync(path.join(tmp, 'tarballs'));
  const main = pack(mainDir, path.join(tmp, 'tarballs'), env);
  const proj = newProject(path.join(tmp, 'project'));
  // Offline, the optional platform packages cannot be fetched: npm skips them.
  const r = run('npm', [...npmInstall, main.file], { cwd: proj, env });
  assert.notStrictEqual(r.status, 0);
  const output = r.stdout + r.stderr;
  assert.match(output, /ssh2-streams-native: no prebuilt binary for this platform and no Rust toolchain to build one/);
  assert.match(output, new RegExp(`optional dependency ${PLATFORM_PKG}, which is not installed`));
  assert.match(output, /rustup\.rs/);
  assert.doesNotMatch(output, /Compiling|error\[E/);
});
