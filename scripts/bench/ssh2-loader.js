'use strict';
// Loads ssh2@0.8.9 on either protocol layer: 'orig' is its own dependency
// (ssh2-streams@0.4.10); 'ours' resolves its require('ssh2-streams') to this
// package, exactly what an app's npm override does.

const Module = require('module');
const path = require('path');

function loadSsh2(impl) {
  if (impl === 'ours') {
    const ours = path.join(__dirname, '..', '..', 'index.js');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'ssh2-streams') return ours;
      return resolve.call(this, request, ...rest);
    };
  } else if (impl !== 'orig') {
    throw new Error(`unknown implementation ${impl}`);
  }
  return require('ssh2');
}

module.exports = { loadSsh2 };
