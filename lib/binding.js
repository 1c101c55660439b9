'use strict';
// Loads the native engine: the platform package first (a prebuilt binary,
// the napi-rs convention), then a binary built from source in this folder.

const { join } = require('path');
const { existsSync } = require('fs');

const triple = require('./triple');
const fileName = `ssh2-streams-native.${triple}.node`;

// Where a binary may be, in the order they are tried.
function candidates() {
  const root = join(__dirname, '..');
  return [
    { kind: 'package', id: `ssh2-streams-native-${triple}` },
    { kind: 'file', id: join(root, 'npm', triple, fileName) },
    { kind: 'file', id: join(root, fileName) },
  ];
}

function load() {
  const errors = [];
  for (const c of candidates()) {
    if (c.kind === 'file' && !existsSync(c.id)) continue;
    try {
      return require(c.id);
    } catch (err) {
      if (c.kind === 'package' && err.code === 'MODULE_NOT_FOUND') continue;
      errors.push(`${c.id}: ${err.message}`);
    }
  }
  const err = new Error(
    `ssh2-streams-native: no native engine for ${triple}. ` +
      'Install the prebuilt package ' + `ssh2-streams-native-${triple}` +
      ' or build from source with a Rust toolchain: npm run build' +
      (errors.length ? `\n${errors.join('\n')}` : '')
  );
  err.code = 'ERR_SSH2_STREAMS_NATIVE_MISSING';
  throw err;
}

module.exports = load();
module.exports.triple = triple;
module.exports.fileName = fileName;
