// @ts-check
'use strict';
// SFTPStream's client methods, mixed into its prototype. Each takes 0.4.10's
// arguments, has the native session build the packet, files the callback
// under a fresh request id and returns push()'s backpressure boolean.

const { STATUS_CODE, attrsToNative, stringToFlags, toUnixTimestamp } = require('./stats');
const { sftpDecodeStatvfs, sftpDecodeLimits } = require('../binding');
// Loaded on first use: most sessions never need them.
const transfer = () => require('./transfer');
const files = () => require('./files');
const fileStreams = () => require('./file-streams');

// Request packet types (draft-ietf-secsh-filexfer-02 section 3).
const REQ = {
  CLOSE: 4,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
};
const NAMES = Object.fromEntries(Object.entries(REQ).map(([k, v]) => [v, k]));
const MAX_REQID = 2 ** 32 - 1;

const CLIENT_ONLY = 'Client-only method called in server mode';
const UNSUPPORTED = 'Server does not support this extended request';

function clientOnly(self) {
  if (self.server) throw new Error(CLIENT_ONLY);
}
function needHandle(handle) {
  if (!Buffer.isBuffer(handle)) throw new Error('handle is not a Buffer');
}
const utf8 = (s) => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
const str = (s) => (Buffer.isBuffer(s) ? s : Buffer.from(String(s), 'utf8'));

// The response each request succeeds with (others succeed with a STATUS).
// A response of another kind (a broken or hostile server) fails the
// request: code after it assumes the shape, and readdir filtering a Stats
// threw out of write() (issue 16; 0.4.10 did the same).
const EXPECT = new Map([
  ['OPEN', 'handle'],
  ['OPENDIR', 'handle'],
  ['READ', 'data'],
  ['READDIR', 'name'],
  ['REALPATH', 'name'],
  ['READLINK', 'name'],
  ['STAT', 'attrs'],
  ['LSTAT', 'attrs'],
  ['FSTAT', 'attrs'],
  ['expand-path@openssh.com', 'name'],
  ['statvfs@openssh.com', 'extended'],
  ['fstatvfs@openssh.com', 'extended'],
  ['limits@openssh.com', 'extended'],
]);

/**
 * A request waiting for its response: one shape for every kind, so the
 * response path (lib/sftp.js _onResponse) reads its fields at one map.
 */
class Request {
  /**
   * @param {Function | undefined} cb
   * @param {string | undefined} expect the response type that carries its result
   * @param {Buffer | null} buffer where a READ's data goes
   * @param {Function | null} extended decodes an EXTENDED_REPLY
   * @param {number} viewsOf a READ whose data is wanted as views (_readDataViews): the bytes asked for; else 0
   */
  constructor(cb, expect, buffer, extended, viewsOf) {
    this.cb = cb;
    this.expect = expect;
    this.buffer = buffer;
    this.extended = extended;
    this.viewsOf = viewsOf;
  }
}

/**
 * Sends a packet built for a fresh id; the response goes to `cb`.
 * @param {import('../sftp')} self
 * @param {string} what
 * @param {(id: number) => Buffer} build
 * @param {Function} [cb]
 * @param {Buffer | null} [buffer] a READ's: where its data goes
 * @param {Function | null} [extended] an EXTENDED request's reply decoder
 * @param {number} [viewsOf] a READ's, for views of its data: the bytes asked for
 */
function send(self, what, build, cb, buffer = null, extended = null, viewsOf = 0) {
  const state = self._state;
  const id = (state.writeReqid = (state.writeReqid + 1) % MAX_REQID);
  const packet = build(id);
  state.requests.set(id, new Request(cb, EXPECT.get(what), buffer, extended, viewsOf));
  self.debug(`DEBUG[SFTP]: Outgoing: Writing ${what}`);
  return self.push(packet);
}

/**
 * @param {import('../sftp')} self
 * @param {number} kind
 * @param {Buffer} s
 * @param {Function} [cb]
 */
