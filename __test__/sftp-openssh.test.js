'use strict';
// SFTP against OpenSSH: our SFTPStream client driving OpenSSH's own
// sftp-server, and OpenSSH's `sftp` client driving an ssh2@0.8.9 Server
// (on this package) whose sftp subsystem is our SFTPStream over a folder.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { SFTPStream, utils } = require('..');
const { missing, missingSftpServer, clientOnSftpServer, keygen, tmpDir, runSftp } = require('./helpers/openssh');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');
const { serve } = require('../scripts/demo/fs-sftp-server');

const skip = missing() || missingSftpServer();
const { STATUS_CODE } = SFTPStream;

/** Calls an SFTPStream client method and resolves to its callback's results. */
function call(sftp, method, ...args) {
  return new Promise((resolve, reject) => {
    sftp[method](...args, (err, ...rest) => (err ? reject(err) : resolve(rest.length > 1 ? rest : rest[0])));
  });
}

test("our client against OpenSSH's sftp-server: files, directories, links, attributes, extensions", { skip }, async (t) => {
  const { sftp } = await clientOnSftpServer(t);
  const dir = tmpDir('ssh2sn-sftp-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const ext of ['posix-rename@openssh.com', 'statvfs@openssh.com', 'hardlink@openssh.com', 'fsync@openssh.com', 'limits@openssh.com']) {
    assert.ok(sftp._state.extensions[ext], `sftp-server advertises ${ext}`);
  }

  assert.strictEqual(await call(sftp, 'realpath', dir), fs.realpathSync(dir));
  // limits@openssh.com was asked for at 'ready'; its answer sized our writes.
  assert.ok(sftp._state.limits && sftp._state.limits.maxWriteLength > 0);
  assert.strictEqual(sftp._state.maxDataLen, sftp._state.limits.maxWriteLength);

  // A write bigger than one packet goes out in pieces; a read loop gets it back.
  const data = crypto.randomBytes(1024 * 1024 + 123);
  const file = path.join(dir, 'a.bin');
  let handle = await call(sftp, 'open', file, 'w', { mode: 0o640 });
  assert.strictEqual(await call(sftp, 'writeData', handle, data, 0, data.length, 0), data.length);
  await call(sftp, 'ext_openssh_fsync', handle);
  await call(sftp, 'close', handle);
  assert.ok(fs.readFileSync(file).equals(data));
  const st = await call(sftp, 'stat', file);
  assert.strictEqual(st.size, data.length);
  assert.ok(st.isFile());
  assert.strictEqual(st.mode & 0o777, 0o640);

  handle = await call(sftp, 'open', file, 'r');
  const back = Buffer.alloc(data.length);
  let pos = 0;
  while (pos < data.length) {
    const [n] = await call(sftp, 'readData', handle, back, pos, Math.min(65536, data.length - pos), pos);
    assert.ok(n > 0);
    pos += n;
  }
  assert.ok(back.equals(data));
  assert.strictEqual((await call(sftp, 'fstat', handle)).size, data.length);
  // Reading at the end: EOF is no error for readData, just 0 bytes.
  const [atEnd] = await call(sftp, 'readData', handle, Buffer.alloc(10), 0, 10, data.length);
  assert.strictEqual(atEnd, 0);
  await call(sftp, 'close', handle);

  // Errors carry the status code.
  await assert.rejects(call(sftp, 'stat', path.join(dir, 'missing')), (e) => e.code === STATUS_CODE.NO_SUCH_FILE);

  // Directories, renames, links.
  const sub = path.join(dir, 'sub');
  await call(sftp, 'mkdir', sub, { mode: 0o750 });
  assert.ok((await call(sftp, 'stat', sub)).isDirectory());
  await call(sftp, 'rename', file, path.join(sub, 'b.bin'));
  await call(sftp, 'ext_openssh_rename', path.join(sub, 'b.bin'), path.join(sub, 'c.bin'));
  await call(sftp, 'ext_openssh_hardlink', path.join(sub, 'c.bin'), path.join(sub, 'hard.bin'));
  assert.strictEqual(fs.statSync(path.join(sub, 'hard.bin')).nlink, 2);
  await call(sftp, 'symlink', path.join(sub, 'c.bin'), path.join(sub, 'link'));
  assert.strictEqual(await call(sftp, 'readlink', path.join(sub, 'link')), path.join(sub, 'c.bin'));
  assert.ok((await call(sftp, 'lstat', path.join(sub, 'link'))).isSymbolicLink());
  await call(sftp, 'chmod', path.join(sub, 'c.bin'), 0o600);
  assert.strictEqual(fs.statSync(path.join(sub, 'c.bin')).mode & 0o777, 0o600);
  await call(sftp, 'utimes', path.join(sub, 'c.bin'), 1000000, 2000000);
  assert.strictEqual(Math.round(fs.statSync(path.join(sub, 'c.bin')).mtimeMs / 1000), 2000000);
  const names = (await call(sftp, 'readdir', sub)).map((e) => e.filename).sort();
  assert.deepStrictEqual(names, ['c.bin', 'hard.bin', 'link']);

  const vfs = await call(sftp, 'ext_openssh_statvfs', dir);
  assert.ok(vfs.f_bsize > 0 && vfs.f_blocks > 0, JSON.stringify(vfs));

  for (const f of ['c.bin', 'hard.bin', 'link']) await call(sftp, 'unlink', path.join(sub, f));
  await call(sftp, 'rmdir', sub);
  assert.ok(!fs.existsSync(sub));
});

