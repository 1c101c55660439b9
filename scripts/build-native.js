#!/usr/bin/env node
'use strict';
// npm install hook: builds the addon from source unless a loadable binary
// for this platform is already there. `--force` always builds; `--prebuilt`
// puts the binary into npm/<triple>/, the platform package that
// `npm pack` there turns into the prebuilt for this platform.

const { spawnSync } = require('child_process');
const { copyFileSync, existsSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const prebuilt = process.argv.includes('--prebuilt');
const force = prebuilt || process.argv.includes('--force');

function loadable() {
  try {
    require(join(root, 'lib', 'binding.js'));
    return true;
  } catch {
    return false;
  }
}

function fail(msg) {
  console.error(`ssh2-streams-native: ${msg}`);
  process.exit(1);
}

if (!force && loadable()) {
  console.log('ssh2-streams-native: native engine present, skipping build');
  process.exit(0);
}

const triple = require(join(root, 'lib', 'triple.js'));

/** The platform package for this triple, if there is one (the tarball lists them as optionalDependencies). */
function prebuiltPackage() {
  const name = `ssh2-streams-native-${triple}`;
  const optional = require(join(root, 'package.json')).optionalDependencies || {};
  return name in optional || existsSync(join(root, 'npm', triple, 'package.json')) ? name : null;
}

const cargo = process.env.CARGO || 'cargo';
const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  const pkg = prebuiltPackage();
  fail(
    'no prebuilt binary for this platform and no Rust toolchain to build one.\n' +
      (pkg
        ? `  The binary for ${triple} comes in the optional dependency ${pkg}, which is not installed:\n` +
          '  npm leaves it out with --omit=optional or a lockfile made without it.\n'
        : `  There is no prebuilt package for ${triple}.\n`) +
      '  Or install Rust (https://rustup.rs, 1.89 or newer) and run `npm install` again.'
  );
}

console.log('ssh2-streams-native: building the native engine from source (cargo build --release)');
const build = spawnSync(cargo, ['build', '--release', '--locked'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('cargo build failed (see the output above)');

const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const libName = {
  darwin: 'libssh2_streams_native.dylib',
  win32: 'ssh2_streams_native.dll',
}[process.platform] || 'libssh2_streams_native.so';
const built = join(targetDir, 'release', libName);
if (!existsSync(built)) fail(`cargo reported success but ${built} is missing`);

const fileName = `ssh2-streams-native.${triple}.node`;
const dest = prebuilt ? join(root, 'npm', triple, fileName) : join(root, fileName);
if (prebuilt && !existsSync(join(root, 'npm', triple, 'package.json'))) fail(`no platform package npm/${triple}/`);
copyFileSync(built, dest);
if (!loadable()) fail(`built ${fileName} but it does not load`);
console.log(`ssh2-streams-native: built ${dest}`);
