// @ts-check
'use strict';
// SSH2Stream: the Duplex of ssh2-streams@0.4.10 over the native session.
//
// Data flows one way through each side (docs/ARCHITECTURE.md):
//   socket -> _write(chunk) -> native.feed(chunk) -> [events] -> emit(...)
//   app -> method(...) -> native.method(...) -> ciphertext -> push() -> socket
//
// The native session never calls into JS. One output rule: every call
// leaves what it sealed in the engine, and takeOutput() (in _flush, the one
// place) is the only way it comes out. Per call it returns:
//   feed(chunk, hot)   an array of events, each [eventName, ...args]; names
//                      starting with '_' are for this file, not emitted;
//                      channel data comes as numbers in `hot` (see HOT_STRIDE)
//   <send method>(...) how many bytes now wait to be taken; for a message
//                      queued behind a key exchange (it leaves after
//                      NEWKEYS), -1 minus them; see _sent and _deferOut
//   takeOutput()       everything sealed since the last call (or null)

const { Duplex } = require('stream');
const { CHANNEL_OPEN_FAILURE, DISCONNECT_REASON } = require('./constants');

const native = require('./binding');
const { fromEngine } = require('./realm');
const { markFresh } = require('./fresh-buffers');
const { normalize } = require('./ssh/config');
const hostKeys = require('./ssh/host-keys');
const methods = require('./ssh/methods');
const { kexDebugLines } = require('./ssh/kex-debug');

function DEBUG_NOOP() {}

// Channel data lying in the received Buffer comes from feed() as numbers in
// a Float64Array, HOT_STRIDE to an event (src/node/connection_events.rs):
// [channel, start, end, data type or -1]. The events array then holds the
// Buffer (once, before the first) and each event's index in the array.
const HOT_STRIDE = 4;
const HOT_EVENTS = 32;
// One array per feed() in progress: a listener may make another stream
// (or this one) feed before this dispatch is done, so each takes its own.
/** @type {Float64Array[]} */
const hotArrays = [];
// Event names of channels 0-255, made once.
/** @type {string[]} */
const dataNames = [];
/** @type {string[]} */
const extDataNames = [];
const dataName = (ch) => (ch < 256 ? (dataNames[ch] ??= `CHANNEL_DATA:${ch}`) : `CHANNEL_DATA:${ch}`);
const extDataName = (ch) => (ch < 256 ? (extDataNames[ch] ??= `CHANNEL_EXTENDED_DATA:${ch}`) : `CHANNEL_EXTENDED_DATA:${ch}`);

// Deferred channel data is pushed at once when this much has gathered: big
// enough to carry a burst of 32 KiB packets, small enough to stay in cache
// between sealing and the socket. The engine's number (it reserves its
// output buffer for it).
const FLUSH_AT = native.protocolTables().flushAt;

// Messages sent during a key exchange wait in the engine. Past this many
// bytes a write method returns false; 'continue' follows the exchange, and
// so does a 'drain' of each stream we are piped to (see _wakeWriters).
const KEX_QUEUE_LIMIT = 1024 * 1024;

// Replies to the peer's messages (UNIMPLEMENTED, request failures, pongs:
// what _write's chunk handling sends) held unread past this make _write
// keep its callback until the peer reads, so a peer that sends without
// reading cannot grow our memory. Only replies count: channel data is
// bounded by the peer's windows, and counting it could stall two peers
// that both send bulk data and both wait for the other to read.
const UNREAD_REPLIES_LIMIT = 1024 * 1024;

function flushQueued(stream) {
  stream._flushQueued = false;
  if (!stream._ended) stream._flush();
}

// lib/ssh/methods.js's write methods are mixed into the prototype
// (methods.install, below); this base is Duplex, typed to include them for tsc.
/** @typedef {new (options?: import('stream').DuplexOptions) => Duplex & import('./ssh/methods').Methods} WithMethods */
const Base = /** @type {WithMethods} */ (/** @type {unknown} */ (Duplex));

