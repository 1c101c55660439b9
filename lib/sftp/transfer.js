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

/** The side's read and write: fs's own (batched), or SFTPStream's readData/writeData. */
const readOf = (side) => (side === fs ? batchedRead() : side.readData.bind(side));
// To an SFTP peer the chunks go out as views of `buf`, not copies: a slot is
// reused only once its write is acknowledged (readChunk).
const writeOf = (side) => (side === fs ? batchedWrite() : side._writeDataInPlace.bind(side));

/** A side whose handle can still be closed: fs, or an SFTP stream still open. */
const closable = (side) => side === fs || side.writable;

/**
 * Copies `srcPath` on `src` to `dstPath` on `dst`, where each side is `fs`
 * or an SFTPStream; `cb(err)` once both handles are closed.
 */
function fastXfer(src, dst, srcPath, dstPath, opts, cb) {
  if (typeof opts === 'function') cb = opts;
  const o = options(opts);
  let { concurrency } = o;
  const { chunkSize } = o;

  let srcHandle;
  let dstHandle;
  let fileSize;
  let nextPos = 0; // where the next chunk not yet asked for starts
  let total = 0;
  let failed = false;
  let buf;

  const read = readOf(src);
  const write = writeOf(dst);

  /** Closes whatever is open, then reports `err` (undefined: nothing to copy). */
  function finish(err) {
    if (failed) return;
    failed = true;
    const open = [];
    if (srcHandle && closable(src)) open.push([src, srcHandle, read]);
    if (dstHandle && closable(dst)) open.push([dst, dstHandle, write]);
    if (!open.length) return cb(err);
    let left = open.length;
    for (const [side, handle, op] of open) {
      const close = () => side.close(handle, () => --left === 0 && cb(err));
      // A local file: closed once its batched fs calls are back.
      if (op.settle) op.settle(err || new Error('Transfer stopped'), close);
      else close();
    }
  }

  src.open(srcPath, 'r', (err, handle) => {
    if (err) return finish(err);
    srcHandle = handle;
    if (o.fileSize !== undefined) return sized(o.fileSize);
    src.fstat(srcHandle, (err, st) => {
      if (!err) return sized(st.size);
      // Some SFTP servers lack fstat; stat the path instead.
      if (src === fs) return finish(err);
      src.stat(srcPath, (err2, st2) => (err2 ? finish(err) : sized(st2.size)));
    });
  });

  function sized(size) {
    fileSize = size;
    dst.open(dstPath, 'w', (err, handle) => {
      if (err) return finish(err);
      dstHandle = handle;
      if (fileSize <= 0) return finish();
      // No more slots than the file has chunks.
      let bufSize = chunkSize * concurrency;
      while (bufSize > fileSize) {
        if (concurrency === 1) {
          bufSize = fileSize;
          break;
        }
        bufSize -= chunkSize;
        --concurrency;
      }
      try {
        buf = Buffer.allocUnsafe(bufSize);
      } catch (e) {
        return finish(e);
      }
      if (o.mode === undefined) return start();
      // fchmod, or chmod for servers without it; a failure of both is ignored.
      dst.fchmod(dstHandle, o.mode, (err) => {
        if (!err) return start();
        dst.chmod(dstPath, o.mode, () => start());
      });
    });
  }

  function start() {
    for (let slot = 0, n = 0; nextPos < fileSize && n < concurrency; ++n, slot += chunkSize) {
      const len = Math.min(chunkSize, fileSize - nextPos);
      readChunk(slot, nextPos, len);
      nextPos += len;
    }
  }

  /** Reads `len` bytes at file position `pos` into the slot at `slot`. */
  function readChunk(slot, pos, len) {
    read(srcHandle, buf, slot, len, pos, (err, nb) => {
      if (err) return finish(err);
      // Nothing at a position short of the size: the source shrank. (0.4.10
      // asked again forever here.)
      if (nb === 0) return finish(new Error(`Source ended at byte ${pos} of the ${fileSize} expected`));
      write(dstHandle, buf, slot, nb, pos, (err) => {
        if (err) return finish(err);
        total += nb;
        if (o.step) o.step(total, nb, fileSize);
        // A short read: the rest of this chunk, into the same slot.
        if (nb < len) return readChunk(slot, pos + nb, len - nb);
        if (total === fileSize) return closeBoth();
        if (nextPos >= fileSize) return;
        const next = Math.min(chunkSize, fileSize - nextPos);
        readChunk(slot, nextPos, next);
        nextPos += next;
      });
    });
  }

  function closeBoth() {
    dst.close(dstHandle, (err) => {
      dstHandle = undefined;
      if (err) return finish(err);
      src.close(srcHandle, (err) => {
        srcHandle = undefined;
        if (err) return finish(err);
        cb();
      });
    });
  }
}

module.exports = { fastXfer };
