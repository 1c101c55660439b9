// @ts-check
'use strict';
// SFTPStream: an SFTP v3 client or server as a Transform stream, the way
// ssh2 pipes it to a channel (`sftp.pipe(channel).pipe(sftp)`).
//
//   channel -> _transform(chunk) -> native.feed(chunk) -> [events] -> callbacks / emit
//   method call -> native.<packet>(...) -> push(packet) -> channel
//
// The native SftpSession frames and decodes packets and builds them; this
// file owns request ids, callbacks, the stream and 0.4.10's behaviour.

const { Transform } = require('stream');
const { SftpSession } = require('./binding');
const { fromEngine } = require('./realm');
const { markFresh, isFresh } = require('./fresh-buffers');
const { STATUS_CODE, STATUS_TEXT, OPEN_MODE, Stats, stringToFlags, flagsToString } = require('./sftp/stats');
const clientMethods = require('./sftp/client');
const serverMethods = require('./sftp/server');

const RE_OPENSSH = /^SSH-2.0-(?:OpenSSH|dropbear)/;
// OpenSSH takes up to 256 KiB packets; leave room for the header. Others
// get the draft's 32 KiB.
const OPENSSH_MAX_DATA_LEN = 256 * 1024 - 2 * 1024;
const DEFAULT_MAX_DATA_LEN = 32768;
const noop = () => {};

// The commonest events of a transfer (a client's data and OKs, a server's
// READs and WRITE heads), which the engine's feed() writes as numbers into
// the Float64Array it is given, HOT_STRIDE to an event (src/node/sftp.rs):
// [kind, id, a, b, c, d].
const HOT_STRIDE = 6;
const HOT_EVENTS = 64;
const HOT_PART = 1; // [, id, start, end, total, last]: as '_part'
const HOT_DATA = 2; // [, id, start, end]: as '_data'
const HOT_OK = 3; // [, id]: a STATUS of OK
const HOT_READ = 4; // [, id, handle start, handle end, offset, len]: a READ request
const HOT_WRITE_HEAD = 5; // [, id, handle start, handle end, offset, total]: as '_writeHead'

// The methods of lib/sftp/client.js and server.js are mixed into the
// prototype (below); this base is Transform, typed to include them for tsc.
/** @typedef {new (options?: import('stream').TransformOptions) => Transform & typeof clientMethods & typeof serverMethods} WithMethods */
const Base = /** @type {WithMethods} */ (/** @type {unknown} */ (Transform));

/** Received bytes to keep past their write: a view where that is safe, else a copy. */
const kept = (view) => (isFresh(view) ? view : Buffer.from(view));

class SFTPStream extends Base {
  constructor(cfg, remoteIdentRaw) {
    if (typeof cfg === 'string' && !remoteIdentRaw) {
      remoteIdentRaw = cfg;
      cfg = undefined;
    }
    if (typeof cfg !== 'object' || !cfg) cfg = {};
    super({ highWaterMark: typeof cfg.highWaterMark === 'number' ? cfg.highWaterMark : 32 * 1024 });

    this.debug = typeof cfg.debug === 'function' ? cfg.debug : noop;
    this.server = !!cfg.server;
    this._isOpenSSH = !!(remoteIdentRaw && RE_OPENSSH.test(remoteIdentRaw));
    this._needContinue = false;
    this._failed = false;
    // The DATA reply (client) or WRITE request (server) arriving in parts
    // (_onDataPart), or null.
    this._dataPart = null;
    this._hot = new Float64Array(HOT_STRIDE * HOT_EVENTS);
    this._native = new SftpSession(this.server, this._isOpenSSH);
    this._state = {
      version: undefined,
      // By name, as the peer sent them: no prototype, so `__proto__` or
      // `toString` is just another name (issue 16).
      extensions: Object.create(null),
      writeReqid: -1,
      // client
      maxDataLen: this._isOpenSSH ? OPENSSH_MAX_DATA_LEN : DEFAULT_MAX_DATA_LEN,
      /** @type {Map<number, any>} requests sent, by id, until answered */
      requests: new Map(),
    };

    this.on('end', () => {
      this.readable = false;
    });
    const onFinish = () => {
      this.writable = false;
      this._cleanup(false);
    };
    this.on('finish', onFinish).on('prefinish', onFinish);

    // Beyond 0.4.10: a server can advertise extensions it will handle in
    // 'EXTENDED' listeners, as { name: data }.
    if (this.server && cfg.extensions && typeof cfg.extensions === 'object') this.setExtensions(cfg.extensions);
    if (!this.server) this.push(this._native.init());
  }