class SSH2Stream extends Base {
  constructor(cfg) {
    const config = normalize(cfg, DEBUG_NOOP);
    super({ highWaterMark: config.highWaterMark, decodeStrings: true });

    this._needContinue = false;
    this._flushQueued = false;
    // While a chunk's messages are handled: what they and their listeners
    // send waits in the engine, to go out as one chunk (see _write).
    this._gathering = false;
    // Replies still unread (see UNREAD_REPLIES_LIMIT): `_pushed` counts
    // every byte pushed; `_replyEnds` holds, in order, the `_pushed` value
    // at the end of each reply chunk still in the buffer and its length.
    this._pushed = 0;
    /** @type {number[]} */
    this._replyEnds = [];
    this._unreadReplies = 0;
    this._withheld = null;
    // A write method said false because the key exchange queue was full.
    this._kexFull = false;
    this.bytesSent = 0;
    this.bytesReceived = 0;
    this.debug = config.debug;
    this.server = config.server;
    this.maxPacketSize = config.maxPacketSize;
    this.banner = config.banner;
    this.config = { ident: config.ident, algorithms: config.algorithms, hostKeys: config.hostKeys };
    this._ended = false;
    this._closing = false;
    this._kexOffers = null;

    this._native = new native.SshSession({
      server: config.server,
      ident: config.ident,
      greeting: config.greeting,
      maxPacketSize: config.maxPacketSize,
      rekeyLimit: config.rekeyLimit,
      algorithms: config.algorithms,
      debug: config.debug !== DEBUG_NOOP,
    });
    if (config.server) for (const [, key] of hostKeys.toNative(config.hostKeys)) this._native.addHostKey(key);
    this._state = makeCompatState(this);

    // One function for every client stream (it gets the stream as `this`),
    // not a closure each: an idle connection keeps its listeners.
    if (!this.server) this.on('KEXDH_REPLY', onKEXDH_REPLY);

    this.debug(`DEBUG: Local ident: '${config.ident}'`);
    this._flush();
  }

  // 0.4.10 flags from the peer's software version (constants.BUGS).
  get remoteBugs() {
    return this._native.remoteBugs;
  }

  set remoteBugs(v) {
    this._native.remoteBugs = v >>> 0;
  }

  _read() {
    if (this._withheld && this._repliesUnread() <= UNREAD_REPLIES_LIMIT) this._takeWithheld();
    if (this._needContinue) {
      this._needContinue = false;
      this.emit('continue');
    }
  }

  _write(chunk, _encoding, callback) {
    if (this._ended) return callback();
    this.bytesReceived += chunk.length;
    let events;
    const hot = hotArrays.pop() || new Float64Array(HOT_STRIDE * HOT_EVENTS);
    try {
      events = fromEngine(this._native.feed(chunk, hot));
    } catch (err) {
      hotArrays.push(hot);
      // Only a bug in the binding gets here: the engine reports protocol
      // faults as '_fatal' events. Still end cleanly.
      this._fatal(err.message, 'protocol');
      return callback();
    }
    // The replies to this chunk's messages, and what their listeners send,
    // leave as one chunk: each push is a write on the socket (or a hop on
    // a pipe), and a key exchange or an auth round otherwise crosses it as
    // several small ones.
    this._gathering = true;
    try {
      this._dispatch(events, hot);
    } finally {
      hotArrays.push(hot);
      // Also when a listener throws (0.4.10 let that out of write() too).
      this._release();
    }
    // The peer has not read our replies: take no more input until it does
    // (_read lets it go on). Socket data then waits in the kernel.
    if (!this._ended && this._repliesUnread() > UNREAD_REPLIES_LIMIT) this._withheld = callback;
    else callback();
  }