function oneString(self, kind, s, cb) {
  clientOnly(self);
  return send(self, NAMES[kind], (id) => self._native.oneString(kind, id, s), cb);
}

/**
 * writeData's work; `inPlace`: push the packet's head, then `buf`'s bytes
 * as a view (see _writeDataInPlace), instead of one Buffer with a copy.
 * @param {import('../sftp')} self
 */
function writeChunk(self, handle, buf, off, len, position, cb, inPlace) {
  clientOnly(self);
  needHandle(handle);
  if (!Buffer.isBuffer(buf)) throw new Error('buffer is not a Buffer');
  if (off > buf.length) throw new Error('offset is out of bounds');
  if (off + len > buf.length) throw new Error('length extends beyond buffer');
  if (position === null) throw new Error('null position currently unsupported');
  if (!len) {
    if (cb) process.nextTick(cb, undefined, 0);
    return undefined;
  }
  // More than one packet holds: send what fits, the rest once it is acked.
  const max = self._state.maxDataLen;
  const overflow = len > max ? len - max : 0;
  if (overflow) len = max;
  const data = buf.subarray(off, off + len);
  const done = (err) => {
    if (err) {
      if (cb) cb(err);
    } else if (overflow) {
      writeChunk(self, handle, buf, off + len, overflow, position + len, cb, inPlace);
    } else if (cb) {
      cb(undefined, off + len);
    }
  };
  if (!inPlace) return send(self, 'WRITE', (id) => self._native.write(id, handle, position, data), done);
  send(self, 'WRITE', (id) => self._native.writeHead(id, handle, position, len), done);
  return self.push(data);
}

/**
 * A READ's length: no more than the server's limits@openssh.com allow
 * (callers already take short reads).
 */
function readLength(self, len) {
  const maxRead = self._state.limits ? self._state.limits.maxReadLength : 0;
  return maxRead > 0 && len > maxRead ? maxRead : len;
}

/** The extension's data in the server's VERSION includes `version`. */
function requireExtension(self, name, version) {
  const ext = self._state.extensions[name];
  if (!ext || ext.indexOf(version) === -1) throw new Error(UNSUPPORTED);
}

/**
 * An EXTENDED request: the name, then the body its fields make.
 * @param {import('../sftp')} self
 * @param {string} name
 * @param {Buffer} body
 * @param {Function} [cb]
 * @param {(data: Buffer, cb: Function) => void} [onReply] decodes the EXTENDED_REPLY
 */
function extended(self, name, body, cb, onReply) {
  return send(self, name, (id) => self._native.extended(id, name, body), cb, null, onReply);
}

/** Length-prefixed strings, as an extension's body. */
function strings(...parts) {
  const bufs = [];
  for (const p of parts) {
    const b = str(p);
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(b.length, 0);
    bufs.push(len, b);
  }
  return Buffer.concat(bufs);
}

function nameResult(missing, cb) {
  return (err, names) => {
    if (err) return cb(err);
    if (!names || !names.length) return cb(new Error(missing));
    cb(undefined, names[0].filename);
  };
}