  _read(n) {
    // A push() that returned false is answered here: the reader wants more.
    if (this._needContinue) {
      this._needContinue = false;
      this.emit('continue');
    }
    return super._read(n);
  }

  push(chunk, encoding) {
    if (!this.readable) return false;
    if (chunk === null) this.readable = false;
    const ret = super.push(chunk, encoding);
    this._needContinue = ret === false;
    return ret;
  }

  /** Ends the session: outstanding requests fail, the readable side ends. */
  _cleanup(callback) {
    const pending = [...this._state.requests.values()];
    this._state.requests = new Map();
    this._dataPart = null;
    // Every request still waiting fails, whatever ended the session. (0.4.10
    // skipped this once its readable side had ended; on today's Node the
    // Transform ends that side before 'prefinish' listeners run, so a peer
    // that closed mid-transfer left fastGet waiting forever.)
    if (pending.length) {
      const err = new Error('SFTP session ended early');
      for (const req of pending) if (req.cb) req.cb(err);
    }
    if (this.readable) this.push(null);
    if (!this._readableState.endEmitted && !this._readableState.flowing) this.resume();
    if (callback !== false) {
      this.debug('DEBUG[SFTP]: Parser: Malformed packet');
      if (callback) callback(new Error('Malformed packet'));
    }
  }

  _transform(chunk, _encoding, callback) {
    // After a protocol error the session is over; what still arrives is dropped.
    if (this._failed) return callback();
    let events;
    try {
      events = fromEngine(this._native.feed(chunk, this._hot));
    } catch (err) {
      return this._fail(err, callback);
    }
    // Only a server answers anything by itself (VERSION, OP_UNSUPPORTED).
    if (this.server) {
      const answered = this._native.takeOutput();
      if (answered) this.push(answered);
    }
    for (let ev of events) {
      if (typeof ev === 'number') {
        this._onHot(this._hot, ev, chunk);
        continue;
      }
      // Data that lay whole in the chunk comes as its place there: a view, not a copy.
      if (ev[0] === '_part') {
        // ev[6]: a copy the engine made of a part not in the chunk, its own.
        if (ev[6]) markFresh(ev[6]);
        this._onDataPart(ev[1], ev[6] || chunk, ev[2], ev[3], ev[4], ev[5]);
        continue;
      }
      if (ev[0] === '_writeHead') {
        this._onWriteHead(ev[1], ev[2], ev[3], ev[4]);
        continue;
      }
      if (ev[0] === '_data') ev = ['data', ev[1], chunk.subarray(ev[2], ev[3])];
      else if (ev[0] === '_WRITE') ev = ['WRITE', ev[1], ev[2], ev[3], chunk.subarray(ev[4], ev[5])];
      if (ev[0] === 'error') {
        this.debug(`DEBUG[SFTP]: Parser: ${ev[1]}`);
        return this._fail(new Error(ev[1]), callback);
      }
      if (ev[0] === 'ready') this._onReady(ev[1], ev[2]);
      else if (this.server) this._onRequest(ev);
      else this._onResponse(ev[0], ev[1], ev[2], ev[3], ev[4]);
    }
    callback();
  }