  /**
   * The key exchange that filled the queue is over, and the queue is about
   * to leave. ssh2@0.8's channels answer a false by waiting for their
   * socket's 'drain', and a socket emits one only after a write it could
   * not take at once: on loopback the kernel takes megabytes at once. So
   * each destination is corked until the queue is written to it, its
   * write() then says false, and uncorking brings the 'drain'.
   */
  _wakeWriters() {
    this._kexFull = false;
    const pipes = this._readableState.pipes || [];
    for (const dest of pipes) {
      if (dest.writableNeedDrain || typeof dest.cork !== 'function') continue;
      dest.cork();
      setImmediate(() => dest.uncork());
    }
  }

  /** Calls back the _write whose callback was kept (see UNREAD_REPLIES_LIMIT): more input may come. */
  _takeWithheld() {
    const callback = this._withheld;
    this._withheld = null;
    callback();
  }

  /** Pushes output; `reply` marks it as sent in answer to the peer's input. */
  _out(buf, reply) {
    this._pushed += buf.length;
    if (reply) {
      this._replyEnds.push(this._pushed, buf.length);
      this._unreadReplies += buf.length;
    }
    return this.push(buf);
  }

  /** Bytes of replies still in the readable buffer. */
  _repliesUnread() {
    const read = this._pushed - this._readableState.length;
    const ends = this._replyEnds;
    let i = 0;
    while (i < ends.length && ends[i] <= read) {
      this._unreadReplies -= ends[i + 1];
      i += 2;
    }
    if (i) ends.splice(0, i);
    return this._unreadReplies;
  }

  /**
   * The input ended (the peer's socket sent FIN): the session is over, so
   * the readable side ends too, after what was decoded and what is still
   * queued, as 0.4.10's Transform did. 'end' and then 'close' follow. ssh2
   * ends this stream when its socket ends and learns only from our 'end'
   * that the peer left.
   */
  _final(callback) {
    this._end();
    callback();
  }

  /**
   * Emits what the engine decoded, in order, then flushes what they caused.
   * @param {Array<import('./native').NativeEvent | number | Buffer>} events
   * @param {Float64Array} [hot] the numbers of channel data given as indexes
   */
  _dispatch(events, hot) {
    /** @type {Buffer | null} */
    let received = null;
    for (let i = 0; i < events.length; i++) {
      if (this._ended) return;
      const ev = events[i];
      if (typeof ev === 'number') {
        // Channel data as a view of the bytes the engine decrypted in place.
        const at = /** @type {number} */ (ev);
        const h = /** @type {Float64Array} */ (hot);
        const data = /** @type {Buffer} */ (received).subarray(h[at + 1], h[at + 2]);
        if (h[at + 3] < 0) this.emit(dataName(h[at]), data);
        else this.emit(extDataName(h[at]), h[at + 3], data);
        continue;
      }
      if (!Array.isArray(ev)) {
        // The Buffer the hot events' data lies in.
        received = /** @type {Buffer} */ (ev);
        markFresh(received);
        continue;
      }
      const name = ev[0];
      if (name === '_data') {
        // [, name, received buffer, start, end(, type)]: channel data as a
        // view of the bytes the engine decrypted in place.
        markFresh(ev[2]);
        const data = ev[2].subarray(ev[3], ev[4]);
        if (ev.length === 6) this.emit(ev[1], ev[5], data);
        else this.emit(ev[1], data);
      } else if (name.charCodeAt(0) === 95 /* '_' */) {
        this._internal(ev);
      } else if (ev.length === 1) {
        // Byte counts are per keying, as 0.4.10 kept them.
        if (name === 'NEWKEYS') this.bytesSent = this.bytesReceived = 0;
        this.emit(name);
      } else if (ev.length === 2) {
        if (!this.emit(name, ev[1]) && name === 'CHANNEL_OPEN') this._refuseOpen(ev[1]);
      } else if (!this.emit(...ev) && name === 'GLOBAL_REQUEST' && ev[2]) {
        // Nobody to answer it, and the peer waits for an answer.
        this.requestFailure();
      }
    }
    // Inside _write the chunk's output leaves at its end (_release).
    if (!this._gathering) this._flush();
  }

