'use strict';
// `npm run demo`: the SSH server built on SSH2Stream alone, driven by
// OpenSSH's `ssh` and `sftp`, and by our own client (`--self`).

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { missing, keygen, tmpDir, runSsh, runSftp } = require('./helpers/openssh');
const { startServer } = require('../scripts/demo/ssh-server');
const { runSelf } = require('../scripts/demo/self-check');

const skip = missing();
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

async function demo(t) {
  const dir = tmpDir('ssh2sn-demo-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = keygen(dir, 'host', 'ed25519');
  const user = keygen(dir, 'user', 'ecdsa');
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  const logged = [];
  const server = await startServer({
    hostKey: host.priv,
    users: { demo: { password: 'pw', keys: [user.pub] } },
    sftpRoot: root,
    log: (m) => logged.push(m),
  });
  t.after(() => server.close());
  return { port: server.port, user, root, dir, logged };
}

test('OpenSSH ssh logs in to the demo by password and by key: exec, exit codes, a pty shell', { skip }, async (t) => {
  const d = await demo(t);
  let r = await runSsh(d.port, ['demo@127.0.0.1', 'echo', 'hello'], { password: 'pw' });
  assert.strictEqual(r.code, 0, r.stderr.slice(-2000));
  assert.strictEqual(r.stdout.toString(), 'hello\n');

  const input = crypto.randomBytes(4 * 1024 * 1024 + 5);
  r = await runSsh(d.port, ['demo@127.0.0.1', 'cat'], { identity: d.user.file, input });
  assert.strictEqual(r.code, 0, r.stderr.slice(-2000));
  assert.strictEqual(sha(r.stdout), sha(input), 'cat sent back every byte');
  r = await runSsh(d.port, ['demo@127.0.0.1', 'sha256sum'], { identity: d.user.file, input });
  assert.strictEqual(r.stdout.toString(), `${sha(input)}  -\n`);

  r = await runSsh(d.port, ['demo@127.0.0.1', 'no-such-command'], { password: 'pw' });
  assert.strictEqual(r.code, 127);
  assert.match(r.stderr, /no-such-command: command not found/);

  r = await runSsh(d.port, ['-tt', 'demo@127.0.0.1'], { password: 'pw', input: 'hi there\nexit\n' });
  assert.strictEqual(r.code, 0, r.stderr.slice(-2000));
  assert.match(r.stdout.toString(), /you said: hi there\r\n/);

  r = await runSsh(d.port, ['demo@127.0.0.1', 'echo', 'x'], { password: 'wrong' });
  assert.notStrictEqual(r.code, 0);
  assert.match(r.stderr, /Permission denied/);
  assert.deepStrictEqual(d.logged, []);
});

test("OpenSSH's sftp against the demo: put, get, ls, rename, mkdir, df", { skip }, async (t) => {
  const d = await demo(t);
  const src = path.join(d.dir, 'src.bin');
  const got = path.join(d.dir, 'got.bin');
  fs.writeFileSync(src, crypto.randomBytes(2 * 1024 * 1024 + 3));
  const batch = path.join(d.dir, 'batch');
  fs.writeFileSync(batch, [`put ${src} /up.bin`, `get /up.bin ${got}`, 'mkdir /d', 'rename /up.bin /d/up.bin', 'ls -l /d', 'df /'].join('\n') + '\n');
  const r = await runSftp(d.port, ['-b', batch, 'demo@127.0.0.1'], { identity: d.user.file });
  assert.strictEqual(r.code, 0, r.stderr.slice(-2000));
  assert.strictEqual(sha(fs.readFileSync(got)), sha(fs.readFileSync(src)));
  assert.strictEqual(sha(fs.readFileSync(path.join(d.root, 'd', 'up.bin'))), sha(fs.readFileSync(src)));
  assert.match(r.stdout.toString(), /2097155 .* up\.bin/);
});

test('our own client against the demo (--self): the agreed algorithms and an intact cat round trip', { skip }, async (t) => {
  const d = await demo(t);
  const r = await runSelf({ port: d.port, username: 'demo', password: 'pw', mib: 8 });
  assert.ok(r.ok, JSON.stringify(r));
  assert.strictEqual(r.bytes, 8 * 1024 * 1024);
  assert.ok(r.algorithms['KEX algorithm'] && r.algorithms['Client->Server Cipher'], JSON.stringify(r.algorithms));
  await assert.rejects(runSelf({ port: d.port, username: 'demo', password: 'nope', mib: 1 }), /refused demo's password/);
});

test('npm run demo -- --self: makes its host key on first run, prints the algorithms, exits 0', () => {
  const dir = tmpDir('ssh2sn-demo-cli-');
  try {
    const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'demo', 'index.js'), '--self', '--mib', '4'], {
      env: { ...process.env, DEMO_DIR: dir },
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.match(out, /made a host key/);
    assert.match(out, /^KEX algorithm: \S+/m);
    assert.match(out, /cat round trip of 4 MiB: .* MB\/s each way, every byte intact/);
    assert.ok(fs.existsSync(path.join(dir, 'host_ed25519')) && fs.existsSync(path.join(dir, 'sftp-root')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
