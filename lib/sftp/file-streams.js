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

/** What both streams share: path, flags, mode, handle, autoClose, start. */
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
  if (stream.start !== undefined) {
    checkPosition(stream.start, 'start');
    stream.pos = stream.start;
  }
}

/** Opens `stream.path`, then runs `opened(handle)`; an error ends the stream. */
function openFile(stream, opened) {
  if (stream._opening) return;
  stream._opening = true;
  stream.sftp.open(stream.path, stream.flags, stream.mode, (err, handle) => {
    stream._opening = false;
    if (err) {
      stream.emit('error', err);
      if (stream.autoClose) stream.destroy();
      return;
    }
    stream.handle = handle;
    opened(handle);
  });
}

/** _destroy for both: close the handle (after the open, if one is under way). */
function destroyFile(err, cb) {
  if (this._opening && !Buffer.isBuffer(this.handle)) {
    this.once('open', () => closeFile(this, cb, err));
    return;
  }
  closeFile(this, cb, err);
  this.handle = null;
  this._opening = false;
}

function closeFile(stream, cb, err) {
  const onClose = (closeErr) => {
    const e = closeErr || err;
    // Node's stream sets its own `closed` once this callback runs.
    cb(e);
    // emitClose is off (fs streams of 0.4.10's day did this by hand).
    if (!e) stream.emit('close');
  };
  if (!stream.handle) return onClose();
  stream.sftp.close(stream.handle, onClose);
}

const pending = {
  get() {
    return this.handle === null;
  },
  configurable: true,
};

class ReadStream extends Readable {
  constructor(sftp, path, options_) {
    const options = ownOptions(options_);
    if (options.highWaterMark === undefined) options.highWaterMark = 64 * 1024;
    options.emitClose = false;
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
    this.on('end', function () {
      if (this.autoClose) this.destroy();
    });
    if (!Buffer.isBuffer(this.handle)) this.open();
  }

  open() {
    openFile(this, (handle) => {
      this.emit('open', handle);
      this.emit('ready');
      this.read();
    });
  }

  _read(n) {
    if (!Buffer.isBuffer(this.handle)) return void this.once('open', () => this._read(n));
    if (this.destroyed) return;
    // `end` is inclusive, as in fs.createReadStream.
    const want = Math.min(n, this.end - this.pos + 1);
    if (want <= 0) return void this.push(null);
    const buf = Buffer.allocUnsafe(want);
    this.sftp.readData(this.handle, buf, 0, want, this.pos, (err, nb) => {
      if (err) {
        this.emit('error', err);
        if (this.autoClose) this.destroy();
        return;
      }
      this.pos += nb;
      this.bytesRead += nb;
      // 0 bytes is EOF.
      this.push(nb > 0 ? buf.subarray(0, nb) : null);
    });
  }

  close(cb) {
    this.destroy(null, cb);
  }
}
ReadStream.prototype._destroy = destroyFile;
Object.defineProperty(ReadStream.prototype, 'pending', pending);

class WriteStream extends Writable {
  constructor(sftp, path, options_) {
    const options = ownOptions(options_);
    options.emitClose = false;
    super(options);
    setUp(this, sftp, path, options, 'w');
    this.bytesWritten = 0;
    if (options.encoding) this.setDefaultEncoding(options.encoding);
    this.on('finish', function () {
      if (this._writableState.finalCalled) return;
      if (this.autoClose) this.destroy();
    });
    if (!Buffer.isBuffer(this.handle)) this.open();
  }

  _final(cb) {
    if (this.autoClose) this.destroy();
    cb();
  }

  open() {
    openFile(this, (handle) => {
      const ready = () => {
        this.emit('open', handle);
        this.emit('ready');
      };
      // fchmod, or chmod for servers without it; then, for an append, the
      // size to write at, since SFTP v3 writes at explicit offsets only.
      const chmodded = () => {
        if (this.flags[0] !== 'a') return ready();
        this.sftp.fstat(handle, (err, st) => {
          if (!err) return atSize(st);
          this.sftp.stat(this.path, (err2, st2) => {
            if (!err2) return atSize(st2);
            this.destroy();
            this.emit('error', err);
          });
        });
      };
      const atSize = (st) => {
        this.pos = st.size;
        ready();
      };
      this.sftp.fchmod(handle, this.mode, (err) => {
        if (!err) return chmodded();
        this.sftp.chmod(this.path, this.mode, () => chmodded());
      });
    });
  }

  _write(data, encoding, cb) {
    if (!Buffer.isBuffer(data)) return void this.emit('error', new InvalidArgTypeError('data', 'Buffer', data));
    if (!Buffer.isBuffer(this.handle)) return void this.once('open', () => this._write(data, encoding, cb));
    this.sftp.writeData(this.handle, data, 0, data.length, this.pos, (err, bytes) => {
      if (err) {
        if (this.autoClose) this.destroy();
        return cb(err);
      }
      this.bytesWritten += bytes;
      cb();
    });
    this.pos += data.length;
  }

  _writev(chunks, cb) {
    if (!Buffer.isBuffer(this.handle)) return void this.once('open', () => this._writev(chunks, cb));
    let left = chunks.length;
    const onWrite = (err, bytes) => {
      if (err) {
        this.destroy();
        return cb(err);
      }
      this.bytesWritten += bytes;
      if (--left === 0) cb();
    };
    for (const { chunk } of chunks) {
      this.sftp.writeData(this.handle, chunk, 0, chunk.length, this.pos, onWrite);
      this.pos += chunk.length;
    }
  }

  close(cb) {
    if (cb) {
      if (this.closed) return void process.nextTick(cb);
      this.on('close', cb);
    }
    // Without autoClose, nothing else would close the handle at the end.
    if (!this.autoClose) this.on('finish', this.destroy.bind(this));
    this.end();
  }
}
WriteStream.prototype._destroy = destroyFile;
// There is no shutdown() for files.
WriteStream.prototype.destroySoon = WriteStream.prototype.end;
Object.defineProperty(WriteStream.prototype, 'pending', pending);

module.exports = { ReadStream, WriteStream };
