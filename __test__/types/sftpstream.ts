// SFTPStream as a client and as a server, typed.
import { SFTPStream, Stats, Attributes, FileEntry, StatVFS } from '../..';

const OPEN_MODE = SFTPStream.OPEN_MODE;
const STATUS_CODE = SFTPStream.STATUS_CODE;

// ---- client
const sftp = new SFTPStream({ debug: (m: string) => void m }, 'SSH-2.0-OpenSSH_9.6');
const sftp2 = new SFTPStream('SSH-2.0-OpenSSH_9.6');
void sftp2;
sftp.on('ready', () => undefined);
sftp.on('continue', () => undefined);
sftp.on('error', (err) => void err.message);
sftp.on('end', () => undefined);

const more: boolean = sftp.open('/f', 'r', (err, handle) => {
  if (err) return void (err as Error & { code?: number }).code;
  const buf = Buffer.alloc(1024);
  sftp.readData(handle, buf, 0, buf.length, 0, (err2, bytesRead, data, position) => void [err2, bytesRead, data.length, position]);
  sftp.writeData(handle, buf, 0, 10, 0, (err3, upTo) => void [err3, upTo]);
  sftp.fstat(handle, (e, st: Stats) => void [e, st.isFile(), st.size, st.permissions]);
  sftp.fsetstat(handle, { mode: 0o644, atime: new Date(), mtime: 0 }, (e) => void e);
  sftp.futimes(handle, new Date(), Date.now() / 1000, (e) => void e);
  sftp.fchown(handle, 1000, 1000, (e) => void e);
  sftp.fchmod(handle, '0644', (e) => void e);
  sftp.ext_openssh_fsync(handle, (e) => void e);
  sftp.ext_openssh_fstatvfs(handle, (e, vfs: StatVFS) => void [e, vfs.f_bavail]);
  sftp.ext_copy_data(handle, 0, 0, handle, 0, (e) => void e);
  sftp.close(handle, (e) => void e);
});
void more;
sftp.open('/g', OPEN_MODE.WRITE | OPEN_MODE.CREAT, { mode: 0o600 }, (err, handle) => void [err, handle]);
sftp.open('/g', 'w', 0o600, (err, handle) => void [err, handle]);
sftp.opendir('/', (err, handle) => {
  if (!err) sftp.readdir(handle, { full: true }, (e, list: FileEntry[]) => void [e && e.message, list.length]);
});
sftp.readdir('/', (err, list) => void [err, list.map((e) => [e.filename, e.longname, e.attrs.isDirectory()])]);
sftp.unlink('/a', (err) => void err);
sftp.rename('/a', '/b', (err) => void err);
sftp.mkdir('/d', { mode: '0755' }, (err) => void err);
sftp.mkdir('/e', (err) => void err);
sftp.rmdir('/d', (err) => void err);
sftp.stat('/x', (err, st) => void [err, st.mtime]);
sftp.lstat('/x', (err, st) => void [err, st.isSymbolicLink()]);
sftp.setstat('/x', { uid: 0, gid: 0 } as Attributes, (err) => void err);
sftp.utimes('/x', 0, 0, (err) => void err);
sftp.chown('/x', 0, 0, (err) => void err);
sftp.chmod('/x', 0o600, (err) => void err);
sftp.readlink('/l', (err, target: string) => void [err, target]);
sftp.symlink('/target', '/link', (err) => void err);
sftp.realpath('.', (err, abs: string) => void [err, abs]);
sftp.ext_openssh_rename('/a', '/b', (err) => void err);
sftp.ext_openssh_statvfs('/', (err, vfs) => void [err, vfs.f_files]);
sftp.ext_openssh_hardlink('/a', '/b', (err) => void err);
sftp.ext_openssh_lsetstat('/l', { mode: 0o777 }, (err) => void err);
sftp.ext_openssh_expandPath('~', (err, p) => void [err, p.length]);
sftp.fastGet('/r', '/l', (err) => void err);
sftp.fastPut('/l', '/r', { concurrency: 16, chunkSize: 65536, fileSize: 10, mode: 0o644 }, (err) => void err);
sftp.readFile('/r', (err, data: Buffer) => void [err, data.length]);
sftp.readFile('/r', 'utf8', (err, data) => void [err, data.length]);
sftp.writeFile('/w', 'text', { mode: 0o600 }, (err) => void err);
sftp.appendFile('/w', Buffer.from('more'), (err) => void err);
sftp.exists('/w', (exists: boolean) => void exists);
const rs = sftp.createReadStream('/r', { start: 10, end: 20, highWaterMark: 4096 });
rs.on('open', (handle) => void handle.length).on('ready', () => undefined).pipe(process.stdout);
const ws = sftp.createWriteStream('/w', 'utf8');
ws.on('open', (h: Buffer) => void h);
ws.end('bye');

