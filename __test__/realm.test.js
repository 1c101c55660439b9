'use strict';
// lib/realm.js: what the engine builds is copied into the caller's realm when
// it comes from another one (Jest's per-file vm contexts), and passed through
// as is otherwise.

const test = require('node:test');
const assert = require('node:assert');
const vm = require('node:vm');
const { fromEngine } = require('../lib/realm');

test('arrays and plain objects of another realm become this realm, deeply', () => {
  const buf = Buffer.from('payload');
  const foreign = vm.runInNewContext("[['USERAUTH_FAILURE', ['password', 'publickey'], false], ['_header', { versions: { protocol: '2.0' } }, buf]]", { buf });
  assert.ok(!(foreign instanceof Array), 'the input is of the other realm');
  const local = fromEngine(foreign);
  assert.ok(local instanceof Array);
  assert.ok(local[0][1] instanceof Array);
  assert.strictEqual(Object.getPrototypeOf(local[1][1]), Object.prototype);
  assert.strictEqual(Object.getPrototypeOf(local[1][1].versions), Object.prototype);
  assert.deepStrictEqual(local, [
    ['USERAUTH_FAILURE', ['password', 'publickey'], false],
    ['_header', { versions: { protocol: '2.0' } }, buf],
  ]);
  assert.strictEqual(local[1][2], buf, 'Buffers are passed through, not copied');
});

test("this realm's values are returned as they are", () => {
  const events = [['CHANNEL_DATA:0', Buffer.alloc(4)], ['x', { a: 1 }]];
  assert.strictEqual(fromEngine(events), events);
  assert.strictEqual(fromEngine(null), null);
  assert.strictEqual(fromEngine('s'), 's');
});

test('objects with their own prototype (not plain) are passed through', () => {
  const foreign = vm.runInNewContext('[new (class K { constructor() { this.k = 1; } })(), new Map()]');
  const local = fromEngine(foreign);
  assert.strictEqual(local[0], foreign[0]);
  assert.strictEqual(local[1], foreign[1]);
});
