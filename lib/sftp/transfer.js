// @ts-check
'use strict';
// fastGet/fastPut: one file copied between the local fs and an SFTP peer
// with many reads in flight at once. Each read owns one slot of a shared
// buffer; when its write completes, the slot serves the next chunk. This is
// where SFTP throughput comes from: one request at a time is bound by the
// round trip, not the link.

const fs = require('fs');
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

/** The side's read and write: fs's own, or SFTPStream's readData/writeData. */
const readOf = (side) => (side === fs ? fs.read : side.readData).bind(side);
// To an SFTP peer the chunks go out as views of `buf`, not copies: a slot is
// reused only once its write is acknowledged (readChunk). Into a local file
// they go batched (batchedFsWrite).
const writeOf = (side) => (side === fs ? batchedFsWrite() : side._writeDataInPlace.bind(side));

/**
 * fs.write's signature for one transfer's local file, with one fs call in
 * flight at a time: chunks that arrive meanwhile wait, then go out together,
 * one fs.writev per run of adjacent file positions. Each fs call is a
 * hand-off to libuv's thread pool and back (two cross-CPU wake-ups), which
 * cost more than writing 32 KiB into the page cache; replies arrive faster
 * than one write at a time drains them, so batches form by themselves.
 * Each chunk's callback still runs once its own bytes are written.
 */
function batchedFsWrite() {
  /** @type {{ buf: Buffer, off: number, len: number, pos: number, cb: (err?: Error | null) => void }[]} */
  let waiting = [];
  let busy = false;
  let fd;

  function flush() {
    const batch = waiting.sort((a, b) => a.pos - b.pos);
    waiting = [];
    busy = true;
    const runs = [];
    for (const chunk of batch) {
      const run = runs[runs.length - 1];
      const last = run && run[run.length - 1];
      if (last && last.pos + last.len === chunk.pos) run.push(chunk);
      else runs.push([chunk]);
    }
    let left = runs.length;
    for (const run of runs) {
      const views = run.map((c) => c.buf.subarray(c.off, c.off + c.len));
      writevAll(fd, views, run[0].pos, (err) => {
        for (const c of run) c.cb(err);
        if (--left > 0) return;
        busy = false;
        if (waiting.length) flush();
      });
    }
  }

  return (handle, buf, off, len, pos, cb) => {
    fd = handle;
    waiting.push({ buf, off, len, pos, cb });
    if (!busy) flush();
  };
}

/** fs.writev until every byte of `views` is written at `pos` (a short write goes on from where it stopped). */
function writevAll(fd, views, pos, cb) {
  fs.writev(fd, views, pos, (err, written) => {
    if (err) return cb(err);
    let rest = views;
    let done = written;
    while (rest.length && done >= rest[0].length) done -= rest.shift().length;
    if (!rest.length) return cb(null);
    if (done > 0) rest = [rest[0].subarray(done), ...rest.slice(1)];
    writevAll(fd, rest, pos + written, cb);
  });
}
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

  /** Closes whatever is open, then reports `err` (undefined: nothing to copy). */
  function finish(err) {
    if (failed) return;
    failed = true;
    const open = [];
    if (srcHandle && closable(src)) open.push([src, srcHandle]);
    if (dstHandle && closable(dst)) open.push([dst, dstHandle]);
    if (!open.length) return cb(err);
    let left = open.length;
    for (const [side, handle] of open) side.close(handle, () => --left === 0 && cb(err));
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

  const read = readOf(src);
  const write = writeOf(dst);

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
