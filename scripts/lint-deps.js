#!/usr/bin/env node
// @ts-check
'use strict';
// `npm run lint:deps [-- <crate root>]`: fails when Cargo.toml declares a
// Rust dependency that no code uses. A declared but unused crate costs
// build time and tells a reader the wrong story (issue 19).
//
// Each dependency's name in code is its key in Cargo.toml with '-' made '_'
// (a renamed crate, `foo = { package = "bar" }`, is `foo` in code). It
// counts as used when a source file names it as a path (`name::`), in a
// `use name` or an `extern crate name`, outside `//` comments:
// [dependencies] and target-specific ones in src/ and build.rs,
// [build-dependencies] in build.rs, [dev-dependencies] in src/, tests/,
// benches/ and examples/.

const fs = require('fs');
const path = require('path');

/** Where each kind of dependency may be used, relative to the crate root. */
const PLACES = {
  dependencies: ['src', 'build.rs'],
  'build-dependencies': ['build.rs'],
  'dev-dependencies': ['src', 'tests', 'benches', 'examples', 'build.rs'],
};

/**
 * The declared dependencies: [{ name, kind }], from `[dependencies]`-style
 * tables (inline keys) and `[dependencies.name]` headers, target-specific
 * tables included.
 */
function declared(toml) {
  const out = [];
  let kind = null;
  // Open brackets of a value that spans lines: its lines hold no keys.
  let depth = 0;
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/, '').trim();
    if (!line) continue;
    const atTop = depth === 0;
    depth = Math.max(0, depth + (line.match(/[[{]/g) || []).length - (line.match(/[\]}]/g) || []).length);
    if (!atTop) continue;
    // A table, or an array-of-tables entry such as [[bench]] (never deps).
    const bare = raw.replace(/#.*$/, '').trim();
    if (/^\[\[[^\]]+\]\]$/.test(bare)) {
      kind = null;
      continue;
    }
    const header = /^\[([^\]]+)\]$/.exec(bare);
    if (header) {
      // [dependencies], [target.'cfg(unix)'.dev-dependencies], [dependencies.foo]
      const m = /(?:^|\.)(dependencies|build-dependencies|dev-dependencies)(?:\.("?)([A-Za-z0-9_-]+)\2)?$/.exec(header[1]);
      kind = null;
      if (m && m[3]) out.push({ name: m[3], kind: m[1] });
      else if (m) kind = m[1];
      continue;
    }
    if (!kind) continue;
    const key = /^("?)([A-Za-z0-9_-]+)\1\s*=/.exec(raw.trim());
    if (key) out.push({ name: key[2], kind });
  }
  return out;
}

/** Every .rs file under `p` (a file or a folder), or none when it is absent. */
function rustFiles(p) {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return p.endsWith('.rs') ? [p] : [];
  return fs.readdirSync(p).flatMap((e) => rustFiles(path.join(p, e)));
}

/** Source text without `//` comments (doc comments included). */
function code(file) {
  return fs.readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
}

/** The declared dependencies that no code under their places names. */
function unused(root) {
  const deps = declared(fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8'));
  const texts = new Map();
  const textOf = (kind) => {
    if (!texts.has(kind)) texts.set(kind, PLACES[kind].flatMap((p) => rustFiles(path.join(root, p))).map(code).join('\n'));
    return texts.get(kind);
  };
  return deps.filter(({ name, kind }) => {
    const ident = name.replace(/-/g, '_');
    const used = new RegExp(`(?<![A-Za-z0-9_])(?:${ident}\\s*::|use\\s+${ident}\\b|extern\\s+crate\\s+${ident}\\b)`);
    return !used.test(textOf(kind));
  });
}

module.exports = { declared, unused };

if (require.main === module) {
  const root = path.resolve(process.argv[2] || path.join(__dirname, '..'));
  const found = unused(root);
  for (const { name, kind } of found) {
    console.error(`lint:deps: ${name} is declared in [${kind}] of ${path.join(root, 'Cargo.toml')} but no code uses it`);
  }
  if (found.length) process.exit(1);
  console.log(`lint:deps: every declared Rust dependency is used (${declared(fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')).length} checked)`);
}
