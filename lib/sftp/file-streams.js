// @ts-check
'use strict';
// createReadStream/createWriteStream: fs.ReadStream and fs.WriteStream over
// an SFTP handle, with 0.4.10's options, events ('open', 'ready', 'close')
// and properties (bytesRead, bytesWritten, pos, pending, closed).

const { Readable, Writable } = require('stream');
const { inspect } = require('util');

/** RangeError with Node's ERR_OUT_OF_RANGE message. */
class OutOfRangeError extends RangeError {
  constructor(name, range, received) {
    const shown = Number.isInteger(received) && Math.abs(received) > 2 ** 32 ? inspect(received, { numericSeparator: true }) : inspect(received);
    super(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
    this.code = 'ERR_OUT_OF_RANGE';
  }
}

/** TypeError with Node's ERR_INVALID_ARG_TYPE message. */
class InvalidArgTypeError extends TypeError {
  constructor(name, expected, actual) {
    super(`The "${name}" argument must be of type ${expected}. Received type ${typeof actual}`);
    this.code = 'ERR_INVALID_ARG_TYPE';
  }
}

const SAFE_RANGE = '>= 0 and <= 2 ** 53 - 1';

/** A start or end offset: a safe non-negative integer. */
function checkPosition(pos, name) {
  if (Number.isSafeInteger(pos) && pos >= 0) return;
  if (typeof pos !== 'number') throw new InvalidArgTypeError(name, 'number', pos);
  if (!Number.isInteger(pos)) throw new OutOfRangeError(name, 'an integer', pos);
  throw new OutOfRangeError(name, SAFE_RANGE, pos);
}

/** A copy of the options object, so the stream's defaults never leak into the caller's. */
function ownOptions(options) {
  if (options === undefined) return {};
  if (typeof options === 'string') return { encoding: options };
  if (options === null || typeof options !== 'object') throw new TypeError('"options" argument must be a string or an object');
  return Object.create(options);
}

/**
 * What both streams share: path, flags, mode, handle, autoClose, start.
 * The stream ends as today's fs streams do, on every Node from 18 on: Node
 * destroys it after 'end' or 'finish' when autoClose is set (autoDestroy),
 * _destroy closes the handle, and Node emits 'close' (emitClose) after it;
 * an error is 'error' once, then 'close'. (0.4.10 turned emitClose off and
 * destroyed the write stream inside _final before calling back, so on Node
 * 18 and later 'finish' never came and ssh2-sftp-client's put(), which
 * waits for it, never resolved.)
 */
function streamOptions(options) {
  if (options.autoDestroy === undefined) options.autoDestroy = options.autoClose === undefined ? true : !!options.autoClose;
  if (options.emitClose === undefined) options.emitClose = true;
  return options;
}

function setUp(stream, sftp, path, options, defaultFlags) {
  stream.path = path;
  stream.flags = options.flags === undefined ? defaultFlags : options.flags;
  stream.mode = options.mode === undefined ? 0o666 : options.mode;
  stream.start = options.start;
  stream.autoClose = options.autoClose === undefined ? true : options.autoClose;
  stream.pos = 0;
  stream.handle = options.handle === undefined ? null : options.handle;
  stream.sftp = sftp;
  stream._opening = false;
  // Run once the handle is ready ('open'), or dropped if opening fails.
  stream._whenOpen = [];
  if (stream.start !== undefined) {
    checkPosition(stream.start, 'start');
    stream.pos = stream.start;
  }
}

/** Runs `fn` now if the handle is ready, else once it is. */
function whenOpen(stream, fn) {
  if (Buffer.isBuffer(stream.handle) && !stream._opening) return fn();
  stream._whenOpen.push(fn);
}

/** The handle is ready: 'open' and 'ready', then what waited for it. */
function opened(stream, handle) {
  // Destroyed while opening: the handle is only closed.
  if (stream.destroyed) return openFailed(stream, null);
  stream._opening = false;
  stream.emit('open', handle);
  stream.emit('ready');
  const waiting = stream._whenOpen;
  stream._whenOpen = [];
  for (const fn of waiting) fn();
}

/** An error the stream cannot go on from: destroyed with it (once), or only reported without autoClose, as fs streams do. */
function fail(stream, err) {
  if (!err || stream.destroyed) return;
  if (stream.autoClose) stream.destroy(err);
  else stream.emit('error', err);
}

/**
 * Opening failed, or was cut short by destroy() (`err` null;
 * `stream.handle` is what must still be closed, if anything): what waited
 * for the handle is dropped, except a destroy() under way, which closes it
 * now; then the error, if any.
 */
function openFailed(stream, err) {
  stream._opening = false;
  const waiting = stream._whenOpen;
  stream._whenOpen = [];
  for (const fn of waiting) if (fn.closes) fn();
  fail(stream, err);
}

/** Opens `stream.path`, then runs `then(handle)`; an error fails the stream. */
function openFile(stream, then) {
  if (stream._opening) return;
  stream._opening = true;
  stream.sftp.open(stream.path, stream.flags, stream.mode, (err, handle) => {
    if (err) return openFailed(stream, err);
    stream.handle = handle;
    if (stream.destroyed) return openFailed(stream, null);
    then(handle);
  });
}

/**
 * _destroy for both: close the handle (after the open, if one is under way).
 * @this {ReadStream | WriteStream}
 */
function destroyFile(err, cb) {
  if (this._opening) {
    const close = () => closeFile(this, cb, err);
    close.closes = true;
    this._whenOpen.push(close);
    return;
  }
  closeFile(this, cb, err);
}

function closeFile(stream, cb, err) {
  const handle = stream.handle;
  stream.handle = null;
  // Node's stream emits 'error' (if any) and then 'close' once cb runs.
  if (!Buffer.isBuffer(handle)) return cb(err);
  stream.sftp.close(handle, (closeErr) => cb(err || closeErr));
}

const pending = {
  get() {
    return this.handle === null;
  },
  configurable: true,
};

class ReadStream extends Readable {
  // Set by setUp(); declared for tsc, in the order setUp sets them.
  /** @type {string} */ path;
  /** @type {string} */ flags;
  /** @type {string | number} */ mode;
  /** @type {number | undefined} */ start;
  /** @type {boolean} */ autoClose;
  /** @type {number} */ pos;
  /** @type {Buffer | null} */ handle;
  /** @type {import('../sftp')} */ sftp;
  /** @type {boolean} */ _opening;
  /** @type {Array<(() => void) & { closes?: boolean }>} */ _whenOpen;

