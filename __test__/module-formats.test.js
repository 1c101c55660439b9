'use strict';
// Module formats and bundlers: `import` gives the very objects `require`
// does, deep requires (`ssh2-streams-native/lib/...`) still resolve through
// package.json "exports", and an app bundled by esbuild for Node runs a
// handshake, auth, exec and SFTP with the .node file copied next to the
// bundle, or named by SSH2_STREAMS_NATIVE_BINARY, from a folder with no
// node_modules; with neither it stops with the loader's message.

const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require('../package.json');
const { fileName } = require('../lib/binding');
const binary = path.join(root, fileName);

function node(args, opts = {}) {
  const env = { ...process.env, ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30000, ...opts, env });
}

function tmpDir(t, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('import gives the same objects as require (named and default exports)', () => {
  const src = `
    import def, * as ns from 'ssh2-streams-native';
    import { SSH2Stream, SFTPStream, utils, constants } from 'ssh2-streams-native';
    import { createRequire } from 'node:module';
    const cjs = createRequire(import.meta.url)('ssh2-streams-native');
    const same = def === cjs && SSH2Stream === cjs.SSH2Stream && SFTPStream === cjs.SFTPStream &&
      utils === cjs.utils && constants === cjs.constants && ns.SSH2Stream === cjs.SSH2Stream;
    console.log(JSON.stringify({ same, named: Object.keys(ns).sort() }));
  `;
  // Self-reference: the package imports itself by name, through "exports".
  const r = node(['--input-type=module', '-e', src], { cwd: root });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout), { same: true, named: ['SFTPStream', 'SSH2Stream', 'constants', 'default', 'utils'] });
});

test('"exports" keeps deep requires and package.json reachable', () => {
  assert.deepStrictEqual(Object.keys(pkg.exports['.']), ['types', 'import', 'require']);
  const src = `
    const api = require('ssh2-streams-native');
    const out = {
      sftp: require('ssh2-streams-native/lib/sftp') === api.SFTPStream,
      sftpJs: require('ssh2-streams-native/lib/sftp.js') === api.SFTPStream,
      ssh: require('ssh2-streams-native/lib/ssh') === api.SSH2Stream,
      utils: require('ssh2-streams-native/lib/utils') === api.utils,
      nested: typeof require('ssh2-streams-native/lib/sftp/stats').Stats === 'function',
      index: require('ssh2-streams-native/index.js') === api,
      version: require('ssh2-streams-native/package.json').version,
    };
    console.log(JSON.stringify(out));
  `;
  const r = node(['-e', src], { cwd: root });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout), { sftp: true, sftpJs: true, ssh: true, utils: true, nested: true, index: true, version: pkg.version });
});

/** Bundles a small app (round trip + which binary loaded) with esbuild into `outdir`/app.js. */
async function bundle(outdir, format = 'cjs') {
  const esbuild = require('esbuild');
  const src = path.join(outdir, '..', 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'consumers', 'scenario.js'), path.join(src, 'scenario.js'));
  fs.writeFileSync(
    path.join(src, 'app.js'),
    `const api = require('ssh2-streams-native');
const { loadedFrom } = require('ssh2-streams-native/lib/binding');
require('./scenario').roundTrip(api).then((r) => console.log(JSON.stringify({ ...r, loadedFrom })));
`
  );
  const result = await esbuild.build({
    entryPoints: [path.join(src, 'app.js')],
    outfile: path.join(outdir, format === 'esm' ? 'app.mjs' : 'app.js'),
    bundle: true,
    platform: 'node',
    format,
    target: 'node18',
    // The app's own dependency, as node_modules/ssh2-streams-native would give it.
    alias: { 'ssh2-streams-native': root },
    // Any .node file stays out of the bundle (the loader never names one
    // statically, so this is a safety net, as users would write it).
    external: ['*.node'],
    banner:
      format === 'esm'
        ? {
            js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
          }
        : undefined,
    logLevel: 'silent',
  });
  fs.rmSync(src, { recursive: true, force: true });
  return result;
}

function checkRun(r, expectedBinary) {
  assert.strictEqual(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.strictEqual(out.loadedFrom, expectedBinary);
  assert.strictEqual(out.stdout, 'hello from the server\n');
  assert.strictEqual(out.code, 0);
  assert.strictEqual(out.sftpSame, true);
}

test('esbuild bundle: runs with the .node file next to it, from a folder with no node_modules', async (t) => {
  const dist = path.join(tmpDir(t, 'ssh2sn-bundle-'), 'dist');
  fs.mkdirSync(dist);
  const result = await bundle(dist);
  assert.deepStrictEqual(result.errors, []);
  const code = fs.readFileSync(path.join(dist, 'app.js'), 'utf8');
  assert.ok(code.includes('SSH2Stream'), 'the package is inside the bundle');
  fs.copyFileSync(binary, path.join(dist, fileName));
  assert.deepStrictEqual(fs.readdirSync(dist).sort(), ['app.js', fileName].sort());

  const r = node([path.join(dist, 'app.js')], { cwd: dist, env: { SSH2_STREAMS_NATIVE_BINARY: undefined, NODE_PATH: undefined } });
  checkRun(r, path.join(dist, fileName));
});

test('esbuild bundle: SSH2_STREAMS_NATIVE_BINARY names the binary; with neither, the loader says what is missing', async (t) => {
  const tmp = tmpDir(t, 'ssh2sn-bundle-');
  const dist = path.join(tmp, 'dist');
  fs.mkdirSync(dist);
  await bundle(dist);
  const elsewhere = path.join(tmp, 'engine', 'x.node');
  fs.mkdirSync(path.dirname(elsewhere));
  fs.copyFileSync(binary, elsewhere);

  checkRun(node([path.join(dist, 'app.js')], { cwd: dist, env: { SSH2_STREAMS_NATIVE_BINARY: elsewhere } }), elsewhere);

  const none = node([path.join(dist, 'app.js')], { cwd: dist, env: { SSH2_STREAMS_NATIVE_BINARY: undefined } });
  assert.notStrictEqual(none.status, 0);
  assert.match(none.stderr, /ssh2-streams-native: no native engine for /);
  assert.match(none.stderr, /SSH2_STREAMS_NATIVE_BINARY/);

  const wrong = node([path.join(dist, 'app.js')], { cwd: dist, env: { SSH2_STREAMS_NATIVE_BINARY: path.join(tmp, 'nope.node') } });
  assert.notStrictEqual(wrong.status, 0);
  assert.match(wrong.stderr, /SSH2_STREAMS_NATIVE_BINARY=.*nope\.node: no such file/);
});

test('esbuild bundle as an ES module (with the usual require/__dirname banner) runs too', async (t) => {
  const dist = path.join(tmpDir(t, 'ssh2sn-bundle-'), 'dist');
  fs.mkdirSync(dist);
  await bundle(dist, 'esm');
  fs.copyFileSync(binary, path.join(dist, fileName));
  checkRun(node([path.join(dist, 'app.mjs')], { cwd: dist, env: { SSH2_STREAMS_NATIVE_BINARY: undefined } }), path.join(dist, fileName));
});
