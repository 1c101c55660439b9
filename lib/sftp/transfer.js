// @ts-check
'use strict';
// fastGet/fastPut: one file copied between the local fs and an SFTP peer
// with many reads in flight at once. Each read owns one slot of a shared
// buffer; when its write completes, the slot serves the next chunk. This is
// where SFTP throughput comes from: one request at a time is bound by the
// round trip, not the link.

const fs = require('fs');
const { batchedRead, batchedWrite } = require('./batched-fs');
const { modeNum } = require('./stats');

const DEFAULTS = { concurrency: 64, chunkSize: 32768 };

const positive = (n) => typeof n === 'number' && n > 0 && !Number.isNaN(n);

function options(opts) {
  /** @type {{ concurrency: number, chunkSize: number, fileSize?: number, step?: (total: number, chunk: number, size: number) => void, mode?: number }} */
  const o = { ...DEFAULTS, fileSize: undefined, step: undefined, mode: undefined };
  if (typeof opts !== 'object' || opts === null) return o;
  if (positive(opts.concurrency)) o.concurrency = opts.concurrency;
  if (positive(opts.chunkSize)) o.chunkSize = opts.chunkSize;
  if (positive(opts.fileSize)) o.fileSize = opts.fileSize;
  if (typeof opts.step === 'function') o.step = opts.step;
  if (typeof opts.mode === 'string' || typeof opts.mode === 'number') o.mode = modeNum(opts.mode);
  return o;
}

/** A side whose handle can still be closed: fs, or an SFTP stream still open. */
const closable = (side) => side === fs || side.writable;

/**
 * One fastGet/fastPut. A class, not closures made per call: the second
 * transfer in a process runs the code V8 optimized for the first. (Closures
 * made afresh per transfer were compiled again, and the callers that had
 * inlined the first transfer's were thrown out: ~0.1 s of V8's compiler
 * threads in a 256 MiB fastGet's second transfer.)
 */
class Transfer {
  /**
   * @param {any} src fs or an SFTPStream
   * @param {any} dst fs or an SFTPStream
   * @param {ReturnType<typeof options>} o
   * @param {(err?: Error) => void} cb
   */
  constructor(src, dst, o, cb) {
    this.src = src;
    this.dst = dst;
    this.o = o;
    this.cb = cb;
    this.concurrency = o.concurrency;
    this.chunkSize = o.chunkSize;
    // A local side goes through the fs batched; an SFTP side is the stream.
    this.srcFile = src === fs ? batchedRead() : null;
    this.dstFile = dst === fs ? batchedWrite() : null;
    // fastGet: the replies' bytes go to the local file from where they were
    // received (SFTPStream _readDataViews), not through a buffer of ours.
    this.viewsIn = !this.srcFile && this.dstFile !== null;
    this.srcHandle = undefined;
    this.dstHandle = undefined;
    this.fileSize = 0;
    this.nextPos = 0; // where the next chunk not yet asked for starts
    this.total = 0;
    this.failed = false;
    /** @type {Buffer} */
    this.buf = Buffer.alloc(0);
  }

  /** @param {string} srcPath @param {string} dstPath */
  open(srcPath, dstPath) {
    const { src } = this;
    src.open(srcPath, 'r', (err, handle) => {
      if (err) return this.finish(err);
      this.srcHandle = handle;
      if (this.o.fileSize !== undefined) return this.sized(this.o.fileSize, dstPath);
      src.fstat(handle, (err, st) => {
        if (!err) return this.sized(st.size, dstPath);
        // Some SFTP servers lack fstat; stat the path instead.
        if (src === fs) return this.finish(err);
        src.stat(srcPath, (err2, st2) => (err2 ? this.finish(err) : this.sized(st2.size, dstPath)));
      });
    });
  }

  /** @param {number} size @param {string} dstPath */
  sized(size, dstPath) {
    this.fileSize = size;
    const { dst, o } = this;
    dst.open(dstPath, 'w', (err, handle) => {
      if (err) return this.finish(err);
      this.dstHandle = handle;
      if (size <= 0) return this.finish();
      // No more slots than the file has chunks.
      const { chunkSize } = this;
      let bufSize = chunkSize * this.concurrency;
      while (bufSize > size) {
        if (this.concurrency === 1) {
          bufSize = size;
          break;
        }
        bufSize -= chunkSize;
        --this.concurrency;
      }
      try {
        if (!this.viewsIn) this.buf = Buffer.allocUnsafe(bufSize);
      } catch (e) {
        return this.finish(e);
      }
      if (o.mode === undefined) return this.start();
      // fchmod, or chmod for servers without it; a failure of both is ignored.
      dst.fchmod(handle, o.mode, (err) => {
        if (!err) return this.start();
        dst.chmod(dstPath, o.mode, () => this.start());
      });
    });
  }