  constructor(sftp, path, options_) {
    const options = streamOptions(ownOptions(options_));
    if (options.highWaterMark === undefined) options.highWaterMark = 64 * 1024;
    super(options);
    setUp(this, sftp, path, options, 'r');
    this.end = options.end;
    this.bytesRead = 0;
    if (this.end === undefined) {
      this.end = Infinity;
    } else if (this.end !== Infinity) {
      checkPosition(this.end, 'end');
      if (this.start !== undefined && this.start > this.end) throw new OutOfRangeError('start', `<= "end" (here: ${this.end})`, this.start);
    }
    if (!Buffer.isBuffer(this.handle)) this.open();
  }

  open() {
    openFile(this, (handle) => opened(this, handle));
  }

  _read(n) {
    whenOpen(this, () => {
      if (this.destroyed) return;
      // `end` is inclusive, as in fs.createReadStream.
      const want = Math.min(n, this.end - this.pos + 1);
      if (want <= 0) return void this.push(null);
      const buf = Buffer.allocUnsafe(want);
      this.sftp.readData(this.handle, buf, 0, want, this.pos, (err, nb) => {
        if (this.destroyed) return;
        if (err) return fail(this, err);
        this.pos += nb;
        this.bytesRead += nb;
        // 0 bytes is EOF.
        this.push(nb > 0 ? buf.subarray(0, nb) : null);
      });
    });
  }