  /** A channel open nobody listens for: refused, so the peer does not wait. */
  _refuseOpen(info) {
    if (info && typeof info.sender === 'number') {
      this.channelOpenFail(info.sender, CHANNEL_OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED, 'No handler for this channel type', '');
    }
  }

  _internal(ev) {
    switch (ev[0]) {
      case '_fatal': {
        // [, message, level, code]: the engine has queued any DISCONNECT.
        if (this._kexOffers) {
          // Lists compared and nothing agreed: show what each side offered.
          for (const line of kexDebugLines(this._kexOffers, null)) this.debug(line);
          this._kexOffers = null;
        }
        this._flush();
        this._fatal(ev[1], ev[2], ev[3]);
        break;
      }
      case '_debug':
        this.debug(ev[1]);
        break;
      case '_offers':
        // [, local lists, remote lists]: only built when debug is on.
        this._kexOffers = [ev[1], ev[2]];
        this.debug('DEBUG: Comparing KEXINITs ...');
        break;
      case '_negotiated':
        for (const line of kexDebugLines(this._kexOffers, ev[1])) this.debug(line);
        this._kexOffers = null;
        break;
      case '_header':
        this.debug(`DEBUG: Remote ident: '${ev[1].identRaw}'`);
        this.emit('header', ev[1]);
        break;
      case '_disconnect': {
        // [, reason name, code, description, lang]: 0.4.10 reports every
        // reason but BY_APPLICATION as an error, then ends.
        // In 0.4.10 its own listener ran first: 'error', the end, and only
        // then the app's 'DISCONNECT' listeners.
        const [, name, code, description, lang] = ev;
        if (code !== DISCONNECT_REASON.BY_APPLICATION) {
          this._release();
          /** @type {Error & { code?: number }} */
          const err = new Error(description || name);
          err.code = code;
          this.emit('error', err);
        }
        this._end();
        this.emit('DISCONNECT', name, code, description, lang);
        break;
      }
      case '_userauthRequest':
        methods.emitUserauthRequest(this, ev);
        break;
      case '_ptyRequest':
        // [, 'CHANNEL_REQUEST:<n>', info with raw modes]
        this.emit(ev[1], methods.decodePtyModes(ev[2]));
        break;
      default:
        this.debug(`DEBUG: unhandled engine event ${ev[0]}`);
    }
  }

  /**
   * Takes what the engine sealed since the last call and pushes it: the one
   * place output leaves. `reply`: it answers the peer's input (see
   * UNREAD_REPLIES_LIMIT).
   */
  _flush(reply = false) {
    if (this._kexFull && this._native.queuedBytes === 0) this._wakeWriters();
    const out = this._native.takeOutput();
    if (out) return this._pushOut(out, reply);
    return !this._needContinue;
  }

  /**
   * What a write method returns, from what its native call said: `pending`
   * bytes wait in the engine (negative: the message was queued behind a
   * key exchange, see _queued). Outside _write they are pushed now, so the
   * return value is push()'s, as in 0.4.10; inside it they wait for the
   * end of the chunk, and the answer is whether they will fit.
   */
  _sent(pending) {
    if (pending < 0) return this._queued(pending);
    if (this._gathering) return this._answer(this._fits(pending));
    return this._flush();
  }

  /**
   * A message queued behind a key exchange; -1 - `pending` bytes wait in
   * the engine (the KEXINIT of an exchange this send started by reaching a
   * rekey limit), pushed now unless a chunk is being handled.
   */
  _queued(pending) {
    if (pending < -1 && !this._gathering && !this._ended) this._flush();
    return this._pushOut(null, false);
  }

  /**
   * Channel data sealed into the engine's output (`pending` bytes wait
   * there; -1: queued behind a key exchange). It is pushed on the next
   * tick, or now once FLUSH_AT has gathered: a burst of writes then crosses
   * the pipe and the socket as one chunk, not one per packet. Every take
   * is the whole output, so messages keep their order.
   */
  _deferOut(pending) {
    if (pending < 0) return this._queued(pending);
    if (this._ended) return false;
    if (pending >= FLUSH_AT) return this._flush();
    if (!this._flushQueued) {
      this._flushQueued = true;
      process.nextTick(flushQueued, this);
    }
    return this._answer(this._fits(pending));
  }

