'use strict';
// The check every SFTP bench transfer ends with, after its clock stops:
// the copy at `file` has the source's size and sha256. The copy is removed
// either way, so the next transfer writes a new file as the first did.

const crypto = require('crypto');
const fs = require('fs');

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Throws unless the file at `file` holds exactly `data`; removes it. */
function checkCopy(file, data) {
  const copy = fs.readFileSync(file);
  fs.rmSync(file);
  if (copy.length !== data.length) throw new Error(`the copy has ${copy.length} of ${data.length} bytes`);
  if (sha(copy) !== sha(data)) throw new Error('the copy differs from the source (sha256)');
}

module.exports = { checkCopy };
