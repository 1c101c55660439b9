#!/usr/bin/env node
'use strict';
// Writes lib/native.d.ts, the types of the native addon's own API, from the
// `#[napi]` items in src/node/*.rs. napi-rs's CLI does this when it builds;
// we build with cargo directly (scripts/build-native.js), so this script
// does it instead. `--check` exits 1 when the committed file differs, and
// __test__/native-dts.test.js runs the same comparison plus one against the
// loaded addon.
//
// It reads rustfmt'd source line by line: a `#[napi...]` attribute at the
// start of a line is a top-level item, one indented by four spaces is a
// method of the `#[napi] impl` above it. An item or a Rust type it does not
// know is an error here rather than a silent gap in the types.

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const SRC = path.join(root, 'src', 'node');
const OUT = path.join(root, 'lib', 'native.d.ts');

// Values the Rust side builds by hand (Object, Array): their Rust type says
// nothing about their shape, so it is written here, keyed by JS name.
const SHAPES = {
  'SshSession.feed': 'Array<NativeEvent | number | Buffer>',
  'SshSession.hostKeyVerdict': 'NativeEvent[]',
  'SftpSession.feed': 'Array<NativeEvent | number>',
  parseKey: 'ParsedKeys',
  sftpDecodeStatvfs: 'StatvfsReply | null',
  sftpDecodeLimits: 'LimitsReply | null',
};

const PREAMBLE = `/**
 * One event of feed()/hostKeyVerdict(): its name ('_header', 'KEXINIT',
 * 'CHANNEL_DATA:0', 'packet', ...) and its arguments (src/node/events.rs).
 */
export type NativeEvent = [name: string, ...args: any[]];

/** parseKey's answer: an error message, or the keys (many: a file of several). */
export type ParsedKeys =
  | { error: string; keys?: undefined; many?: undefined }
  | { error?: undefined; keys: NativeKey[]; many: boolean };

/** A statvfs@openssh.com reply, 0.4.10's field names: the public StatVFS. */
export type StatvfsReply = import('../index').StatVFS;

/** A limits@openssh.com reply. */
export interface LimitsReply {
  maxPacketLength: number;
  maxReadLength: number;
  maxWriteLength: number;
  maxOpenHandles: number;
}
`;

