// @ts-check
'use strict';
// SFTP v3 constants, open-flag strings, the Stats class and attribute
// normalisation: the parts of SFTPStream's API that are plain data.

const { constants: fsConstants } = require('fs');

const STATUS_CODE = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
};

/** The default message for a status code without one (0.4.10's wording). */
const STATUS_TEXT = {
  0: 'No error',
  1: 'End of file',
  2: 'No such file or directory',
  3: 'Permission denied',
  4: 'Failure',
  5: 'Bad message',
  6: 'No connection',
  7: 'Connection lost',
  8: 'Operation unsupported',
};

const OPEN_MODE = {
  READ: 0x01,
  WRITE: 0x02,
  APPEND: 0x04,
  CREAT: 0x08,
  TRUNC: 0x10,
  EXCL: 0x20,
};

const { READ, WRITE, APPEND, CREAT, TRUNC, EXCL } = OPEN_MODE;
// fs-style flag strings; the first string for a value is what
// flagsToString gives back.
const FLAG_STRINGS = [
  ['r', READ],
  ['r+', READ | WRITE],
  ['w', TRUNC | CREAT | WRITE],
  ['wx', TRUNC | CREAT | WRITE | EXCL],
  ['xw', TRUNC | CREAT | WRITE | EXCL],
  ['w+', TRUNC | CREAT | READ | WRITE],
  ['wx+', TRUNC | CREAT | READ | WRITE | EXCL],
  ['xw+', TRUNC | CREAT | READ | WRITE | EXCL],
  ['a', APPEND | CREAT | WRITE],
  ['ax', APPEND | CREAT | WRITE | EXCL],
  ['xa', APPEND | CREAT | WRITE | EXCL],
  ['a+', APPEND | CREAT | READ | WRITE],
  ['ax+', APPEND | CREAT | READ | WRITE | EXCL],
  ['xa+', APPEND | CREAT | READ | WRITE | EXCL],
];
const FLAGS_BY_STRING = new Map(/** @type {Array<[string, number]>} */ (FLAG_STRINGS));

function stringToFlags(str) {
  const flags = FLAGS_BY_STRING.get(str);
  return flags === undefined ? null : flags;
}

function flagsToString(flags) {
  const hit = FLAG_STRINGS.find(([, value]) => value === flags);
  return hit ? hit[0] : null;
}

/** File attributes as SFTP reports them, with fs.Stats-like type tests. */
class Stats {
  constructor(initial) {
    this.mode = initial && initial.mode;
    this.permissions = this.mode; // the older name, kept for compatibility
    this.uid = initial && initial.uid;
    this.gid = initial && initial.gid;
    this.size = initial && initial.size;
    this.atime = initial && initial.atime;
    this.mtime = initial && initial.mtime;
  }

  _checkModeProperty(property) {
    return (this.mode & fsConstants.S_IFMT) === property;
  }
  isDirectory() {
    return this._checkModeProperty(fsConstants.S_IFDIR);
  }
  isFile() {
    return this._checkModeProperty(fsConstants.S_IFREG);
  }
  isBlockDevice() {
    return this._checkModeProperty(fsConstants.S_IFBLK);
  }
  isCharacterDevice() {
    return this._checkModeProperty(fsConstants.S_IFCHR);
  }
  isSymbolicLink() {
    return this._checkModeProperty(fsConstants.S_IFLNK);
  }
  isFIFO() {
    return this._checkModeProperty(fsConstants.S_IFIFO);
  }
  isSocket() {
    return this._checkModeProperty(fsConstants.S_IFSOCK);
  }
}

function toUnixTimestamp(time) {
  if (typeof time === 'number' && !Number.isNaN(time)) return time;
  if (time instanceof Date) return Math.trunc(time.getTime() / 1000);
  throw new Error(`Cannot parse time: ${time}`);
}

function modeNum(mode) {
  if (typeof mode === 'number' && !Number.isNaN(mode)) return mode;
  if (typeof mode === 'string') return modeNum(parseInt(mode, 8));
  throw new Error(`Cannot parse mode: ${mode}`);
}

const isTime = (t) => typeof t === 'number' || t instanceof Date;

/**
 * The attributes an app passes, as the native encoder takes them: only the
 * groups 0.4.10 would send (uid and gid together, atime and mtime
 * together), 32-bit fields wrapped as uint32 the way its byte writes did.
 */
function attrsToNative(attrs) {
  const out = {};
  if (typeof attrs !== 'object' || attrs === null) return out;
  if (typeof attrs.size === 'number') out.size = attrs.size;
  if (typeof attrs.uid === 'number' && typeof attrs.gid === 'number') {
    out.uid = attrs.uid >>> 0;
    out.gid = attrs.gid >>> 0;
  }
  const numOrString = (v) => typeof v === 'number' || typeof v === 'string';
  if (numOrString(attrs.mode) || numOrString(attrs.permissions)) {
    out.mode = modeNum(attrs.mode || attrs.permissions) >>> 0;
  }
  if (isTime(attrs.atime) && isTime(attrs.mtime)) {
    out.atime = toUnixTimestamp(attrs.atime) >>> 0;
    out.mtime = toUnixTimestamp(attrs.mtime) >>> 0;
  }
  return out;
}

module.exports = {
  STATUS_CODE,
  STATUS_TEXT,
  OPEN_MODE,
  Stats,
  stringToFlags,
  flagsToString,
  attrsToNative,
  toUnixTimestamp,
  modeNum,
};
