// @ts-check
'use strict';
// One local file's reads or writes, batched: fastGet/fastPut's local side
// (transfer.js) and the demo SFTP server's files (scripts/demo) go through
// here, so that many 32 KiB requests in flight cost a few fs calls, not one
// each.

const fs = require('fs');

/**
 * @typedef {{ buf: Buffer, off: number, len: number, pos: number, cb: (err: Error | null, n?: number) => void }} Chunk
 * @typedef {(fd: number, run: Chunk[], done: () => void) => void} RunOp
 * @typedef {((fd: number, buf: Buffer, off: number, len: number, pos: number, cb: Chunk['cb']) => void) & { settle: (err: Error, cb: () => void) => void, drained: (cb: () => void) => void }} BatchedOp
 */

/**
 * fs.read's or fs.write's signature for one local file, with one
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
  /** @type {(() => void)[]} callers of `drained` and `settle`, until nothing is waiting or out */
  let onDrained = [];

  function idle() {
    busy = false;
    // Once stopped nothing waits: op() refuses and settle() failed the rest.
    if (waiting.length) return flush();
    const cbs = onDrained;
    onDrained = [];
    for (const cb of cbs) cb();
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

  /** fs.read's or fs.write's arguments: the chunk waits for the next fs call. */
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
   * @param {Error} err
   * @param {() => void} cb
   */
  const settle = (err, cb) => {
    stopped = err;
    const failed = waiting;
    waiting = [];
    for (const c of failed) process.nextTick(c.cb, err);
    if (busy) onDrained.push(cb);
    else cb();
  };
  /**
   * `cb` once every chunk asked for so far is done (on the next tick when
   * none is out): a server closes a file's fd only then, after the
   * requests that came before the CLOSE are answered.
   * @param {() => void} cb
   */
  const drained = (cb) => {
    if (busy || waiting.length) onDrained.push(cb);
    else process.nextTick(cb);
  };
  return Object.assign(op, { settle, drained });
}

const views = (run) => run.map((c) => c.buf.subarray(c.off, c.off + c.len));

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
    while (rest.length && written >= rest[0].length) written -= rest.shift().length;
    if (!rest.length) return finish(null);
    if (written > 0) rest = [rest[0].subarray(written), ...rest.slice(1)];
    fs.writev(fd, rest, pos, more);
  };
  fs.writev(fd, rest, pos, more);
}

/** @returns {BatchedOp} fs.read's signature (the callback's n: bytes read, 0 at the end of the file) */
const batchedRead = () => batchedFs(readvRun);
/** @returns {BatchedOp} fs.write's signature; each chunk is written whole */
const batchedWrite = () => batchedFs(writevRun);

module.exports = { batchedRead, batchedWrite };
