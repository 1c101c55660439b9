// @ts-check
'use strict';
// Arrays and plain objects the engine builds belong to the realm the addon
// was loaded in. Jest runs each test file in its own vm context but loads a
// .node file once, with the outer require, so there what the engine returns
// is another realm's Array/Object: `instanceof Array` is false and
// assert.deepStrictEqual (which compares prototypes) fails against the
// test's literals. ssh2-streams was plain JS, so its users never met this.
//
// fromEngine(value) gives the value itself when it is of this realm (plain
// Node: one check per call), else a copy made here: arrays and plain objects
// are copied, deeply; Buffers and other objects are passed through (Jest's
// environment shares the outer Buffer).

/**
 * @template T
 * @param {T} value
 * @returns {T}
 */
function fromEngine(value) {
  if (typeof value !== 'object' || value === null || value instanceof Object) return value;
  return localize(value);
}

function localize(value) {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Array.from(value, localize);
  const proto = Object.getPrototypeOf(value);
  // Another realm's Object.prototype: an object whose prototype has none.
  if (proto === null || Object.getPrototypeOf(proto) !== null) return value;
  const copy = {};
  for (const key of Object.keys(value)) copy[key] = localize(value[key]);
  return copy;
}

module.exports = { fromEngine };