  /** The hot event at hot[k], as its array form would be handled. */
  _onHot(hot, k, chunk) {
    const id = hot[k + 1];
    switch (hot[k]) {
      case HOT_PART:
        return this._onDataPart(id, chunk, hot[k + 2], hot[k + 3], hot[k + 4], hot[k + 5] === 1);
      case HOT_DATA:
        return this._onResponse('data', id, chunk.subarray(hot[k + 2], hot[k + 3]));
      case HOT_OK:
        return this._onResponse('status', id, STATUS_CODE.OK);
      case HOT_READ:
        // The handle is a view of the chunk, as 0.4.10's was of its packet.
        return this._onRead(id, chunk.subarray(hot[k + 2], hot[k + 3]), hot[k + 4], hot[k + 5]);
      case HOT_WRITE_HEAD:
        // A copy: the WRITE is emitted with a later chunk, and the writer
        // may have reused this one by then.
        return this._onWriteHead(id, Buffer.from(chunk.subarray(hot[k + 2], hot[k + 3])), hot[k + 4], hot[k + 5]);
      default:
        return undefined;
    }
  }

  /**
   * A protocol error: 'error', then 'end'. 0.4.10 passed the error to the
   * transform callback, which on the Node of its day emitted 'error' and let
   * the stream end; on today's Node that destroys the stream and 'end' never
   * comes, so ssh2 and users waiting for 'end' would hang.
   */
  _fail(err, callback) {
    this._failed = true;
    this._cleanup(false);
    callback();
    process.nextTick(() => this.emit('error', err));
  }

  _onReady(version, extensions) {
    this._state.version = version;
    for (const [name, data] of extensions) {
      (this._state.extensions[name] || (this._state.extensions[name] = [])).push(data);
    }
    if (!this.server) this._queryLimits();
    this.emit('ready');
  }

  /**
   * Client: the next part of DATA reply `id` (of `total` bytes) that
   * channel packets cut, at from[start, end). It is
   * copied straight into the reader's buffer (readData, fastGet), or into
   * one of the reply's own, so the reply's data is copied once; the last
   * part answers the request. Parts of one reply come with nothing between
   * them, so one reply is in parts at a time.
   */
  _onDataPart(id, from, start, end, total, last) {
    if (this.server) return this._onWritePart(from, start, end, last);
    let part = this._dataPart;
    if (!part) {
      const req = this._state.requests.get(id);
      let into = null;
      if (req && req.cb && !req.viewsOf) into = req.buffer || Buffer.allocUnsafe(total);
      part = this._dataPart = { req, into, views: req && req.viewsOf ? /** @type {Buffer[]} */ ([]) : null, at: 0 };
    }
    if (this._state.requests.get(id) === part.req) {
      // Copied only while the request still waits (and no further than the
      // reader's buffer reaches: more than was asked for is refused at the end).
      if (part.into && part.at < part.into.length) {
        part.at += from.copy(part.into, part.at, start, end);
      } else if (part.views && part.at < part.req.viewsOf) {
        const view = kept(from.subarray(start, Math.min(end, start + part.req.viewsOf - part.at)));
        part.views.push(view);
        part.at += view.length;
      }
    }
    if (!last) return;
    this._dataPart = null;
    this._onResponse('data', id, part.views || part.into, total);
  }

  /**
   * Server: the next part of the WRITE request whose head came last, at
   * from[start, end). Data that came whole in one part reaches the app as a
   * view of its chunk, as the data of a WRITE that lay whole in a chunk
   * does; else the parts are copied into one Buffer as they come (a
   * chunk's memory is not kept past its own write). The last part makes
   * the request.
   */
  _onWritePart(from, start, end, last) {
    const w = this._dataPart;
    if (!w) return;
    let data;
    if (w.into === null && last && end - start === w.total) {
      data = from.subarray(start, end);
    } else {
      if (w.into === null) w.into = Buffer.allocUnsafe(w.total);
      w.at += from.copy(w.into, w.at, start, end);
      if (!last) return;
      data = w.into;
    }
    this._dataPart = null;
    this._onRequest(['WRITE', w.id, w.handle, w.offset, data]);
  }