  close(cb) {
    // destroy(err, cb) is Node's (lib/internal/streams/destroy.js); @types/node has no cb.
    /** @type {any} */ (this).destroy(null, cb);
  }
}
ReadStream.prototype._destroy = destroyFile;
Object.defineProperty(ReadStream.prototype, 'pending', pending);

class WriteStream extends Writable {
  // Set by setUp(); declared for tsc, in the order setUp sets them.
  /** @type {string} */ path;
  /** @type {string} */ flags;
  /** @type {string | number} */ mode;
  /** @type {number | undefined} */ start;
  /** @type {boolean} */ autoClose;
  /** @type {number} */ pos;
  /** @type {Buffer | null} */ handle;
  /** @type {import('../sftp')} */ sftp;
  /** @type {boolean} */ _opening;
  /** @type {Array<(() => void) & { closes?: boolean }>} */ _whenOpen;

  constructor(sftp, path, options_) {
    const options = streamOptions(ownOptions(options_));
    super(options);
    setUp(this, sftp, path, options, 'w');
    this.bytesWritten = 0;
    if (options.encoding) this.setDefaultEncoding(options.encoding);
    if (!Buffer.isBuffer(this.handle)) this.open();
  }

  // 'finish' once every write is acknowledged and the file is open (an
  // end() with nothing written still creates it); Node then destroys the
  // stream when autoClose is set, which closes the handle, then 'close'.
  _final(cb) {
    whenOpen(this, () => cb());
  }

  open() {
    openFile(this, (handle) => {
      // fchmod, or chmod for servers without it; then, for an append, the
      // size to write at, since SFTP v3 writes at explicit offsets only.
      const chmodded = () => {
        if (this.flags[0] !== 'a') return opened(this, handle);
        this.sftp.fstat(handle, (err, st) => {
          if (!err) return atSize(st);
          this.sftp.stat(this.path, (err2, st2) => {
            if (!err2) return atSize(st2);
            openFailed(this, err);
          });
        });
      };
      const atSize = (st) => {
        this.pos = st.size;
        opened(this, handle);
      };
      this.sftp.fchmod(handle, this.mode, (err) => {
        if (!err) return chmodded();
        this.sftp.chmod(this.path, this.mode, () => chmodded());
      });
    });
  }

  _write(data, encoding, cb) {
    if (!Buffer.isBuffer(data)) return void cb(new InvalidArgTypeError('data', 'Buffer', data));
    whenOpen(this, () => {
      this.sftp.writeData(this.handle, data, 0, data.length, this.pos, (err, bytes) => {
        // An error goes to cb: Node reports it once and, with autoClose, destroys.
        if (err) return cb(err);
        this.bytesWritten += bytes;
        cb();
      });
      this.pos += data.length;
    });
  }

  _writev(chunks, cb) {
    whenOpen(this, () => {
      let left = chunks.length;
      let failed = false;
      const onWrite = (err, bytes) => {
        if (failed) return;
        if (err) {
          failed = true;
          return cb(err);
        }
        this.bytesWritten += bytes;
        if (--left === 0) cb();
      };
      for (const { chunk } of chunks) {
        this.sftp.writeData(this.handle, chunk, 0, chunk.length, this.pos, onWrite);
        this.pos += chunk.length;
      }
    });
  }

  close(cb) {
    if (cb) {
      if (this.closed) return void process.nextTick(cb);
      this.on('close', cb);
    }
    // Already finished: end() would only fail, and nothing else closes.
    if (this.writableFinished) return void this.destroy();
    // Without autoClose, nothing else would close the handle at the end.
    if (!this.autoClose) this.on('finish', () => this.destroy());
    this.end();
  }
}
WriteStream.prototype._destroy = destroyFile;
// There is no shutdown() for files.
WriteStream.prototype.destroySoon = WriteStream.prototype.end;
Object.defineProperty(WriteStream.prototype, 'pending', pending);

module.exports = { ReadStream, WriteStream };
