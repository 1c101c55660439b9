'use strict';
// lib/native.d.ts, the types of the native addon's own API, cannot drift:
// it is what scripts/gen-native-dts.js makes from src/node/*.rs, and what
// that script reads from the Rust source is what the loaded addon has
// (every class, method, getter, setter and function, both ways).

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const gen = require('../scripts/gen-native-dts');
const binding = require('../lib/binding');

// What lib/binding.js adds to the addon's exports.
const ADDED_BY_BINDING_JS = new Set(['triple', 'fileName', 'loadedFrom']);

test('lib/native.d.ts is what scripts/gen-native-dts.js writes', () => {
  assert.strictEqual(
    fs.readFileSync(gen.OUT, 'utf8'),
    gen.render(),
    'lib/native.d.ts is out of date: run node scripts/gen-native-dts.js'
  );
});

/** The addon's exports as `name` / `Class.member` -> kind. */
function fromAddon() {
  const found = new Map();
  for (const [name, value] of Object.entries(binding)) {
    if (ADDED_BY_BINDING_JS.has(name)) continue;
    const proto = typeof value === 'function' && value.prototype;
    const members = proto ? Object.getOwnPropertyNames(proto).filter((m) => m !== 'constructor') : [];
    if (!members.length) {
      found.set(name, typeof value);
      continue;
    }
    found.set(name, 'class');
    for (const m of members) {
      const d = Object.getOwnPropertyDescriptor(proto, m);
      if (d.get) found.set(`${name}.${m}`, 'getter');
      if (d.set) found.set(`${name}.${m}=`, 'setter');
      if (!d.get && !d.set) found.set(`${name}.${m}`, typeof d.value === 'function' ? 'method' : typeof d.value);
    }
  }
  return found;
}

/** The same, as the generator reads it from the Rust source; gated: built with a cargo feature only. */
function fromSource() {
  const { classes, functions } = gen.collect();
  const declared = new Map();
  const gated = new Set();
  for (const f of functions) {
    declared.set(f.name, 'function');
    if (f.feature) gated.add(f.name);
  }
  for (const c of classes) {
    declared.set(c.name, 'class');
    for (const m of c.members) {
      const key = m.kind === 'setter' ? `${c.name}.${m.name}=` : `${c.name}.${m.name}`;
      declared.set(key, m.kind);
    }
  }
  return { declared, gated };
}

test('every export of the addon is declared, as the same kind', () => {
  const { declared } = fromSource();
  for (const [name, kind] of fromAddon()) {
    assert.ok(declared.has(name), `the addon has ${name} (${kind}) but lib/native.d.ts does not`);
    assert.strictEqual(declared.get(name), kind, name);
  }
});

test('everything declared is on the addon', () => {
  const { declared, gated } = fromSource();
  const found = fromAddon();
  for (const [name, kind] of declared) {
    if (gated.has(name) && !found.has(name)) continue;
    assert.ok(found.has(name), `lib/native.d.ts declares ${name} (${kind}) but the addon has no such thing`);
  }
  // The generator found the API at all (a parser that reads nothing passes the loop above).
  assert.ok(declared.get('SshSession') === 'class' && declared.get('SshSession.feed') === 'method');
  assert.strictEqual(declared.get('NativeKey.type'), 'getter');
  assert.strictEqual(declared.get('SshSession.remoteBugs='), 'setter');
});

test('constructors take what the Rust constructors take', () => {
  const { classes } = gen.collect();
  const ctor = (name) => classes.find((c) => c.name === name).ctor;
  assert.deepStrictEqual(ctor('SftpSession').params.map((p) => p[0]), ['server', 'openssh']);
  assert.strictEqual(ctor('NativeKey'), null);
  assert.throws(() => new binding.NativeKey(), /constructor/);
  assert.ok(new binding.SftpSession(false, true) instanceof binding.SftpSession);
});