/** @satisfies {ThisType<import('../sftp')>} */
const methods = {
  createReadStream(path, options) {
    clientOnly(this);
    return new (fileStreams().ReadStream)(this, path, options);
  },
  createWriteStream(path, options) {
    clientOnly(this);
    return new (fileStreams().WriteStream)(this, path, options);
  },

  open(path, flags_, attrs, cb) {
    clientOnly(this);
    if (typeof attrs === 'function') {
      cb = attrs;
      attrs = undefined;
    }
    const flags = typeof flags_ === 'number' ? flags_ : stringToFlags(flags_);
    if (flags === null) throw new Error(`Unknown flags string: ${flags_}`);
    if (typeof attrs === 'string' || typeof attrs === 'number') attrs = { mode: attrs };
    const native = attrsToNative(attrs);
    return send(this, 'OPEN', (id) => this._native.open(id, String(path), flags >>> 0, native), cb);
  },

  close(handle, cb) {
    clientOnly(this);
    needHandle(handle);
    return oneString(this, REQ.CLOSE, handle, cb);
  },

  readData(handle, buf, off, len, position, cb) {
    clientOnly(this);
    needHandle(handle);
    if (!Buffer.isBuffer(buf)) throw new Error('buffer is not a Buffer');
    if (off >= buf.length) throw new Error('offset is out of bounds');
    if (off + len > buf.length) throw new Error('length extends beyond buffer');
    if (position === null) throw new Error('null position currently unsupported');
    len = readLength(this, len);
    const done = (err, data, nb) => {
      if (err) {
        if (cb._wantEOFError || err.code !== STATUS_CODE.EOF) return cb(err);
      } else if (nb > len) {
        return cb(new Error('Received more data than requested'));
      }
      cb(undefined, nb || 0, data, position);
    };
    return send(this, 'READ', (id) => this._native.read(id, handle, position, len >>> 0), done, buf.subarray(off, off + len));
  },

  /**
   * readData for fastGet (lib/sftp/transfer.js): `cb(err, nb, views)` gets
   * the reply's bytes as views of where they were received (copies of any
   * that their writer may reuse: lib/fresh-buffers.js), not copied into a
   * buffer of the caller's. The end of the file is nb 0.
   * @param {Buffer} handle
   * @param {number} len
   * @param {number} position
   * @param {(err: Error | undefined, nb?: number, views?: Buffer[]) => void} cb
   */
  _readDataViews(handle, len, position, cb) {
    clientOnly(this);
    needHandle(handle);
    len = readLength(this, len);
    const done = (err, views, nb) => {
      if (err) return err.code === STATUS_CODE.EOF ? cb(undefined, 0, []) : cb(err);
      if (nb > len) return cb(new Error('Received more data than requested'));
      cb(undefined, nb, views);
    };
    return send(this, 'READ', (id) => this._native.read(id, handle, position, len >>> 0), done, null, null, len);
  },

  writeData(handle, buf, off, len, position, cb) {
    return writeChunk(this, handle, buf, off, len, position, cb, false);
  },

  /**
   * writeData for fastPut (lib/sftp/transfer.js): the data goes out as a
   * view of `buf`, not a copy, after the packet's head. Only for a buffer
   * left alone until `cb`: fastPut reuses a slot only once its write is
   * acknowledged, and the server cannot acknowledge bytes it has not been
   * sent. (writeData copies: its caller may reuse the buffer at once.)
   */
  _writeDataInPlace(handle, buf, off, len, position, cb) {
    return writeChunk(this, handle, buf, off, len, position, cb, true);
  },

  fastGet(remotePath, localPath, opts, cb) {
    clientOnly(this);
    return transfer().fastXfer(this, require('fs'), remotePath, localPath, opts, cb);
  },
  fastPut(localPath, remotePath, opts, cb) {
    clientOnly(this);
    return transfer().fastXfer(require('fs'), this, localPath, remotePath, opts, cb);
  },
  readFile(path, options, cb) {
    clientOnly(this);
    return files().readFile(this, path, options, cb);
  },
  writeFile(path, data, options, cb) {
    clientOnly(this);
    return files().writeFile(this, path, data, options, cb);
  },
  appendFile(path, data, options, cb) {
    clientOnly(this);
    return files().appendFile(this, path, data, options, cb);
  },
  exists(path, cb) {
    clientOnly(this);
    return files().exists(this, path, cb);
  },

  unlink(filename, cb) {
    return oneString(this, REQ.REMOVE, utf8(filename), cb);
  },
  rename(oldPath, newPath, cb) {
    clientOnly(this);
    return send(this, 'RENAME', (id) => this._native.twoStrings(REQ.RENAME, id, utf8(oldPath), utf8(newPath)), cb);
  },
  mkdir(path, attrs, cb) {
    clientOnly(this);
    if (typeof attrs === 'function') {
      cb = attrs;
      attrs = undefined;
    }
    return send(this, 'MKDIR', (id) => this._native.stringAttrs(REQ.MKDIR, id, utf8(path), attrsToNative(attrs)), cb);
  },
  rmdir(path, cb) {
    return oneString(this, REQ.RMDIR, utf8(path), cb);
  },

  readdir(where, opts, cb) {
    clientOnly(this);
    if (typeof opts === 'function') {
      cb = opts;
      opts = {};
    }
    if (typeof opts !== 'object' || opts === null) opts = {};
    if (!Buffer.isBuffer(where) && typeof where !== 'string') throw new Error('missing directory handle or path');
    if (typeof where === 'string') return readWholeDir(this, where, opts, cb);
    const full = !!opts.full;
    const done = full
      ? cb
      : (err, list) => {
          if (err) return cb(err);
          cb(
            undefined,
            list.filter((e) => e.filename !== '.' && e.filename !== '..')
          );
        };
    return send(this, 'READDIR', (id) => this._native.oneString(REQ.READDIR, id, where), done);
  },

  fstat(handle, cb) {
    clientOnly(this);
    needHandle(handle);
    return oneString(this, REQ.FSTAT, handle, cb);
  },
  stat(path, cb) {
    return oneString(this, REQ.STAT, utf8(path), cb);
  },
  lstat(path, cb) {
    return oneString(this, REQ.LSTAT, utf8(path), cb);
  },
  opendir(path, cb) {
    return oneString(this, REQ.OPENDIR, utf8(path), cb);
  },
  setstat(path, attrs, cb) {
    clientOnly(this);
    return send(this, 'SETSTAT', (id) => this._native.stringAttrs(REQ.SETSTAT, id, utf8(path), attrsToNative(attrs)), cb);
  },
  fsetstat(handle, attrs, cb) {
    clientOnly(this);
    needHandle(handle);
    return send(this, 'FSETSTAT', (id) => this._native.stringAttrs(REQ.FSETSTAT, id, handle, attrsToNative(attrs)), cb);
  },
  futimes(handle, atime, mtime, cb) {
    return this.fsetstat(handle, { atime: toUnixTimestamp(atime), mtime: toUnixTimestamp(mtime) }, cb);
  },
  utimes(path, atime, mtime, cb) {
    return this.setstat(path, { atime: toUnixTimestamp(atime), mtime: toUnixTimestamp(mtime) }, cb);
  },
  fchown(handle, uid, gid, cb) {
    return this.fsetstat(handle, { uid, gid }, cb);
  },
  chown(path, uid, gid, cb) {
    return this.setstat(path, { uid, gid }, cb);
  },
  fchmod(handle, mode, cb) {
    return this.fsetstat(handle, { mode }, cb);
  },
  chmod(path, mode, cb) {
    return this.setstat(path, { mode }, cb);
  },
  readlink(path, cb) {
    clientOnly(this);
    return send(this, 'READLINK', (id) => this._native.oneString(REQ.READLINK, id, utf8(path)), nameResult('Response missing link info', cb));
  },
  symlink(targetPath, linkPath, cb) {
    clientOnly(this);
    // The draft says (linkpath, targetpath); OpenSSH has always sent and
    // expected them the other way round.
    const [a, b] = this._isOpenSSH ? [targetPath, linkPath] : [linkPath, targetPath];
    return send(this, 'SYMLINK', (id) => this._native.twoStrings(REQ.SYMLINK, id, utf8(a), utf8(b)), cb);
  },
  realpath(path, cb) {
    clientOnly(this);
    return send(this, 'REALPATH', (id) => this._native.oneString(REQ.REALPATH, id, utf8(path)), nameResult('Response missing path info', cb));
  },

  // OpenSSH extensions (PROTOCOL, section 4), each only when the server
  // advertised it.

  ext_openssh_rename(oldPath, newPath, cb) {
    clientOnly(this);
    requireExtension(this, 'posix-rename@openssh.com', '1');
    return extended(this, 'posix-rename@openssh.com', strings(oldPath, newPath), cb);
  },
  ext_openssh_statvfs(path, cb) {
    clientOnly(this);
    requireExtension(this, 'statvfs@openssh.com', '2');
    return extended(this, 'statvfs@openssh.com', strings(path), cb, statvfsReply);
  },
  ext_openssh_fstatvfs(handle, cb) {
    clientOnly(this);
    requireExtension(this, 'fstatvfs@openssh.com', '2');
    needHandle(handle);
    return extended(this, 'fstatvfs@openssh.com', strings(handle), cb, statvfsReply);
  },
  ext_openssh_hardlink(oldPath, newPath, cb) {
    clientOnly(this);
    requireExtension(this, 'hardlink@openssh.com', '1');
    return extended(this, 'hardlink@openssh.com', strings(oldPath, newPath), cb);
  },
  ext_openssh_fsync(handle, cb) {
    clientOnly(this);
    requireExtension(this, 'fsync@openssh.com', '1');
    needHandle(handle);
    return extended(this, 'fsync@openssh.com', strings(handle), cb);
  },
  /** lsetstat@openssh.com: setstat that does not follow a final symlink. */
  ext_openssh_lsetstat(path, attrs, cb) {
    clientOnly(this);
    requireExtension(this, 'lsetstat@openssh.com', '1');
    const attrBytes = this._native.stringAttrs(REQ.SETSTAT, 0, utf8(path), attrsToNative(attrs));
    // The SETSTAT body after type and id is exactly lsetstat's body.
    return extended(this, 'lsetstat@openssh.com', attrBytes.subarray(9), cb);
  },
  /** expand-path@openssh.com: realpath that also expands `~`. */
  ext_openssh_expandPath(path, cb) {
    clientOnly(this);
    requireExtension(this, 'expand-path@openssh.com', '1');
    // The reply is a NAME packet, like realpath's.
    return extended(this, 'expand-path@openssh.com', strings(path), nameResult('Response missing expanded path', cb));
  },
  /** copy-data: server-side copy of `len` bytes (0 = to EOF) between handles. */
  ext_copy_data(srcHandle, srcOffset, len, dstHandle, dstOffset, cb) {
    clientOnly(this);
    requireExtension(this, 'copy-data', '1');
    needHandle(srcHandle);
    needHandle(dstHandle);
    const u64 = (n) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt(Math.max(0, Math.trunc(n))), 0);
      return b;
    };
    const body = Buffer.concat([strings(srcHandle), u64(srcOffset), u64(len), strings(dstHandle), u64(dstOffset)]);
    return extended(this, 'copy-data', body, cb);
  },

  /** Asks for limits@openssh.com when offered, to size reads and writes. */
  _queryLimits() {
    const ext = this._state.extensions['limits@openssh.com'];
    if (!ext || ext.indexOf('1') === -1) return;
    extended(
      this,
      'limits@openssh.com',
      Buffer.alloc(0),
      (err, limits) => {
        if (err || !limits) return;
        this._state.limits = limits;
        if (limits.maxWriteLength > 0) this._state.maxDataLen = limits.maxWriteLength;
      },
      (data, cb) => cb(undefined, sftpDecodeLimits(data))
    );
  },
};

/** statvfs replies: eleven uint64s, as 0.4.10's object. */
function statvfsReply(data, cb) {
  const stats = sftpDecodeStatvfs(data);
  if (!stats) return cb(new Error('Malformed statvfs reply'));
  cb(undefined, stats);
}

/** readdir(path): opendir, READDIR until EOF, close; every entry in order. */
function readWholeDir(self, path, opts, cb) {
  const entries = [];
  return self.opendir(path, function reread(err, handle) {
    if (err) return cb(err);
    self.readdir(handle, opts, (err, list) => {
      const eof = err && err.code === STATUS_CODE.EOF;
      if (err && !eof) return self.close(handle, () => cb(err));
      if (eof) return self.close(handle, (err) => (err ? cb(err) : cb(undefined, entries)));
      for (const e of list) entries.push(e);
      reread(undefined, handle);
    });
  });
}

module.exports = methods;