test("readdir of a folder of 10,000 entries from OpenSSH's sftp-server", { skip }, async (t) => {
  const { sftp } = await clientOnSftpServer(t);
  const dir = tmpDir('ssh2sn-sftp-many-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (let i = 0; i < 10000; i++) fs.writeFileSync(path.join(dir, `f${i}`), '');
  const list = await call(sftp, 'readdir', dir);
  assert.strictEqual(list.length, 10000);
  assert.strictEqual(new Set(list.map((e) => e.filename)).size, 10000);
  assert.ok(list.every((e) => e.attrs.isFile() && e.longname.includes(e.filename)));
});

test("OpenSSH's sftp -b against an ssh2 Server whose sftp subsystem is our SFTPStream", { skip }, async (t) => {
  const keysDir = tmpDir('ssh2sn-sftpb-keys-');
  const root = tmpDir('ssh2sn-sftpb-root-');
  const local = tmpDir('ssh2sn-sftpb-local-');
  t.after(() => [keysDir, root, local].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const host = keygen(keysDir, 'host', 'ed25519');
  const user = keygen(keysDir, 'user', 'ed25519');
  const allowed = utils.parseKey(user.pub);

  const { Server } = loadSsh2('ours');
  const errors = [];
  const server = new Server({ hostKeys: [host.priv] }, (conn) => {
    conn.on('error', (e) => errors.push(e));
    conn.on('authentication', (ctx) => {
      const keyOk = ctx.method === 'publickey' && ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
      if (!keyOk) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept(); // the key check before signing
      return allowed.verify(ctx.blob, ctx.signature) ? ctx.accept() : ctx.reject(['publickey']);
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => serve(acceptSftp(), root, { symlinkTargetFirst: true }));
      });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());

  const src = path.join(local, 'src.bin');
  const got = path.join(local, 'got.bin');
  fs.writeFileSync(src, crypto.randomBytes(10 * 1024 * 1024));
  const batch = path.join(local, 'batch');
  fs.writeFileSync(
    batch,
    [
      `put ${src} /big.bin`,
      `get /big.bin ${got}`,
      'mkdir /d',
      'rename /big.bin /d/moved.bin',
      'chmod 600 /d/moved.bin',
      'ln -s /d/moved.bin /link',
      'ls -l /d',
      'df /',
      'rm /link',
      'mkdir /gone',
      'rmdir /gone',
      'ls -l /',
    ].join('\n') + '\n'
  );
  const r = await runSftp(server.address().port, ['-b', batch, 'tester@127.0.0.1'], { identity: user.file, timeoutMs: 60000 });
  assert.strictEqual(r.code, 0, r.stderr.slice(-3000));
  const out = r.stdout.toString();
  const sha = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  assert.strictEqual(sha(got), sha(src), 'download matches the source');
  assert.strictEqual(sha(path.join(root, 'd', 'moved.bin')), sha(src), "the server's copy matches");
  assert.strictEqual(fs.statSync(path.join(root, 'd', 'moved.bin')).mode & 0o777, 0o600);
  assert.ok(!fs.existsSync(path.join(root, 'link')) && !fs.existsSync(path.join(root, 'gone')));
  assert.match(out, /-rw------- .* 10485760 .* moved\.bin/);
  assert.match(out, /Size\s+Used\s+Avail/, 'df printed statvfs figures');
  assert.deepStrictEqual(errors, []);
});
