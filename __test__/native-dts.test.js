'use strict';
// lib/native.d.ts, the types of the native addon's own API, cannot drift:
// it is what scripts/gen-native-dts.js makes from src/node/*.rs, and what
// that script reads from the Rust source is what the loaded addon has
// (every class, method, getter, setter and function, both ways).

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
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

/** lib/native.d.ts's text for a src/node made of `files` (name -> Rust source). */
function renderFrom(files, shapes = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-native-dts-'));
  try {
    for (const [name, text] of Object.entries({ 'mod.rs': '', ...files })) fs.writeFileSync(path.join(dir, name), text);
    return gen.render(gen.collect(dir), shapes);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the generator follows napi-rs naming and its ts_* attributes', () => {
  const dts = renderFrom({
    'mod.rs': '#[cfg(feature = "probe")]\npub mod probe;\npub mod thing;\n',
    'probe.rs': '#[napi]\npub fn probe_count() -> u32 {\n    1\n}\n',
    'thing.rs': [
      '#[napi(object, js_name = "Shape")]',
      'pub struct ShapeJs {',
      '    /// Its width.',
      '    pub width_px: Option<u32>,',
      '    #[napi(ts_type = "\'a\' | \'b\'")]',
      '    pub kind: String,',
      '    #[napi(skip)]',
      '    pub hidden: bool,',
      '}',
      '',
      '#[napi]',
      'pub struct Thing {',
      '    inner: u32,',
      '}',
      '',
      '#[napi]',
      'impl Thing {',
      '    #[napi(constructor)]',
      '    pub fn new(shape: ShapeJs) -> Self {',
      '        Thing { inner: 0 }',
      '    }',
      '',
      '    #[napi(getter)]',
      '    pub fn get_inner_value(&self) -> Option<u32> {',
      '        None',
      '    }',
      '',
      '    /// Two lines',
      '    /// of doc.',
      '    #[allow(clippy::too_many_arguments)]',
      '    #[napi(',
      '        ts_args_type = "cb: (err: Error | null, n: number) => void, tag?: string",',
      '        ts_return_type = "Promise<void>"',
      '    )]',
      '    pub fn run_later<\'env>(&mut self, env: &\'env Env, cb: Function, tag: Option<String>) -> Result<Object<\'env>> {',
      '        todo!()',
      '    }',
      '',
      '    #[napi]',
      '    pub fn take(&self, first: Option<&[u8]>, second: Vec<Vec<String>>) -> Vec<Buffer> {',
      '        vec![]',
      '    }',
      '',
      '    #[napi]',
      '    pub fn sizes(&self, a: u64, b: i64, c: usize) -> f64 {',
      '        0.0',
      '    }',
      '}',
      '',
    ].join('\n'),
  });
  assert.match(dts, /export interface Shape \{/);
  assert.match(dts, /\/\*\* Its width\. \*\/\n {2}widthPx\?: number;\n {2}kind: 'a' \| 'b';\n\}/);
  assert.doesNotMatch(dts, /hidden/);
  assert.match(dts, /export declare class Thing \{\n {2}constructor\(shape: Shape\);/);
  assert.match(dts, /get innerValue\(\): number \| null;/);
  assert.match(dts, / {2}\/\*\*\n {3}\* Two lines\n {3}\* of doc\.\n {3}\*\/\n {2}runLater\(cb: \(err: Error \| null, n: number\) => void, tag\?: string\): Promise<void>;/);
  // An optional parameter before a required one cannot be left out.
  assert.match(dts, /take\(first: Uint8Array \| undefined \| null, second: string\[\]\[\]\): Buffer\[\];/);
  assert.match(dts, /sizes\(a: bigint, b: number, c: bigint\): number;/);
  assert.match(dts, /\/\*\* Only in a build with cargo feature "probe"\. \*\/\nexport declare const probeCount: undefined \| \(\(\) => number\);/);
});

test('the generator refuses what it cannot type', () => {
  assert.throws(
    () => renderFrom({ 'x.rs': '#[napi]\npub fn odd(v: HashMap<String, u32>) {}\n' }),
    /no TS type for Rust type `HashMap<String, u32>`/
  );
  assert.throws(() => renderFrom({ 'x.rs': '#[napi]\npub enum Kind {\n    A,\n}\n' }), /unsupported #\[napi\] item/);
  assert.throws(() => renderFrom({ 'x.rs': IMPL }), /#\[napi\] impl Session without a #\[napi\] struct/);
  // A hand-written shape for something the source no longer has is stale.
  assert.throws(() => renderFrom({ 'x.rs': STRUCT + IMPL }, { 'Session.feed': 'Event[]', 'Session.gone': 'X' }), /no longer has: Session.gone/);
});

const STRUCT = '#[napi]\npub struct Session {\n    n: u32,\n}\n';
const IMPL = '#[napi]\nimpl Session {\n    #[napi]\n    pub fn feed<\'env>(&mut self, env: &\'env Env) -> Result<Array<\'env>> {\n        todo!()\n    }\n}\n';

test('a class may be split over files, an impl coming first', () => {
  // Sorted by name, a_send.rs comes before session.rs, which has the struct.
  const dts = renderFrom({ 'a_send.rs': IMPL, 'session.rs': STRUCT }, { 'Session.feed': 'Event[]' });
  assert.match(dts, /export declare class Session \{\n[^}]*private constructor\(\);\n {2}feed\(\): Event\[\];\n\}/);
});
