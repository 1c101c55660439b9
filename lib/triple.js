// @ts-check
'use strict';
// The platform triple in napi-rs naming (linux-x64-gnu, darwin-arm64, ...):
// it names both the prebuilt package and the local .node file.

const { isMusl } = require('./libc');

function platformTriple() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

module.exports = platformTriple();
