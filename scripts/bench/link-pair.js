'use strict';
// The anchor 'link': raw.js's transfer over the same asynchronous link as
// pair.js, with no SSH at all. Each side frames a send minimally (a tag and
// a length), copies it once into an output batch pushed on the next tick or
// at 256 KiB (as this package seals into its output), and emits what
// arrives under the SSH2Stream event names raw.js listens for. No key
// exchange, cipher, MAC or channel bookkeeping: what the harness itself
// costs, and so the ceiling of any protocol layer in the raw rows.

const { Duplex } = require('stream');

const DATA = 1;
const WINDOW_ADJUST = 2;
const BATCH = 256 * 1024;

class LinkSide extends Duplex {
  constructor() {
    super({ highWaterMark: 32 * 1024 });
    this._out = null;
    this._used = 0;
    this._queued = false;
    this._rest = null;
    this._needContinue = false;
  }

  _read() {
    if (this._needContinue) {
      this._needContinue = false;
      this.emit('continue');
    }
  }

  _send(tag, data) {
    if (this._out && this._used + 5 + data.length > this._out.length) this._flush();
    if (!this._out) {
      this._out = Buffer.allocUnsafe(BATCH + 5 + Math.max(data.length, 32 * 1024));
      this._used = 0;
    }
    this._out[this._used] = tag;
    this._out.writeUInt32BE(data.length, this._used + 1);
    data.copy(this._out, this._used + 5);
    this._used += 5 + data.length;
    if (this._used >= BATCH) this._flush();
    else if (!this._queued) {
      this._queued = true;
      process.nextTick(() => {
        this._queued = false;
        this._flush();
      });
    }
    // Backpressure as this package reports it: full only when a pipe
    // destination is (or, unpiped, past the high-water mark).
    if (this.readableLength + this._used < this.readableHighWaterMark || this._flowsOnItsOwn()) return true;
    this._needContinue = true;
    return false;
  }

  _flowsOnItsOwn() {
    const pipes = this._readableState.pipes;
    return pipes.length > 0 && pipes.every((dest) => !dest.writableNeedDrain);
  }

  _flush() {
    if (!this._used) return;
    const batch = this._out.subarray(0, this._used);
    this._out = null;
    this._used = 0;
    this.push(batch);
  }

  channelData(_channel, data) {
    return this._send(DATA, data);
  }

  channelWindowAdjust(_channel, amount) {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(amount >>> 0, 0);
    return this._send(WINDOW_ADJUST, b);
  }

  disconnect() {
    this._flush();
    this.push(null);
  }

  _write(chunk, _enc, cb) {
    const buf = this._rest ? Buffer.concat([this._rest, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 5) {
      const len = buf.readUInt32BE(at + 1);
      if (buf.length - at < 5 + len) break;
      const body = buf.subarray(at + 5, at + 5 + len);
      if (buf[at] === DATA) this.emit('CHANNEL_DATA:0', body);
      else this.emit('CHANNEL_WINDOW_ADJUST:0', body.readUInt32BE(0));
      at += 5 + len;
    }
    this._rest = at < buf.length ? buf.subarray(at) : null;
    cb();
  }

  _final(cb) {
    this.push(null);
    cb();
  }
}

/** Two linked sides, shaped as pair.js's connect() resolves. */
function open(asyncHop) {
  const client = new LinkSide();
  const server = new LinkSide();
  client.pipe(asyncHop()).pipe(server).pipe(asyncHop()).pipe(client);
  return { client, server, clientChannel: 0, serverChannel: 0 };
}

module.exports = { open };
