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
const { STATUS_CODE, STATUS_TEXT, OPEN_MODE, Stats, stringToFlags, flagsToString } = require('./sftp/stats');
const clientMethods = require('./sftp/client');
const serverMethods = require('./sftp/server');

const RE_OPENSSH = /^SSH-2.0-(?:OpenSSH|dropbear)/;
// OpenSSH takes up to 256 KiB packets; leave room for the header. Others
// get the draft's 32 KiB.
const OPENSSH_MAX_DATA_LEN = 256 * 1024 - 2 * 1024;
const DEFAULT_MAX_DATA_LEN = 32768;
const noop = () => {};

// The methods of lib/sftp/client.js and server.js are mixed into the
// prototype (below); this base is Transform, typed to include them for tsc.
/** @typedef {new (options?: import('stream').TransformOptions) => Transform & typeof clientMethods & typeof serverMethods} WithMethods */
const Base = /** @type {WithMethods} */ (/** @type {unknown} */ (Transform));

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
    // Client: the DATA reply arriving in parts (_onDataPart), or null.
    this._dataPart = null;
    this._native = new SftpSession(this.server, this._isOpenSSH);
    this._state = {
      version: undefined,
      // By name, as the peer sent them: no prototype, so `__proto__` or
      // `toString` is just another name (issue 16).
      extensions: Object.create(null),
      writeReqid: -1,
      // client
      maxDataLen: this._isOpenSSH ? OPENSSH_MAX_DATA_LEN : DEFAULT_MAX_DATA_LEN,
      requests: {},
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
    const requests = this._state.requests;
    const pending = Object.keys(requests);
    this._state.requests = {};
    this._dataPart = null;
    // Every request still waiting fails, whatever ended the session. (0.4.10
    // skipped this once its readable side had ended; on today's Node the
    // Transform ends that side before 'prefinish' listeners run, so a peer
    // that closed mid-transfer left fastGet waiting forever.)
    if (pending.length) {
      const err = new Error('SFTP session ended early');
      for (const id of pending) if (requests[id].cb) requests[id].cb(err);
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
      events = fromEngine(this._native.feed(chunk));
    } catch (err) {
      return this._fail(err, callback);
    }
    const answered = this._native.takeOutput();
    if (answered) this.push(answered);
    for (let ev of events) {
      // Data that lay whole in the chunk comes as its place there: a view, not a copy.
      if (ev[0] === '_part') {
        this._onDataPart(ev, ev[6] || chunk);
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
      else this._onResponse(ev);
    }
    callback();
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
   * Client: the next part of a DATA reply that channel packets cut, as
   * [, id, start, end, total, last] with the part at from[start, end). It is
   * copied straight into the reader's buffer (readData, fastGet), or into
   * one of the reply's own, so the reply's data is copied once; the last
   * part answers the request. Parts of one reply come with nothing between
   * them, so one reply is in parts at a time.
   */
  _onDataPart([, id, start, end, total, last], from) {
    let part = this._dataPart;
    if (!part) {
      const req = this._state.requests[id];
      let into = null;
      if (req && req.cb) into = req.buffer || Buffer.allocUnsafe(total);
      part = this._dataPart = { req, into, at: 0 };
    }
    // Copied only while the request still waits (and no further than the
    // reader's buffer reaches: more than was asked for is refused at the end).
    if (part.into && part.at < part.into.length && this._state.requests[id] === part.req) {
      part.at += from.copy(part.into, part.at, start, end);
    }
    if (!last) return;
    this._dataPart = null;
    this._onResponse(['data', id, part.into, total]);
  }

  /**
   * Client: a response; its request's callback gets it as 0.4.10 shaped it.
   * @param {import('./native').NativeEvent} ev
   */
  _onResponse([type, id, ...args]) {
    if (this.debug !== noop) this.debug(`DEBUG[SFTP]: Parser: Response: ${type.toUpperCase()}`);
    const req = this._state.requests[id];
    // Forget it first: a callback that ends the session must not see it again.
    delete this._state.requests[id];
    if (!req || !req.cb) return;
    const cb = req.cb;
    // A request that succeeds with data (lib/sftp/client.js EXPECT) fails
    // on any other kind of answer, an OK status included.
    if (req.expect && type !== req.expect && (type !== 'status' || args[0] === STATUS_CODE.OK)) {
      return cb(new Error(`Unexpected ${type} response`));
    }
    switch (type) {
      case 'status': {
        const [code, message, lang] = args;
        if (code === STATUS_CODE.OK) return cb();
        /** @type {Error & { code?: number, lang?: string }} */
        const err = new Error(message || STATUS_TEXT[code] || 'Unknown status');
        err.code = code;
        err.lang = lang;
        return cb(err);
      }
      case 'handle':
        return cb(undefined, args[0]);
      case 'data': {
        // [data] or, from _onDataPart, [data, length sent].
        const data = args[0];
        if (!req.buffer) return cb(undefined, data);
        // Copied into the caller's buffer, cut to fit (parts already are);
        // the length sent is reported so readData can refuse more than it
        // asked for.
        if (data !== req.buffer) data.copy(req.buffer, 0, 0, Math.min(data.length, req.buffer.length));
        return cb(undefined, req.buffer, args.length > 1 ? args[1] : data.length);
      }
      case 'name':
        for (const n of args[0]) n.attrs = new Stats(n.attrs);
        return cb(undefined, args[0]);
      case 'attrs':
        return cb(undefined, new Stats(args[0]));
      case 'extended':
        return req.extended ? req.extended(args[0], cb) : cb();
      default:
        return undefined;
    }
  }

  /**
   * Server: a request becomes its event, or OP_UNSUPPORTED if nobody listens.
   * @param {import('./native').NativeEvent} ev
   */
  _onRequest(ev) {
    const [name, id] = ev;
    this.debug(`DEBUG[SFTP]: Parser: Request: ${name}`);
    if (this.listenerCount(name) === 0) {
      this.status(id, STATUS_CODE.OP_UNSUPPORTED);
      return;
    }
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