  /** What push() would have said had `pending` more bytes gone now (0.4.10). */
  _fits(pending) {
    const rs = this._readableState;
    return rs.length + pending < rs.highWaterMark;
  }

  /** What a write method returns, from whether its bytes fit (see _flowsOnItsOwn). */
  _answer(ok) {
    if (ok || this._flowsOnItsOwn()) return true;
    this._needContinue = true;
    return false;
  }

  /** Pushes ciphertext (null: queued); the return value is what a write method returns. */
  _pushOut(buf, reply) {
    let ok;
    if (!buf) {
      // Queued behind a key exchange; the flush after NEWKEYS pushes it.
      // 0.4.10 always said false here, and stalled ssh2@0.8 (see below):
      // false only past KEX_QUEUE_LIMIT, and then whether or not we are
      // piped, since the queue cannot drain before the exchange ends.
      if (this._native.queuedBytes >= KEX_QUEUE_LIMIT) {
        this._needContinue = true;
        this._kexFull = true;
        return false;
      }
      ok = this._fits(0);
    } else {
      if (this._ended) return false;
      this.bytesSent += buf.length;
      ok = this._out(buf, reply);
    }
    return this._answer(ok);
  }

  /**
   * Whether what we buffered will drain without anyone waiting for it: we
   * are piped, and no destination is full. ssh2@0.8 answers a false by
   * waiting for its socket's 'drain' and for nothing else; a socket that
   * takes everything at once never emits one, so a false here would stall
   * that channel for good. Piped to a full socket, a false is answered by
   * its 'drain'; read directly, by our 'continue'.
   */
  _flowsOnItsOwn() {
    const pipes = this._readableState.pipes;
    if (!pipes || pipes.length === 0) return false;
    for (const dest of pipes) if (dest.writableNeedDrain) return false;
    return true;
  }

  /**
   * Ends gathering: what the chunk's messages and listeners sent goes out
   * as one push, counted as replies. Gathering ends before the push: over
   * a synchronous pipe the peer may answer, and send through us, inside it.
   */
  _release() {
    if (!this._gathering) return;
    this._gathering = false;
    this._flush(true);
  }

  _fatal(message, level, code) {
    // A DISCONNECT the engine queued goes out before 'error' is heard.
    this._release();
    /** @type {Error & { level?: string, code?: number }} */
    const err = new Error(message);
    if (level) err.level = level;
    if (code !== undefined) err.code = code;
    this.emit('error', err);
    this._end();
    this._closeAfterEnd();
  }

  /**
   * After a fatal error, or reset() (ssh2 calls it when its socket fails),
   * what still arrives is dropped, and a failed socket never ends our
   * input: 'close' follows 'end' without waiting for it. 0.4.10 was
   * destroyed by the error there, and on current Node emitted no 'end'.
   * After a clean DISCONNECT the input still ends as usual, when the peer
   * closes.
   */
  _closeAfterEnd() {
    if (this._closing) return;
    this._closing = true;
    const close = () => {
      if (!this.writableFinished) this.destroy();
    };
    if (this._readableState.endEmitted) close();
    else this.once('end', close);
  }

  /** Ends the readable side once (0.4.10's reset()): 'end' follows. */
  _end() {
    if (this._ended) return;
    // Channel data still waiting for its tick goes first.
    this._flush();
    this._release();
    this._ended = true;
    this.push(null);
    // Input is dropped from now on: take what waits.
    if (this._withheld) this._takeWithheld();
  }

  reset() {
    this._end();
    this._closeAfterEnd();
  }

