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

/** The side's read and write: fs's own (batched), or SFTPStream's readData/writeData. */
const readOf = (side) => (side === fs ? batchedFs(readvRun) : side.readData.bind(side));
// To an SFTP peer the chunks go out as views of `buf`, not copies: a slot is
// reused only once its write is acknowledged (readChunk).
const writeOf = (side) => (side === fs ? batchedFs(writevRun) : side._writeDataInPlace.bind(side));

/**
 * @typedef {{ buf: Buffer, off: number, len: number, pos: number, cb: (err: Error | null, n?: number) => void }} Chunk
 * @typedef {(fd: number, run: Chunk[], done: () => void) => void} RunOp
 */

/**
 * fs.read's or fs.write's signature for one transfer's local file, with one
 * fs call in flight at a time: chunks asked for meanwhile wait, then go
 * together, one fs.readv or fs.writev per run of adjacent file positions.
 * Each fs call is a hand-off to libuv's thread pool and back (two
 * cross-CPU wake-ups), which costs more than copying 32 KiB to or from the
 * page cache; the peer answers faster than one call at a time drains, so
 * batches form by themselves. Each chunk's callback still runs once its
 * own bytes are read or written.
 * @param {RunOp} runOp
 */
function batchedFs(runOp) {
  /** @type {Chunk[]} */
  let waiting = [];
  let busy = false;
  let fd;
  /** @type {Error | null} once the transfer failed: nothing more goes to the fd */
  let stopped = null;
  /** @type {(() => void) | null} */
  let onIdle = null;

  function idle() {
    busy = false;
    if (stopped) {
      const cb = onIdle;
      onIdle = null;
      if (cb) cb();
    } else if (waiting.length) flush();
  }

  function flush() {
    const batch = waiting.sort((a, b) => a.pos - b.pos);
    waiting = [];
    busy = true;
    /** @type {Chunk[][]} */
    const runs = [];
    for (const chunk of batch) {
      const run = runs[runs.length - 1];
      const last = run && run[run.length - 1];
      if (last && last.pos + last.len === chunk.pos) run.push(chunk);
      else runs.push([chunk]);
    }
    let left = runs.length;
    for (const run of runs) {
      runOp(fd, run, () => {
        if (--left === 0) idle();
      });
    }
  }

  /** @type {((handle: number, buf: Buffer, off: number, len: number, pos: number, cb: Chunk['cb']) => void) & { settle?: (err: Error, cb: () => void) => void }} */
  const op = (handle, buf, off, len, pos, cb) => {
    if (stopped) return process.nextTick(cb, stopped);
    fd = handle;
    waiting.push({ buf, off, len, pos, cb });
    if (!busy) flush();
  };
  /**
   * The transfer failed: the chunks still waiting fail with `err`, none
   * goes to the fd any more, and `cb` runs once no fs call is out, so the
   * fd is closed only then (a closed fd's number may be reused at once).
   */
  op.settle = (err, cb) => {
    stopped = err;
    const failed = waiting;
    waiting = [];
    for (const c of failed) process.nextTick(c.cb, err);
    if (busy) onIdle = cb;
    else cb();
  };
  return op;
}

const views = (run) => run.map((c) => c.buf.subarray(c.off, c.off + c.len));

/** @type {RunOp} Reads a run; a chunk the read stopped short of is read alone (fs.read: 0 bytes there is the end of the file). */
function readvRun(fd, run, done) {
  fs.readv(fd, views(run), run[0].pos, (err, got) => {
    // The run is done once those read again are back too (the fd stays open till then).
    let out = 1;
    const back = () => --out === 0 && done();
    for (const c of run) {
      if (err) c.cb(err);
      else if (got > 0) c.cb(null, Math.min(got, c.len));
      else {
        ++out;
        fs.read(fd, c.buf, c.off, c.len, c.pos, (e, n) => (back(), c.cb(e, n)));
      }
      got -= c.len;
    }
    back();
  });
}

/** @type {RunOp} Writes a run whole: a short write goes on from where it stopped. */
function writevRun(fd, run, done) {
  let rest = views(run);
  let pos = run[0].pos;
  const finish = (err) => {
    for (const c of run) c.cb(err);
    done();
  };
  const more = (err, written) => {
    if (err) return finish(err);
    // Nothing written and no error: asking again would loop forever.
    if (written === 0) return finish(new Error(`Writing the local file at byte ${pos} wrote nothing`));
    pos += written;
    while (rest.length && written >= rest[0].length) written -= rest.shift().length;
    if (!rest.length) return finish(null);
    if (written > 0) rest = [rest[0].subarray(written), ...rest.slice(1)];
    fs.writev(fd, rest, pos, more);
  };
  fs.writev(fd, rest, pos, more);
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