// As napi-rs converts them (napi-derive-backend's table): 64-bit unsigned
// and pointer-sized integers cross as BigInt, i64 as a number.
const NUMBER = new Set(['u8', 'u16', 'u32', 'i8', 'i16', 'i32', 'i64', 'f32', 'f64']);
const BIGINT = new Set(['u64', 'usize', 'isize', 'u128', 'i128']);
const BUFFER = new Set(['Buffer', 'WireBytes', 'BufferSlice']);
const ENV = /^&(?:'\w+ )?Env$/;

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Splits `s` at top-level commas (not inside <>, (), [], {} or a "string"). */
function splitTop(s) {
  const parts = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '\\') {
        cur += ch + (s[i + 1] || '');
        i++;
        continue;
      }
      if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if ('<([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) || (ch === '>' && s[i - 1] !== '-')) depth--;
    if (ch === ',' && depth === 0 && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** `Outer<inner>` -> ['Outer', 'inner']; a plain name -> [name, null]. */
function generic(t) {
  const m = /^([\w:]+)<(.*)>$/.exec(t);
  return m ? [m[1].split('::').pop(), m[2].trim()] : [t, null];
}

/**
 * The TS type of Rust type `t`. `known`: the napi structs and classes,
 * Rust name -> JS name.
 * Returns { ts, optional } where optional marks an Option.
 */
function tsType(t, where, known) {
  t = t.replace(/^&(?:'\w+\s+)?(?:mut\s+)?/, '').trim();
  // Lifetime arguments say nothing to JS.
  t = t.replace(/<'\w+>/g, '').replace(/'\w+,\s*/g, '');
  const [outer, inner] = generic(t);
  if (outer === 'Result' && inner) return tsType(inner, where, known);
  if (outer === 'Option' && inner) {
    const { ts } = tsType(inner, where, known);
    return { ts, optional: true };
  }
  if (outer === 'Vec' && inner) {
    const el = tsType(inner, where, known).ts;
    return { ts: /^[\w[\]]+$/.test(el) ? `${el}[]` : `Array<${el}>` };
  }
  if (t === '[u8]') return { ts: where === 'param' ? 'Uint8Array' : 'Buffer' };
  if (t === 'Float64ArraySlice' && where === 'param') return { ts: 'Float64Array' };
  if (t === 'String' || t === 'str') return { ts: 'string' };
  if (t === 'bool') return { ts: 'boolean' };
  if (t === '()' || t === '') return { ts: 'void' };
  if (NUMBER.has(t)) return { ts: 'number' };
  if (BIGINT.has(t)) return { ts: 'bigint' };
  if (BUFFER.has(t)) return { ts: 'Buffer' };
  if (known.has(t)) return { ts: known.get(t) };
  throw new Error(`gen-native-dts: no TS type for Rust type \`${t}\` (${where}); add it here or to SHAPES`);
}

/**
 * The source's lines with each attribute on one line (rustfmt wraps long
 * ones): the lines it continued on become `#[]`, so line numbers stay.
 */
function joinAttributes(lines) {
  const out = lines.slice();
  for (let i = 0; i < out.length; i++) {
    if (!out[i].trim().startsWith('#[')) continue;
    let j = i;
    while (!/\]$/.test(out[i].trim()) && j + 1 < out.length) {
      out[i] += ' ' + out[++j].trim();
      out[j] = '#[]';
    }
  }
  return out;
}

/** `#[napi(getter, js_name = "type", catch_unwind)]` -> { getter: true, js_name: 'type', ... } */
function attrArgs(text) {
  const m = /^#\[napi(?:\(([\s\S]*)\))?\]$/.exec(text);
  // No prototype: `args.constructor` must be the attribute, not Object's.
  const args = Object.create(null);
  for (const part of splitTop((m && m[1]) || '')) {
    const kv = /^(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"$/.exec(part);
    if (kv) args[kv[1]] = kv[2].replace(/\\(.)/g, '$1');
    else args[part] = true;
  }
  return args;
}

/** Lines from `start` up to the one that ends the item's head (`{` or `;`). */
function itemHead(lines, start) {
  let text = '';
  for (let i = start; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l.startsWith('#[') || l.startsWith('//')) continue;
    // An empty body (`{}`) ends the head too.
    text += ' ' + l.replace(/\{\}$/, '{');
    if (/[{;]$|\{\}$/.test(l)) return { text: text.trim(), end: i };
  }
  throw new Error(`gen-native-dts: unterminated item at line ${start + 1}`);
}

/** The `///` lines right above line `i` (skipping other attributes). */
function docAbove(lines, i) {
  const doc = [];
  for (let j = i - 1; j >= 0; j--) {
    const l = lines[j].trim();
    if (l.startsWith('#[')) continue;
    if (!l.startsWith('///')) break;
    doc.unshift(l.replace(/^\/\/\/ ?/, ''));
  }
  return doc;
}

/** A fn head -> { name, params: [[name, rustType]], ret: rustType }. */
function parseFn(head) {
  const m = /\bfn\s+(\w+)\s*(?:<[^(]*>)?\s*\(([\s\S]*)\)\s*(?:->\s*([\s\S]*?))?\s*(?:where[\s\S]*)?\{$/.exec(head);
  if (!m) throw new Error(`gen-native-dts: cannot read fn \`${head}\``);
  const params = [];
  for (const p of splitTop(m[2])) {
    if (/^&?(?:'\w+\s+)?(?:mut\s+)?self$/.test(p)) continue;
    const colon = p.indexOf(':');
    const name = p.slice(0, colon).trim().replace(/^mut\s+/, '');
    const type = p.slice(colon + 1).trim();
    if (ENV.test(type) || type === 'Env') continue;
    params.push([name, type]);
  }
  return { name: m[1], params, ret: (m[3] || '').trim() };
}

/** The `#[napi(...)]` arguments on the lines right above line `i`. */
function napiAbove(lines, i) {
  const args = Object.create(null);
  for (let j = i - 1; j >= 0 && /^#\[|^\/\/\//.test(lines[j].trim()); j--) {
    if (/^#\[napi\b/.test(lines[j].trim())) Object.assign(args, attrArgs(lines[j].trim()));
  }
  return args;
}

/**
 * A napi(object) struct's fields, from the lines inside its braces:
 * [{ name, rust, doc, args }] (args: the field's #[napi(...)], e.g. ts_type).
 */
function parseFields(lines, start) {
  const fields = [];
  for (let i = start; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '}') return { fields, end: i };
    const m = /^pub\s+(\w+)\s*:\s*(.+),$/.exec(l);
    const args = m && napiAbove(lines, i);
    if (m && !args.skip) fields.push({ name: m[1], rust: m[2], doc: docAbove(lines, i), args });
  }
  throw new Error('gen-native-dts: unterminated struct');
}

/** Modules that mod.rs compiles only with a cargo feature. */
function gatedModules(dir) {
  const lines = fs.readFileSync(path.join(dir, 'mod.rs'), 'utf8').split('\n');
  const gated = new Map();
  lines.forEach((l, i) => {
    const m = /^pub mod (\w+);/.exec(l.trim());
    const cfg = i > 0 && /^#\[cfg\(feature = "([^"]+)"\)\]/.exec(lines[i - 1].trim());
    if (m && cfg) gated.set(m[1], cfg[1]);
  });
  return gated;
}

/**
 * The addon's API as the Rust source in `dir` declares it:
 * { objects, classes, functions } in source order (files sorted by name).
 */
function collect(dir = SRC) {
  const gated = gatedModules(dir);
  const objects = [];
  const classes = [];
  const functions = [];
  // By Rust name; an impl may come in a file before its struct's.
  const byClass = new Map();
  const classOf = (rustName) => {
    if (!byClass.has(rustName)) byClass.set(rustName, { name: null, rustName, doc: [], ctor: null, members: [], feature: null });
    return byClass.get(rustName);
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.rs')).sort()) {
    const feature = gated.get(file.replace(/\.rs$/, '')) || null;
    const lines = joinAttributes(fs.readFileSync(path.join(dir, file), 'utf8').split('\n'));
    let impl = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^impl\b/.test(line)) impl = null;
      if (!/^\s*#\[napi\b/.test(line)) continue;
      const nested = /^ {4}#/.test(line);
      const args = attrArgs(line.trim());
      const doc = docAbove(lines, i);
      const { text, end } = itemHead(lines, i + 1);
      if (!nested && /^(?:pub\s+)?struct\s+(\w+)/.test(text)) {
        const rustName = /struct\s+(\w+)/.exec(text)[1];
        const name = args.js_name || rustName;
        const { fields, end: close } = parseFields(lines, end + 1);
        if (args.object) objects.push({ name, rustName, doc, fields });
        else classes.push(Object.assign(classOf(rustName), { name, doc, feature }));
        i = close;
      } else if (!nested && /^impl\s+(\w+)/.test(text)) {
        impl = classOf(/^impl\s+(\w+)/.exec(text)[1]);
        i = end;
      } else if (/\bfn\s/.test(text)) {
        const fn = parseFn(text);
        // ts_args_type / ts_return_type: napi-rs's own way to say a type in Rust.
        const item = { rust: fn.name, doc, params: fn.params, ret: fn.ret, tsArgs: args.ts_args_type, tsRet: args.ts_return_type };
        if (!nested) {
          functions.push({ ...item, name: args.js_name || camel(fn.name), feature });
        } else if (!impl) {
          throw new Error(`gen-native-dts: #[napi] method outside a #[napi] impl: ${file}:${i + 1}`);
        } else if (args.constructor) {
          impl.ctor = item;
        } else if (args.getter || args.setter) {
          const bare = fn.name.replace(args.getter ? /^get_/ : /^set_/, '');
          const kind = args.getter ? 'getter' : 'setter';
          impl.members.push({ ...item, kind, name: args.js_name || camel(bare) });
        } else {
          impl.members.push({ ...item, kind: 'method', name: args.js_name || camel(fn.name) });
        }
        i = end;
      } else {
        throw new Error(`gen-native-dts: unsupported #[napi] item at ${file}:${i + 1}: ${text}`);
      }
    }
  }
  for (const cls of byClass.values()) {
    if (cls.name === null) throw new Error(`gen-native-dts: #[napi] impl ${cls.rustName} without a #[napi] struct`);
  }
  return { objects, classes, functions };
}

function jsdoc(doc, indent) {
  if (!doc.length) return '';
  if (doc.length === 1) return `${indent}/** ${doc[0]} */\n`;
  return `${indent}/**\n${doc.map((d) => `${indent} *${d ? ' ' + d : ''}`).join('\n')}\n${indent} */\n`;
}

/** An item's parameters as TS: its ts_args_type, else each Rust parameter's type. */
function paramList(item, known) {
  if (item.tsArgs !== undefined) return item.tsArgs;
  const typed = item.params.map(([name, rust]) => ({ name: camel(name), ...tsType(rust, 'param', known) }));
  // A parameter may be left out (`?`) only when every one after it may be.
  let tailOptional = true;
  for (let i = typed.length - 1; i >= 0; i--) {
    tailOptional = tailOptional && !!typed[i].optional;
    typed[i].skippable = tailOptional;
  }
  return typed
    .map((p) => {
      if (!p.optional) return `${p.name}: ${p.ts}`;
      return `${p.name}${p.skippable ? '?' : ''}: ${p.ts} | undefined | null`;
    })
    .join(', ');
}

/** An item's return type as TS: its ts_return_type, its SHAPES entry, else from the Rust type. */
function returnType(key, item, known, shapes) {
  if (item.tsRet !== undefined) return item.tsRet;
  if (Object.hasOwn(shapes.types, key)) {
    shapes.used.add(key);
    return shapes.types[key];
  }
  const { ts, optional } = tsType(item.ret, 'return', known);
  return optional ? `${ts} | null` : ts;
}

/** The text of lib/native.d.ts; `types`: the hand-written return shapes (SHAPES). */
function render(api = collect(), types = SHAPES) {
  const known = new Map([...api.objects, ...api.classes].map((o) => [o.rustName, o.name]));
  const shapes = { types, used: new Set() };
  let out =
    '// Generated by scripts/gen-native-dts.js from the #[napi] items in\n' +
    '// src/node/*.rs: do not edit; run `node scripts/gen-native-dts.js`.\n' +
    "// The native addon's own API, as lib/binding.js loads it.\n\n" +
    PREAMBLE;
  for (const o of api.objects) {
    out += '\n' + jsdoc(o.doc, '') + `export interface ${o.name} {\n`;
    for (const f of o.fields) {
      const { ts, optional } = tsType(f.rust, 'field', known);
      const name = f.args.js_name || camel(f.name);
      out += jsdoc(f.doc, '  ') + `  ${name}${optional ? '?' : ''}: ${f.args.ts_type || ts};\n`;
    }
    out += '}\n';
  }
  for (const c of api.classes) {
    out += '\n' + jsdoc(c.doc, '') + `export declare class ${c.name} {\n`;
    if (c.ctor) out += jsdoc(c.ctor.doc, '  ') + `  constructor(${paramList(c.ctor, known)});\n`;
    else out += '  /** Made by the addon only (napi: no constructor). */\n  private constructor();\n';
    for (const m of c.members) {
      const key = `${c.name}.${m.name}`;
      out += jsdoc(m.doc, '  ');
      if (m.kind === 'getter') out += `  get ${m.name}(): ${returnType(key, m, known, shapes)};\n`;
      else if (m.kind === 'setter') out += `  set ${m.name}(${paramList(m, known)});\n`;
      else out += `  ${m.name}(${paramList(m, known)}): ${returnType(key, m, known, shapes)};\n`;
    }
    out += '}\n';
  }
  for (const f of api.functions) {
    const sig = `(${paramList(f, known)})`;
    const ret = returnType(f.name, f, known, shapes);
    if (f.feature) {
      out += '\n' + jsdoc([...f.doc, `Only in a build with cargo feature "${f.feature}".`], '');
      out += `export declare const ${f.name}: undefined | (${sig} => ${ret});\n`;
    } else {
      out += '\n' + jsdoc(f.doc, '');
      out += `export declare function ${f.name}${sig}: ${ret};\n`;
    }
  }
  const stale = Object.keys(types).filter((k) => !shapes.used.has(k));
  if (stale.length) throw new Error(`gen-native-dts: SHAPES names what the source no longer has: ${stale.join(', ')}`);
  return out;
}

module.exports = { collect, render, OUT };

if (require.main === module) {
  const text = render();
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(OUT) && fs.readFileSync(OUT, 'utf8') === text;
    if (!same) {
      console.error(`${path.relative(root, OUT)} is out of date: run node scripts/gen-native-dts.js`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(OUT, text);
    console.log(`wrote ${path.relative(root, OUT)}`);
  }
}