// ---- server
const srv = new SFTPStream({ server: true });
srv.setExtensions({ 'statvfs@openssh.com': '2' });
srv.on('OPEN', (id, filename, flags, attrs: Stats) => {
  if (flags & OPEN_MODE.WRITE) return srv.status(id, STATUS_CODE.PERMISSION_DENIED, 'read-only', 'en');
  void [filename, attrs.mode];
  return srv.handle(id, Buffer.from([1]));
});
srv.on('READ', (id, handle, offset, length) => void [handle, offset, srv.data(id, Buffer.alloc(length))]);
srv.on('WRITE', (id, handle, offset, data) => void [handle, offset, data, srv.status(id, STATUS_CODE.OK)]);
srv.on('FSTAT', (id, handle) => void [handle, srv.attrs(id, { size: 0, mode: 0o100644 })]);
srv.on('FSETSTAT', (id, handle, attrs) => void [handle, attrs.uid, srv.status(id, STATUS_CODE.OK)]);
srv.on('CLOSE', (id, handle) => void [handle, srv.status(id, STATUS_CODE.OK)]);
srv.on('OPENDIR', (id, path) => void [path, srv.handle(id, Buffer.from('d'))]);
srv.on('READDIR', (id, handle) => void [handle, srv.name(id, [{ filename: 'a', longname: '-rw-r--r-- a', attrs: { size: 1 } }])]);
srv.on('LSTAT', (id, path) => void [path, srv.status(id, STATUS_CODE.NO_SUCH_FILE)]);
srv.on('STAT', (id, path) => void [path, srv.status(id, STATUS_CODE.NO_SUCH_FILE)]);
srv.on('REMOVE', (id, path) => void [path, srv.status(id, STATUS_CODE.FAILURE)]);
srv.on('RMDIR', (id, path) => void [path, srv.status(id, STATUS_CODE.FAILURE)]);
srv.on('REALPATH', (id, path) => void srv.name(id, { filename: `/${path}` }));
srv.on('READLINK', (id, path) => void srv.name(id, [{ filename: path }]));
srv.on('SETSTAT', (id, path, attrs) => void [path, attrs.atime, srv.status(id, STATUS_CODE.OK)]);
srv.on('MKDIR', (id, path, attrs) => void [path, attrs, srv.status(id, STATUS_CODE.OK)]);
srv.on('RENAME', (id, oldPath, newPath) => void [oldPath, newPath, srv.status(id, STATUS_CODE.OK)]);
srv.on('SYMLINK', (id, linkPath, targetPath) => void [linkPath, targetPath, srv.status(id, STATUS_CODE.OK)]);
srv.on('EXTENDED', (id, request, data) => void [request, data, srv.extendedReply(id, Buffer.alloc(88))]);
srv.on('SOMETHING_ELSE', (...args: unknown[]) => void args);

const flags: number | null = SFTPStream.stringToFlags('a+');
const str: string | null = SFTPStream.flagsToString(OPEN_MODE.READ);
const st = new SFTPStream.Stats({ mode: 0o40755 });
void [flags, str, st.isDirectory()];

// @ts-expect-error: READ's offset is a number
srv.on('READ', (id: number, handle: Buffer, offset: string) => void [id, handle, offset]);
// @ts-expect-error: OPEN gives the flags as a number
srv.once('OPEN', (id: number, filename: string, flags: string) => void [id, filename, flags]);
// @ts-expect-error: handles are Buffers
sftp.close('handle', () => undefined);
// @ts-expect-error: SFTPStream has no Readable-style read(handle, ...) overload; use readData
sftp.read(Buffer.alloc(1), Buffer.alloc(1), 0, 1, 0, () => undefined);