  start() {
    const { chunkSize, fileSize } = this;
    for (let slot = 0, n = 0; this.nextPos < fileSize && n < this.concurrency; ++n, slot += chunkSize) {
      const len = Math.min(chunkSize, fileSize - this.nextPos);
      this.readChunk(slot, this.nextPos, len);
      this.nextPos += len;
    }
  }

  /** Reads `len` bytes at file position `pos` into the slot at `slot`. */
  readChunk(slot, pos, len) {
    if (this.viewsIn) {
      this.src._readDataViews(this.srcHandle, len, pos, (err, nb, views) => this.chunkRead(slot, pos, len, err, nb, views));
      return;
    }
    const cb = (err, nb) => this.chunkRead(slot, pos, len, err, nb, null);
    if (this.srcFile) this.srcFile.submit(this.srcHandle, this.buf, slot, len, pos, cb);
    else this.src.readData(this.srcHandle, this.buf, slot, len, pos, cb);
  }

  /** @param {Buffer[] | null} views the bytes read, when they are not in the slot (viewsIn) */
  chunkRead(slot, pos, len, err, nb, views) {
    if (err) return this.finish(err);
    // Nothing at a position short of the size: the source shrank. (0.4.10
    // asked again forever here.)
    if (nb === 0) return this.finish(new Error(`Source ended at byte ${pos} of the ${this.fileSize} expected`));
    const cb = (err) => this.chunkWritten(slot, pos, len, nb, err);
    if (views && this.dstFile) this.dstFile.submitViews(this.dstHandle, views, nb, pos, cb);
    else if (this.dstFile) this.dstFile.submit(this.dstHandle, this.buf, slot, nb, pos, cb);
    // To an SFTP peer the chunk goes out as a view of `buf`, not a copy: a
    // slot is reused only once its write is acknowledged.
    else this.dst._writeDataInPlace(this.dstHandle, this.buf, slot, nb, pos, cb);
  }

  chunkWritten(slot, pos, len, nb, err) {
    if (err) return this.finish(err);
    this.total += nb;
    if (this.o.step) this.o.step(this.total, nb, this.fileSize);
    // A short read: the rest of this chunk, into the same slot.
    if (nb < len) return this.readChunk(slot, pos + nb, len - nb);
    if (this.total === this.fileSize) return this.closeBoth();
    if (this.nextPos >= this.fileSize) return;
    const next = Math.min(this.chunkSize, this.fileSize - this.nextPos);
    this.readChunk(slot, this.nextPos, next);
    this.nextPos += next;
  }

  /** Closes whatever is open, then reports `err` (undefined: nothing to copy). */
  finish(err) {
    if (this.failed) return;
    this.failed = true;
    const { src, dst, cb } = this;
    const open = [];
    if (this.srcHandle && closable(src)) open.push([src, this.srcHandle, this.srcFile]);
    if (this.dstHandle && closable(dst)) open.push([dst, this.dstHandle, this.dstFile]);
    if (!open.length) return cb(err);
    let left = open.length;
    for (const [side, handle, file] of open) {
      const close = () => side.close(handle, () => --left === 0 && cb(err));
      // A local file: closed once its batched fs calls are back.
      if (file) file.settle(err || new Error('Transfer stopped'), close);
      else close();
    }
  }

  closeBoth() {
    this.dst.close(this.dstHandle, (err) => {
      this.dstHandle = undefined;
      if (err) return this.finish(err);
      this.src.close(this.srcHandle, (err) => {
        this.srcHandle = undefined;
        if (err) return this.finish(err);
        this.cb();
      });
    });
  }
}

/**
 * Copies `srcPath` on `src` to `dstPath` on `dst`, where each side is `fs`
 * or an SFTPStream; `cb(err)` once both handles are closed.
 */
function fastXfer(src, dst, srcPath, dstPath, opts, cb) {
  if (typeof opts === 'function') cb = opts;
  new Transfer(src, dst, options(opts), cb).open(srcPath, dstPath);
}

module.exports = { fastXfer };
