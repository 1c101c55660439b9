'use strict';
// The median of a set of measurements with its range, as every bench row
// reports it (an even count takes the mean of the middle two).

/** @param {number[]} values @returns {{ median: number, min: number, max: number, n: number } | null} */
function spread(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

module.exports = { spread };