  /**
   * Piped into a TCP socket, turns Nagle's algorithm off for it, as OpenSSH
   * and ssh2's client do. ssh2's Server leaves it on, and then each small
   * reply (an SFTP status, a window adjust) waits for the peer's delayed
   * ACK: SFTP uploads to an ssh2 Server ran at a third of their speed.
   */
  pipe(dest, options) {
    if (dest && typeof dest.setNoDelay === 'function') {
      try {
        dest.setNoDelay(true);
      } catch {
        // Not a real socket after all (a wrapper with the method): fine.
      }
    }
    return super.pipe(dest, options);
  }
}

// 0.4.10 exposes its internal send for tests that inject raw packets
// (test-kexdh.js): `bypass` sends even during a key exchange.
SSH2Stream._send = function _send(stream, payload, cb, bypass) {
  const ret = stream._sent(stream._native.sendRaw(payload, bypass === true));
  if (typeof cb === 'function') cb();
  return ret;
};

/**
 * Client: the server's KEXDH_REPLY is verified and the new keys derived; the
 * engine holds back our NEWKEYS until the app accepts the host key. Input
 * keeps flowing meanwhile (the server's NEWKEYS may already be here), which
 * is also what lets test-kexdh.js replace this listener.
 */
/** @this {SSH2Stream} */
function onKEXDH_REPLY(info) {
  const self = this;
  if (!info.firstKex) {
    self._dispatch(self._native.hostKeyVerdict(true));
    return;
  }
  let verdict;
  let byDefault = false;
  let sync = true;
  const decide = (permitted) => {
    if (verdict !== undefined) return;
    verdict = !!permitted;
    if (!sync) finish();
  };
  const finish = () => {
    // 0.4.10 says one of the three, never two.
    if (!byDefault) self.debug(verdict ? 'DEBUG: Host accepted (verified)' : 'DEBUG: Host denied via fingerprint verification');
    const events = fromEngine(self._native.hostKeyVerdict(verdict));
    self._flush();
    if (!verdict) self._fatal('Handshake failed: host fingerprint verification failed', 'handshake');
    else self._dispatch(events);
  };
  // ssh2@0.8's hostVerifier(hash, verify) sees only a hash of the key; the
  // callback it is handed carries the key blob itself (a host certificate
  // for utils.checkHostCertificate, issue 19).
  decide.hostKey = info.hostkey;
  const emitted = self.emit('fingerprint', info.hostkey, decide);
  sync = false;
  if (!emitted) {
    self.debug('DEBUG: Host accepted by default (no verification)');
    byDefault = true;
    verdict = true;
  }
  if (verdict !== undefined) finish();
}

// 0.4.10's stream._state, as far as ssh2@0.8.9 and the peer tests reach
// it (`_state.incoming.identRaw`, `_state.outgoing.pubkey`,
// `_state.authMethod`, written by ssh2's Server), backed by the engine.
// Getters on prototypes, not closures per stream: an idle connection keeps
// these for its lifetime.

// The engine says null for what it does not know yet; 0.4.10 left it undefined.
const orUndefined = (v) => (v === null ? undefined : v);

/**
 * The engine a compat object holds as `_n` (defined non-enumerable, which
 * tsc does not follow).
 * @param {object} compat a CompatIncoming or CompatOutgoing
 */
const engineOf = (compat) => /** @type {{ _n: import('./native').SshSession }} */ (compat)._n;

class CompatIncoming {
  constructor(native) {
    Object.defineProperty(this, '_n', { value: native });
  }

  get identRaw() {
    return orUndefined(engineOf(this).remoteIdentRaw);
  }
}

class CompatOutgoing {
  constructor(native) {
    Object.defineProperty(this, '_n', { value: native });
  }

  get pubkey() {
    return orUndefined(engineOf(this).kexPublicKey);
  }

  get sessionId() {
    return orUndefined(engineOf(this).sessionId);
  }
}

function makeCompatState(stream) {
  return {
    authMethod: undefined,
    incoming: new CompatIncoming(stream._native),
    outgoing: new CompatOutgoing(stream._native),
  };
}

methods.install(SSH2Stream);

module.exports = SSH2Stream;
