// @ts-check
'use strict';
// Loads the native engine. SSH2_STREAMS_NATIVE_BINARY, when set, names the
// one file to load. Otherwise, in order: the platform package (a prebuilt
// binary, the napi-rs convention), npm/<triple>/ and the package root (a
// build from source), and the file next to this module, which is where it
// goes beside a bundle (esbuild and the like inline this file, so __dirname
// is then the bundle's folder).

const { join, resolve } = require('path');
const { existsSync } = require('fs');

const triple = require('./triple');
const fileName = `ssh2-streams-native.${triple}.node`;
const ENV = 'SSH2_STREAMS_NATIVE_BINARY';

// Where a binary may be, in the order they are tried.
function candidates() {
  const override = process.env[ENV];
  if (override) return [{ kind: 'env', id: resolve(override) }];
  const root = join(__dirname, '..');
  return [
    { kind: 'package', id: `ssh2-streams-native-${triple}` },
    { kind: 'file', id: join(root, 'npm', triple, fileName) },
    { kind: 'file', id: join(root, fileName) },
    { kind: 'file', id: join(__dirname, fileName) },
  ];
}

/** @returns {{ binding: typeof import('./native'), from: string }} */
function load() {
  const errors = [];
  for (const c of candidates()) {
    if (c.kind === 'file' && !existsSync(c.id)) continue;
    if (c.kind === 'env' && !existsSync(c.id)) {
      errors.push(`${ENV}=${c.id}: no such file`);
      continue;
    }
    try {
      const binding = require(c.id);
      return { binding, from: c.kind === 'package' ? require.resolve(c.id) : c.id };
    } catch (err) {
      if (c.kind === 'package' && err.code === 'MODULE_NOT_FOUND' && !String(err.message).includes('.node')) continue;
      errors.push(`${c.id}: ${err.message}`);
    }
  }
  /** @type {NodeJS.ErrnoException} */
  const err = new Error(
    `ssh2-streams-native: no native engine for ${triple}. ` +
      'Install the prebuilt package ' + `ssh2-streams-native-${triple}` +
      ' or build from source with a Rust toolchain: npm run build' +
      ` (or set ${ENV} to the path of ${fileName})` +
      (errors.length ? `\n${errors.join('\n')}` : '')
  );
  err.code = 'ERR_SSH2_STREAMS_NATIVE_MISSING';
  throw err;
}

const { binding, from } = load();
module.exports = binding;
module.exports.triple = triple;
module.exports.fileName = fileName;
// The file the engine was loaded from.
module.exports.loadedFrom = from;
