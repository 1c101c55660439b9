'use strict';
// The bytes the exec rows move: `bytes` of a deterministic stream with no
// repeats (the AES-128-CTR keystream of a fixed key), so that sender and
// receiver derive the same bytes on their own, and a lost, repeated or
// reordered stretch anywhere in the transfer fails the receiver's check.

const crypto = require('crypto');

function benchBytes(bytes) {
  const key = crypto.createHash('sha256').update('ssh2-streams-native bench').digest().subarray(0, 16);
  const cipher = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  const out = Buffer.allocUnsafe(bytes);
  for (let off = 0; off < bytes; off += zeros.length) {
    const n = Math.min(zeros.length, bytes - off);
    cipher.update(zeros.subarray(0, n)).copy(out, off);
  }
  return out;
}

/**
 * A receiver's check of `expected` as it arrives in chunks: push() each
 * chunk, then end() throws unless all of it, and nothing more, came.
 * Every byte is compared (memcmp), which costs far less than hashing.
 */
function checker(expected) {
  let got = 0;
  return {
    push(chunk) {
      if (got + chunk.length > expected.length) throw new Error(`more than the ${expected.length} bytes expected`);
      if (expected.compare(chunk, 0, chunk.length, got, got + chunk.length) !== 0) {
        let i = 0;
        while (chunk[i] === expected[got + i]) i++;
        throw new Error(`corrupt data at byte ${got + i}`);
      }
      got += chunk.length;
    },
    get received() {
      return got;
    },
    end() {
      if (got !== expected.length) throw new Error(`got ${got} of ${expected.length} bytes`);
    },
  };
}

module.exports = { benchBytes, checker };
