// @ts-check
'use strict';
// SFTPStream's server replies, mixed into its prototype: STATUS, HANDLE,
// DATA, NAME and ATTRS with 0.4.10's argument checks, plus EXTENDED_REPLY.

const { STATUS_TEXT, attrsToNative } = require('./stats');

const SERVER_ONLY = 'Server-only method called in client mode';

function serverOnly(self) {
  if (!self.server) throw new Error(SERVER_ONLY);
}

function out(self, what, packet) {
  self.debug(`DEBUG[SFTP]: Outgoing: Writing ${what}`);
  return self.push(packet);
}

/** A NAME entry's string field: a non-empty string, else empty. */
const field = (name, key) => (name && typeof name[key] === 'string' ? name[key] : '');

/** @satisfies {ThisType<import('../sftp')>} */
const methods = {
  status(id, code, message, lang) {
    serverOnly(this);
    if (STATUS_TEXT[code] === undefined || typeof code !== 'number') throw new Error(`Bad status code: ${code}`);
    return out(this, 'STATUS', this._native.status(id >>> 0, code, message || '', lang || ''));
  },

  handle(id, handle) {
    serverOnly(this);
    if (!Buffer.isBuffer(handle)) throw new Error('handle is not a Buffer');
    if (handle.length > 256) throw new Error('handle too large (> 256 bytes)');
    return out(this, 'HANDLE', this._native.handle(id >>> 0, handle));
  },

  data(id, data, encoding) {
    serverOnly(this);
    const isBuffer = Buffer.isBuffer(data);
    if (!isBuffer && typeof data !== 'string') throw new Error('data is not a Buffer or string');
    const bytes = isBuffer ? data : Buffer.from(data, encoding || 'utf8');
    return out(this, 'DATA', this._native.data(id >>> 0, bytes));
  },

  name(id, names) {
    serverOnly(this);
    if (!Array.isArray(names)) {
      if (typeof names !== 'object' || names === null) throw new Error('names is not an object or array');
      names = [names];
    }
    const entries = names.map((n) => ({
      filename: field(n, 'filename'),
      longname: field(n, 'longname'),
      attrs: n && typeof n.attrs === 'object' && n.attrs !== null ? attrsToNative(n.attrs) : undefined,
    }));
    return out(this, 'NAME', this._native.name(id >>> 0, entries));
  },

  attrs(id, attrs) {
    serverOnly(this);
    if (typeof attrs !== 'object' || attrs === null) throw new Error('attrs is not an object');
    return out(this, 'ATTRS', this._native.attrs(id >>> 0, attrsToNative(attrs)));
  },

  /**
   * Beyond 0.4.10: extensions to advertise in VERSION ({ name: data }),
   * before the client's INIT arrives. The app answers them in 'EXTENDED'.
   */
  setExtensions(extensions) {
    serverOnly(this);
    this._native.setExtensions(Object.entries(extensions || {}).map(([k, v]) => [k, String(v)]));
  },

  /** The reply to an EXTENDED request the app handled itself. */
  extendedReply(id, data) {
    serverOnly(this);
    if (!Buffer.isBuffer(data)) throw new Error('data is not a Buffer');
    return out(this, 'EXTENDED_REPLY', this._native.extendedReply(id >>> 0, data));
  },
};

module.exports = methods;
