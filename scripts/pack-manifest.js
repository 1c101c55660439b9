#!/usr/bin/env node
'use strict';
// npm pack/publish hooks: `prepack` adds the platform packages (npm/<triple>/)
// as optionalDependencies at this version, `postpack` puts package.json back.
//
// Why not list them in package.json itself: until they are published, a
// fresh clone's `npm install` still works (npm skips an optional dependency
// it cannot fetch), but no lockfile can hold them, so `npm ci` fails with
// "Missing: ssh2-streams-native-<triple> from lock file". napi-rs adds them
// at publish time for the same reason (`napi prepublish`). The tarball, the
// thing users install, carries them.

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'package.json');
const backup = path.join(root, '.package.json.prepack');

/** The platform packages, name -> version, from npm/<triple>/package.json. */
function platformPackages(version) {
  const deps = {};
  for (const triple of fs.readdirSync(path.join(root, 'npm')).sort()) {
    const file = path.join(root, 'npm', triple, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (pkg.version !== version) {
      throw new Error(`npm/${triple}/package.json is at ${pkg.version}, the main package at ${version}`);
    }
    deps[pkg.name] = version;
  }
  return deps;
}

function restore() {
  if (fs.existsSync(backup)) fs.renameSync(backup, manifest);
}

function add() {
  restore(); // a previous pack that stopped before postpack
  const text = fs.readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  const optionalDependencies = { ...pkg.optionalDependencies, ...platformPackages(pkg.version) };
  fs.writeFileSync(backup, text);
  fs.writeFileSync(manifest, JSON.stringify({ ...pkg, optionalDependencies }, null, 2) + '\n');
}

if (require.main === module) {
  const mode = process.argv[2];
  if (mode === 'add') add();
  else if (mode === 'restore') restore();
  else {
    console.error('usage: pack-manifest.js add|restore');
    process.exit(2);
  }
}

module.exports = { platformPackages };