  /**
   * Client: a response, as its event's elements; its request's callback
   * gets it as 0.4.10 shaped it.
   * @param {string} type
   * @param {number} id
   * @param {any} [a0]
   * @param {any} [a1]
   * @param {any} [a2]
   */
  _onResponse(type, id, a0, a1, a2) {
    if (this.debug !== noop) this.debug(`DEBUG[SFTP]: Parser: Response: ${type.toUpperCase()}`);
    const req = this._state.requests.get(id);
    // Forget it first: a callback that ends the session must not see it again.
    this._state.requests.delete(id);
    if (!req || !req.cb) return;
    const cb = req.cb;
    // A request that succeeds with data (lib/sftp/client.js EXPECT) fails
    // on any other kind of answer, an OK status included.
    if (req.expect && type !== req.expect && (type !== 'status' || a0 === STATUS_CODE.OK)) {
      return cb(new Error(`Unexpected ${type} response`));
    }
    switch (type) {
      case 'status': {
        // (code, message, lang)
        const code = a0;
        if (code === STATUS_CODE.OK) return cb();
        /** @type {Error & { code?: number, lang?: string }} */
        const err = new Error(a1 || STATUS_TEXT[code] || 'Unknown status');
        err.code = code;
        err.lang = a2;
        return cb(err);
      }
      case 'handle':
        return cb(undefined, a0);
      case 'data': {
        // (data) or, from _onDataPart, (data, length sent).
        const data = a0;
        // _readDataViews: the parts' views, or the whole reply's bytes as one.
        if (req.viewsOf) return Array.isArray(data) ? cb(undefined, data, a1) : cb(undefined, [kept(data)], data.length);
        if (!req.buffer) return cb(undefined, data);
        // Copied into the caller's buffer, cut to fit (parts already are);
        // the length sent is reported so readData can refuse more than it
        // asked for.
        if (data !== req.buffer) data.copy(req.buffer, 0, 0, Math.min(data.length, req.buffer.length));
        return cb(undefined, req.buffer, a1 === undefined ? data.length : a1);
      }
      case 'name':
        for (const n of a0) n.attrs = new Stats(n.attrs);
        return cb(undefined, a0);
      case 'attrs':
        return cb(undefined, new Stats(a0));
      case 'extended':
        return req.extended ? req.extended(a0, cb) : cb();
      default:
        return undefined;
    }
  }

  /** Server: a WRITE request the chunk's end cut; the parts of its `total` bytes of data follow. */
  _onWriteHead(id, handle, offset, total) {
    this._dataPart = { id, handle, offset, total, into: null, at: 0 };
  }

  /** Server: a READ request, as _onRequest handles it, without the array. */
  _onRead(id, handle, offset, len) {
    if (this._heard('READ', id)) this.emit('READ', id, handle, offset, len);
  }

  /** Server: whether request `id` has a listener for `name`; if not, it is answered OP_UNSUPPORTED. */
  _heard(name, id) {
    this.debug(`DEBUG[SFTP]: Parser: Request: ${name}`);
    if (this.listenerCount(name) > 0) return true;
    this.status(id, STATUS_CODE.OP_UNSUPPORTED);
    return false;
  }

  /**
   * Server: a request becomes its event, or OP_UNSUPPORTED if nobody listens.
   * @param {import('./native').NativeEvent} ev
   */
  _onRequest(ev) {
    const [name, id] = ev;
    if (!this._heard(name, id)) return;
    if (name === 'OPEN') ev[4] = new Stats(ev[4]);
    else if (name === 'SETSTAT' || name === 'MKDIR' || name === 'FSETSTAT') ev[3] = new Stats(ev[3]);
    this.emit(...ev);
  }
}

Object.assign(SFTPStream.prototype, clientMethods, serverMethods);

SFTPStream.STATUS_CODE = STATUS_CODE;
SFTPStream.OPEN_MODE = OPEN_MODE;
SFTPStream.Stats = Stats;
SFTPStream.stringToFlags = stringToFlags;
SFTPStream.flagsToString = flagsToString;

module.exports = SFTPStream;
