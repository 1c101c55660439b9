// @ts-check
'use strict';
// One local file's reads or writes, batched: fastGet/fastPut's local side
// (transfer.js) and the demo SFTP server's files (scripts/demo) go through
// here, so that many 32 KiB requests in flight cost a few fs calls, not one
// each.

const fs = require('fs');

/**
 * @typedef {{ bufs: Buffer[], len: number, pos: number, cb: (err: Error | null, n?: number) => void }} Chunk a chunk's bytes: `len` of them, in `bufs`, at file position `pos`
 * @typedef {(fd: number, run: Chunk[], done: () => void) => void} RunOp
 */

/**
 * fs.read's or fs.write's work for one local file, with one fs call in
 * flight at a time: chunks asked for meanwhile wait, then go together, one
 * fs.readv or fs.writev per run of adjacent file positions. Each fs call is
 * a hand-off to libuv's thread pool and back (two cross-CPU wake-ups), which
 * costs more than copying 32 KiB to or from the page cache; the peer answers
 * faster than one call at a time drains, so batches form by themselves.
 * Each chunk's callback still runs once its own bytes are read or written.
 *
 * A class, not closures made per file: a second transfer in the same
 * process then runs the code V8 already optimized for the first, where
 * closures made afresh for each file are compiled again (and the callers
 * that had inlined the first file's are thrown out).
 */
class BatchedFs {
  /** @param {RunOp} runOp */
  constructor(runOp) {
    this.runOp = runOp;
    /** @type {Chunk[]} */
    this.waiting = [];
    this.busy = false;
    this.fd = -1;
    /** @type {Error | null} once the transfer failed: nothing more goes to the fd */
    this.stopped = null;
    /** @type {(() => void)[]} callers of `drained` and `settle`, until nothing is waiting or out */
    this.onDrained = [];
    /** runs of the fs calls out that are not back yet */
    this.runsOut = 0;
    this.runDone = () => {
      if (--this.runsOut === 0) this.idle();
    };
  }

  /**
   * fs.read's or fs.write's arguments: the chunk waits for the next fs call.
   * @param {number} handle
   * @param {Buffer} buf
   * @param {number} off
   * @param {number} len
   * @param {number} pos
   * @param {Chunk['cb']} cb
   */
  submit(handle, buf, off, len, pos, cb) {
    this.submitViews(handle, [buf.subarray(off, off + len)], len, pos, cb);
  }

  /**
   * Like submit, for a chunk of `len` bytes in several buffers (fastGet
   * writes a reply's bytes from the views it came in).
   * @param {number} handle
   * @param {Buffer[]} bufs
   * @param {number} len
   * @param {number} pos
   * @param {Chunk['cb']} cb
   */
  submitViews(handle, bufs, len, pos, cb) {
    if (this.stopped) return process.nextTick(cb, this.stopped);
    this.fd = handle;
    this.waiting.push({ bufs, len, pos, cb });
    if (!this.busy) this.flush();
  }

  /**
   * The transfer failed: the chunks still waiting fail with `err`, none
   * goes to the fd any more, and `cb` runs once no fs call is out, so the
   * fd is closed only then (a closed fd's number may be reused at once).
   * @param {Error} err
   * @param {() => void} cb
   */
  settle(err, cb) {
    this.stopped = err;
    const failed = this.waiting;
    this.waiting = [];
    for (const c of failed) process.nextTick(c.cb, err);
    if (this.busy) this.onDrained.push(cb);
    else cb();
  }

  /**
   * `cb` once every chunk asked for so far is done (on the next tick when
   * none is out): a server closes a file's fd only then, after the
   * requests that came before the CLOSE are answered.
   * @param {() => void} cb
   */
  drained(cb) {
    if (this.busy || this.waiting.length) this.onDrained.push(cb);
    else process.nextTick(cb);
  }

  /** @private */
  idle() {
    this.busy = false;
    // Once stopped nothing waits: submit() refuses and settle() failed the rest.
    if (this.waiting.length) return this.flush();
    const cbs = this.onDrained;
    this.onDrained = [];
    for (const cb of cbs) cb();
  }

  /** @private */
  flush() {
    const batch = this.waiting.sort(byPos);
    this.waiting = [];
    this.busy = true;
    /** @type {Chunk[][]} */
    const runs = [];
    for (const chunk of batch) {
      const run = runs[runs.length - 1];
      const last = run && run[run.length - 1];
      if (last && last.pos + last.len === chunk.pos) run.push(chunk);
      else runs.push([chunk]);
    }
    this.runsOut = runs.length;
    for (const run of runs) this.runOp(this.fd, run, this.runDone);
  }
}

/** @param {Chunk} a @param {Chunk} b */
const byPos = (a, b) => a.pos - b.pos;

/** @param {Chunk[]} run @returns {Buffer[]} */
function views(run) {
  const all = [];
  for (const c of run) for (const b of c.bufs) all.push(b);
  return all;
}

/**
 * @type {RunOp} Reads a run. When the call stops short, the chunks it
 * filled get what it read, and the chunks it did not reach are read again,
 * together; a call that reads nothing is the end of the file for the whole
 * run (each chunk gets 0).
 */
function readvRun(fd, run, done) {
  fs.readv(fd, views(run), run[0].pos, (err, got) => {
    let i = 0;
    for (; i < run.length && (err || got > 0); i++) {
      const c = run[i];
      if (err) c.cb(err);
      else c.cb(null, Math.min(got, c.len));
      got -= c.len;
    }
    if (i === run.length) return done();
    const rest = run.slice(i);
    // The fd stays open till the rest is back too (done runs only then).
    if (i > 0) return readvRun(fd, rest, done);
    for (const c of rest) c.cb(null, 0);
    done();
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
    while (rest.length && written >= rest[0].length) {
      written -= rest[0].length;
      rest.shift();
    }
    if (!rest.length) return finish(null);
    if (written > 0) rest = [rest[0].subarray(written), ...rest.slice(1)];
    fs.writev(fd, rest, pos, more);
  };
  fs.writev(fd, rest, pos, more);
}

/** A file's reads: submit's callback gets the bytes read, 0 at the end of the file. */
const batchedRead = () => new BatchedFs(readvRun);
/** A file's writes: each chunk is written whole. */
const batchedWrite = () => new BatchedFs(writevRun);

module.exports = { BatchedFs, batchedRead, batchedWrite };
