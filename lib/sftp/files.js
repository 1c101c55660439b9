// @ts-check
'use strict';
// Whole-file helpers on an SFTPStream, with fs.readFile/writeFile's argument
// forms. SFTP v3 has no "current position", so every read and write carries
// its offset, and an append starts at the size fstat reports.

const { constants: { MAX_LENGTH } } = require('buffer');
const { STATUS_CODE } = require('./stats');

const DEFAULT_MODE = 0o666;

/** The callback, wherever the caller put it. */
function callbackOf(options, cb) {
  if (typeof cb === 'function') return cb;
  if (typeof options === 'function') return options;
  return undefined;
}

/** fs-style options: a string is the encoding; `defaults` fill the rest. */
function normalize(options, defaults) {
  if (typeof options === 'function' || !options) return { ...defaults };
  if (typeof options === 'string') return { ...defaults, encoding: options };
  if (typeof options !== 'object') throw new TypeError('Bad arguments');
  return options;
}

function checkEncoding(encoding) {
  if (encoding && !Buffer.isEncoding(encoding)) throw new Error(`Unknown encoding: ${encoding}`);
}

/** fstat, or stat of the path for servers that lack fstat; closes on failure. */
function sizeOf(sftp, handle, path, cb, fail) {
  sftp.fstat(handle, (err, st) => {
    if (!err) return cb(st);
    sftp.stat(path, (err2, st2) => (err2 ? sftp.close(handle, () => fail(err)) : cb(st2)));
  });
}

function readFile(sftp, path, options_, cb_) {
  const cb = callbackOf(options_, cb_);
  const options = normalize(options_, { encoding: null, flag: 'r' });
  checkEncoding(options.encoding);
  const done = (err, data) => cb && cb(err, data);

  sftp.open(path, options.flag || 'r', DEFAULT_MODE, (err, handle) => {
    if (err) return done(err);
    sizeOf(sftp, handle, path, (st) => readAll(sftp, handle, st.size || 0, options.encoding, done), done);
  });
}

// The first read's buffer; each later one is as large as what arrived so
// far, so memory follows the data the server actually sends, not the size
// it claims (issue 16: a FSTAT saying 1 GiB allocated 1 GiB up front).
const FIRST_READ = 64 * 1024;

/**
 * Reads from offset 0 until EOF or `size` bytes. A size of 0 may be a lie
 * (as for /proc files), so then reads go on until EOF. The buffer grows,
 * doubling, as it fills; a size no Buffer can hold is an error.
 */
function readAll(sftp, handle, size, encoding, done) {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_LENGTH) {
    const err = new RangeError(`File size ${size} is over the largest Buffer (${MAX_LENGTH} bytes)`);
    return sftp.close(handle, () => done(err));
  }
  const limit = size || MAX_LENGTH;
  let buffer = Buffer.allocUnsafe(Math.min(limit, FIRST_READ));
  let pos = 0;

  const next = () => {
    if (pos === buffer.length) {
      if (pos === limit) return size ? finish() : fail(new RangeError(`File is over the largest Buffer (${MAX_LENGTH} bytes)`));
      const grown = Buffer.allocUnsafe(Math.min(limit, 2 * buffer.length));
      buffer.copy(grown, 0, 0, pos);
      buffer = grown;
    }
    sftp.readData(handle, buffer, pos, buffer.length - pos, pos, afterRead);
  };
  function afterRead(err, nb) {
    if (err && err.code !== STATUS_CODE.EOF) return fail(err);
    if (err || nb === 0) return finish();
    pos += nb;
    next();
  }
  // EOF comes back as an error here, not as 0 bytes, so it ends the loop.
  afterRead._wantEOFError = true;

  function fail(err) {
    sftp.close(handle, () => done(err));
  }
  function finish() {
    sftp.close(handle, (err) => {
      /** @type {Buffer | string} */
      let data = buffer.subarray(0, pos);
      if (encoding) data = data.toString(encoding);
      done(err, data);
    });
  }
  next();
}

/** Writes all of `buffer` at `position`, then closes the handle. */
function writeAll(sftp, handle, buffer, position, cb) {
  let offset = 0;
  const step = () =>
    sftp.writeData(handle, buffer, offset, buffer.length - offset, position + offset, (err, upTo) => {
      if (err) return sftp.close(handle, () => cb && cb(err));
      // writeData reports the offset in `buffer` it reached.
      if (upTo === buffer.length) return sftp.close(handle, cb);
      offset = upTo;
      step();
    });
  step();
}

function writeFile(sftp, path, data, options_, cb_) {
  const cb = callbackOf(options_, cb_);
  const options = normalize(options_, { encoding: 'utf8', mode: DEFAULT_MODE, flag: 'w' });
  checkEncoding(options.encoding);
  const flag = options.flag || 'w';

  sftp.open(path, flag, options.mode, (err, handle) => {
    if (err) return cb && cb(err);
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(`${data}`, options.encoding || 'utf8');
    if (!/a/.test(flag)) return writeAll(sftp, handle, buffer, 0, cb);
    // Appending: SFTP v3 writes at explicit offsets, so start at the end.
    sizeOf(sftp, handle, path, (st) => writeAll(sftp, handle, buffer, st.size, cb), (e) => cb && cb(e));
  });
}

function appendFile(sftp, path, data, options_, cb_) {
  const cb = callbackOf(options_, cb_);
  let options = normalize(options_, { encoding: 'utf8', mode: DEFAULT_MODE, flag: 'a' });
  if (!options.flag) options = { ...options, flag: 'a' };
  return writeFile(sftp, path, data, options, cb);
}

function exists(sftp, path, cb) {
  sftp.stat(path, (err) => cb && cb(!err));
}

module.exports = { readFile, writeFile, appendFile, exists };
