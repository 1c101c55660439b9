'use strict';
// An SFTP server over one local folder, built on SFTPStream's server events:
// what `npm run demo` serves and what the interop tests point OpenSSH's
// `sftp` at. The folder is the client's "/"; paths cannot leave it.

const fs = require('fs');
const path = require('path');
const { SFTPStream } = require('../..');
const { batchedRead, batchedWrite } = require('../../lib/sftp/batched-fs');

const { STATUS_CODE, OPEN_MODE } = SFTPStream;
const C = fs.constants;

/** The extensions this server implements in its EXTENDED handler. */
const EXTENSIONS = {
  'posix-rename@openssh.com': '1',
  'statvfs@openssh.com': '2',
  'fstatvfs@openssh.com': '2',
  'hardlink@openssh.com': '1',
  'fsync@openssh.com': '1',
};

function statusOf(err) {
  switch (err && err.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EACCES':
    case 'EPERM':
      return STATUS_CODE.PERMISSION_DENIED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

function attrsOf(st) {
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An `ls -l` line, which OpenSSH's sftp prints for `ls -l`. */
function longname(name, st) {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  let perms = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (st.mode >> shift) & 7;
    perms += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  const d = st.mtime;
  const when = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return `${type}${perms} ${String(st.nlink).padStart(4)} ${String(st.uid).padEnd(8)} ${String(st.gid).padEnd(8)} ${String(st.size).padStart(8)} ${when} ${name}`;
}

function openFlags(pflags) {
  let f = 0;
  if (pflags & OPEN_MODE.READ && pflags & OPEN_MODE.WRITE) f |= C.O_RDWR;
  else if (pflags & OPEN_MODE.WRITE) f |= C.O_WRONLY;
  else f |= C.O_RDONLY;
  if (pflags & OPEN_MODE.APPEND) f |= C.O_APPEND;
  if (pflags & OPEN_MODE.CREAT) f |= C.O_CREAT;
  if (pflags & OPEN_MODE.TRUNC) f |= C.O_TRUNC;
  if (pflags & OPEN_MODE.EXCL) f |= C.O_EXCL;
  return f;
}

/**
 * Serves `root` on a server-mode SFTPStream. opts.symlinkTargetFirst: the
 * client is OpenSSH's sftp, which sends SYMLINK's paths the other way round.
 */
function serve(sftp, root, opts = {}) {
  root = path.resolve(root);
  if (typeof sftp.setExtensions === 'function') sftp.setExtensions(EXTENSIONS);
  const handles = new Map();
  let nextHandle = 1;

  /** A client path as a local one, confined to root. */
  const local = (p) => path.join(root, path.posix.normalize('/' + p));
  const virtual = (p) => path.posix.normalize('/' + p);
  const fail = (id) => (err) => sftp.status(id, statusOf(err), err && err.message);
  const ok = (id) => (err) => (err ? fail(id)(err) : sftp.status(id, STATUS_CODE.OK));
  const newHandle = (entry) => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(nextHandle++, 0);
    handles.set(h.toString('hex'), entry);
    return h;
  };
  const entry = (h) => handles.get(Buffer.isBuffer(h) ? h.toString('hex') : '');
  const bad = (id) => sftp.status(id, STATUS_CODE.FAILURE, 'Invalid handle');
  // A file's fd is closed once its batched READs and WRITEs are back (a
  // closed fd's number may be reused at once).
  const closeFile = (e, cb) => e.read.drained(() => e.write.drained(() => fs.close(e.fd, cb)));

  // A client moving a file keeps many READs or WRITEs of adjacent ranges in
  // flight (fastGet/fastPut: 64 of 32 KiB): each file's go to the fs
  // batched, one readv or writev per run (lib/sftp/batched-fs.js), instead
  // of a trip through libuv's thread pool each.
  sftp.on('OPEN', (id, p, pflags, attrs) => {
    const mode = attrs && typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : 0o644;
    fs.open(local(p), openFlags(pflags), mode, (err, fd) =>
      err ? fail(id)(err) : sftp.handle(id, newHandle({ fd, read: batchedRead(), write: batchedWrite() }))
    );
  });
  sftp.on('READ', (id, h, offset, len) => {
    const e = entry(h);
    if (!e || e.fd === undefined) return bad(id);
    const buf = Buffer.allocUnsafe(Math.min(len, 256 * 1024));
    e.read.submit(e.fd, buf, 0, buf.length, offset, (err, n) => {
      if (err) return fail(id)(err);
      if (n === 0) return sftp.status(id, STATUS_CODE.EOF);
      sftp.data(id, buf.subarray(0, n));
    });
  });
  sftp.on('WRITE', (id, h, offset, data) => {
    const e = entry(h);
    if (!e || e.fd === undefined) return bad(id);
    e.write.submit(e.fd, data, 0, data.length, offset, ok(id));
  });
  sftp.on('CLOSE', (id, h) => {
    const e = entry(h);
    if (!e) return bad(id);
    handles.delete(h.toString('hex'));
    if (e.fd === undefined) return sftp.status(id, STATUS_CODE.OK);
    // The READs and WRITEs that came before are answered first.
    closeFile(e, ok(id));
  });
  sftp.on('FSTAT', (id, h) => {
    const e = entry(h);
    if (!e || e.fd === undefined) return bad(id);
    fs.fstat(e.fd, (err, st) => (err ? fail(id)(err) : sftp.attrs(id, attrsOf(st))));
  });
  for (const [ev, fn] of [
    ['STAT', fs.stat],
    ['LSTAT', fs.lstat],
  ]) {
    sftp.on(ev, (id, p) => fn(local(p), (err, st) => (err ? fail(id)(err) : sftp.attrs(id, attrsOf(st)))));
  }
  const setAttrs = (id, target, attrs, byFd) => {
    const steps = [];
    if (typeof attrs.mode === 'number') steps.push((cb) => (byFd ? fs.fchmod : fs.chmod)(target, attrs.mode & 0o7777, cb));
    if (typeof attrs.uid === 'number') steps.push((cb) => (byFd ? fs.fchown : fs.chown)(target, attrs.uid, attrs.gid, cb));
    if (typeof attrs.size === 'number') steps.push((cb) => (byFd ? fs.ftruncate : fs.truncate)(target, attrs.size, cb));
    if (typeof attrs.atime === 'number') steps.push((cb) => (byFd ? fs.futimes : fs.utimes)(target, attrs.atime, attrs.mtime, cb));
    const run = (i) => (i === steps.length ? ok(id)() : steps[i]((err) => (err ? fail(id)(err) : run(i + 1))));
    run(0);
  };
  sftp.on('SETSTAT', (id, p, attrs) => setAttrs(id, local(p), attrs, false));
  sftp.on('FSETSTAT', (id, h, attrs) => {
    const e = entry(h);
    if (!e || e.fd === undefined) return bad(id);
    setAttrs(id, e.fd, attrs, true);
  });
  sftp.on('OPENDIR', (id, p) => {
    const dir = local(p);
    fs.readdir(dir, (err, names) => (err ? fail(id)(err) : sftp.handle(id, newHandle({ dir, names: ['.', '..', ...names] }))));
  });
  sftp.on('READDIR', (id, h) => {
    const e = entry(h);
    if (!e || !e.names) return bad(id);
    if (!e.names.length) return sftp.status(id, STATUS_CODE.EOF);
    const batch = e.names.splice(0, 100);
    const out = [];
    let left = batch.length;
    batch.forEach((name, i) => {
      fs.lstat(path.join(e.dir, name), (err, st) => {
        out[i] = err ? { filename: name, longname: name, attrs: {} } : { filename: name, longname: longname(name, st), attrs: attrsOf(st) };
        if (--left === 0) sftp.name(id, out);
      });
    });
  });
  sftp.on('REMOVE', (id, p) => fs.unlink(local(p), ok(id)));
  sftp.on('RMDIR', (id, p) => fs.rmdir(local(p), ok(id)));
  sftp.on('MKDIR', (id, p, attrs) => {
    const mode = attrs && typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : 0o755;
    fs.mkdir(local(p), mode, ok(id));
  });
  sftp.on('REALPATH', (id, p) => {
    const v = virtual(p);
    sftp.name(id, [{ filename: v, longname: v, attrs: {} }]);
  });
  sftp.on('READLINK', (id, p) =>
    fs.readlink(local(p), (err, target) => (err ? fail(id)(err) : sftp.name(id, [{ filename: target, longname: target, attrs: {} }])))
  );
  sftp.on('SYMLINK', (id, a, b) => {
    const [linkPath, targetPath] = opts.symlinkTargetFirst ? [b, a] : [a, b];
    fs.symlink(targetPath, local(linkPath), ok(id));
  });
  sftp.on('RENAME', (id, from, to) => {
    // SFTP v3: renaming onto an existing name fails.
    fs.access(local(to), (missing) => {
      if (!missing) return sftp.status(id, STATUS_CODE.FAILURE, 'File exists');
      fs.rename(local(from), local(to), ok(id));
    });
  });
  sftp.on('EXTENDED', (id, name, data) => onExtended(id, name, data));

  function readStrings(data, n) {
    const out = [];
    let p = 0;
    for (let i = 0; i < n; i++) {
      if (p + 4 > data.length) return null;
      const len = data.readUInt32BE(p);
      if (p + 4 + len > data.length) return null;
      out.push(data.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
    return out;
  }

  function statvfsReply(id, target) {
    fs.statfs(target, (err, s) => {
      if (err) return fail(id)(err);
      const values = [s.bsize, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.ffree, 0, 0, 255];
      const buf = Buffer.alloc(88);
      values.forEach((v, i) => buf.writeBigUInt64BE(BigInt(v), i * 8));
      sftp.extendedReply(id, buf);
    });
  }

  function onExtended(id, name, data) {
    const two = readStrings(data, 2);
    const one = readStrings(data, 1);
    switch (name) {
      case 'posix-rename@openssh.com':
        if (!two) break;
        return fs.rename(local(two[0].toString()), local(two[1].toString()), ok(id));
      case 'hardlink@openssh.com':
        if (!two) break;
        return fs.link(local(two[0].toString()), local(two[1].toString()), ok(id));
      case 'statvfs@openssh.com':
        if (!one) break;
        return statvfsReply(id, local(one[0].toString()));
      case 'fstatvfs@openssh.com': {
        const e = one && entry(one[0]);
        if (!e) return bad(id);
        return statvfsReply(id, e.dir || root);
      }
      case 'fsync@openssh.com': {
        const e = one && entry(one[0]);
        if (!e || e.fd === undefined) return bad(id);
        return fs.fsync(e.fd, ok(id));
      }
      default:
        return sftp.status(id, STATUS_CODE.OP_UNSUPPORTED);
    }
    sftp.status(id, STATUS_CODE.BAD_MESSAGE);
  }

  // Whatever the client left open is closed with the session.
  sftp.on('close', () => {
    for (const e of handles.values()) if (e.fd !== undefined) closeFile(e, () => {});
    handles.clear();
  });
}

module.exports = { serve, EXTENSIONS };
