'use strict';
// ssh2@0.8.9, unmodified, with its require('ssh2-streams') resolved to this
// package (what an npm override does), against the real OpenSSH: `ssh` to
// an ssh2 Server, and an ssh2 Client to `sshd`.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { utils } = require('..');
const { missing, keygen, tmpDir, startSshd, runSsh } = require('./helpers/openssh');
const { exec } = require('./helpers/ssh2-exec');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');

const skip = missing();
const { Server, Client } = skip ? {} : loadSsh2('ours');
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const KEY_TYPES = { ed25519: 'ssh-ed25519', ecdsa: 'ecdsa-sha2-nistp256', rsa: 'ssh-rsa' };

/**
 * An ssh2 Server with one host key that accepts `user` by password 'pw' or
 * by any of `userKeys` (parsed public keys, checked the ssh2@0.8 way), and
 * runs `cat` for exec: echoes stdin back, then exit status 42.
 */
async function ssh2Server(t, hostPriv, userKeys) {
  const errors = [];
  const server = new Server({ hostKeys: [hostPriv] }, (conn) => {
    conn.on('error', (e) => errors.push(e));
    conn.on('authentication', (ctx) => {
      if (ctx.method === 'password') return ctx.password === 'pw' ? ctx.accept() : ctx.reject();
      if (ctx.method !== 'publickey') return ctx.reject(['publickey', 'password']);
      const key = userKeys.find((k) => ctx.key.algo === k.type && ctx.key.data.equals(k.getPublicSSH()));
      if (!key) return ctx.reject();
      if (!ctx.signature) return ctx.accept();
      return key.verify(ctx.blob, ctx.signature) ? ctx.accept() : ctx.reject();
    });
    conn.on('ready', () =>
      conn.on('session', (accept) =>
        accept().on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          assert.strictEqual(info.command, 'cat');
          stream.pipe(stream, { end: false });
          stream.on('end', () => {
            stream.exit(42);
            stream.end();
          });
        })
      )
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { port: server.address().port, errors };
}

test('OpenSSH ssh to an ssh2 Server: every host key x every user auth, 8 MiB cat and the exit status', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-ssh2srv-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const users = Object.keys(KEY_TYPES).map((type) => ({ type, key: keygen(dir, `user_${type}`, type) }));
  const userKeys = users.map((u) => utils.parseKey(u.key.pub));
  const input = crypto.randomBytes(8 * 1024 * 1024);
  for (const hostType of Object.keys(KEY_TYPES)) {
    const host = keygen(dir, `host_${hostType}`, hostType);
    const srv = await ssh2Server(t, host.priv, userKeys);
    for (const auth of [...users, { type: 'password' }]) {
      await t.test(`host ${hostType}, user ${auth.type}`, async () => {
        const opts = auth.key ? { identity: auth.key.file } : { password: 'pw' };
        const args = auth.key ? [] : ['-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no'];
        const r = await runSsh(srv.port, [...args, 'tester@127.0.0.1', 'cat'], { ...opts, input, timeoutMs: 60000 });
        assert.strictEqual(r.code, 42, r.stderr.slice(-2000));
        assert.strictEqual(sha(r.stdout), sha(input));
        // OpenSSH 9 signs with rsa-sha2-512 for an RSA key (it refuses
        // ssh-rsa); the ssh2@0.8 app's verify() must have accepted it.
        if (auth.type === 'rsa') assert.match(r.stderr, /rsa-sha2-(256|512)/);
        if (auth.key) assert.match(r.stderr, /Authenticated to 127\.0\.0\.1 .* using "publickey"/);
      });
    }
    assert.deepStrictEqual(srv.errors, []);
  }
});

test('an ssh2 Server refuses a wrong rsa-sha2 signature', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-badsig-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = keygen(dir, 'host', 'ed25519');
  const offered = keygen(dir, 'offered', 'rsa');
  const other = keygen(dir, 'other', 'rsa');
  // The server knows `other`; the client signs with `offered` but the
  // server is told it is `other`'s blob: verify must fail.
  const otherParsed = utils.parseKey(other.pub);
  const liar = { type: otherParsed.type, getPublicSSH: () => utils.parseKey(offered.pub).getPublicSSH(), verify: (b, s) => otherParsed.verify(b, s) };
  const srv = await ssh2Server(t, host.priv, [liar]);
  const r = await runSsh(srv.port, ['tester@127.0.0.1', 'cat'], { identity: offered.file, input: 'x' });
  assert.notStrictEqual(r.code, 42);
  assert.match(r.stderr, /Permission denied/);
});

/** A local TCP echo server for forwardOut. */
async function echoServer(t) {
  const srv = net.createServer((s) => s.pipe(s));
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return srv.address().port;
}

function connect(opts) {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c)).once('error', reject);
    c.connect({ host: '127.0.0.1', username: 'root', readyTimeout: 20000, ...opts });
  });
}


test('an ssh2 Client to sshd: every host key x user key, exec with 8 MiB stdin, a pty shell, forwardOut', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-ssh2cli-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const users = Object.keys(KEY_TYPES).map((type) => ({ type, key: keygen(dir, `user_${type}`, type) }));
  // Spelled out, though OpenSSH 9 already refuses ssh-rsa signatures: the
  // RSA user logs in only if rsa-sha2 is chosen without the app knowing.
  const sshd = await startSshd({
    hostKeys: Object.keys(KEY_TYPES),
    authorizedKeys: users.map((u) => u.key.pub),
    config: ['PubkeyAcceptedAlgorithms -ssh-rsa'],
  });
  t.after(() => sshd.stop());
  const echoPort = await echoServer(t);
  const input = crypto.randomBytes(8 * 1024 * 1024);
  for (const hostType of Object.keys(KEY_TYPES)) {
    for (const user of users) {
      await t.test(`host ${hostType}, user ${user.type}`, async () => {
        let seenHostKey;
        const conn = await connect({
          port: sshd.port,
          privateKey: user.key.priv,
          algorithms: { serverHostKey: [KEY_TYPES[hostType] === 'ssh-rsa' ? 'rsa-sha2-512' : KEY_TYPES[hostType]] },
          // ssh2@0.8 hands the verifier a hex digest of the host key blob.
          hostHash: 'sha256',
          hostVerifier: (digest) => {
            seenHostKey = digest;
            return true;
          },
        });
        try {
          const hostPub = fs.readFileSync(path.join(sshd.dir, `host_${hostType}.pub`), 'utf8');
          const blob = utils.parseKey(hostPub).getPublicSSH();
          assert.strictEqual(seenHostKey, crypto.createHash('sha256').update(blob).digest('hex'), 'the host key sshd holds');
          const r = await exec(conn, 'cat', input);
          assert.strictEqual(r.code, 0);
          assert.strictEqual(sha(r.stdout), sha(input));

          const shellOut = await new Promise((resolve, reject) => {
            conn.shell({ term: 'xterm', rows: 24, cols: 80 }, (err, stream) => {
              if (err) return reject(err);
              let out = '';
              stream.on('data', (d) => (out += d));
              stream.on('close', () => resolve(out));
              stream.end('tty; echo cols=$(tput cols 2>/dev/null || stty size); exit\n');
            });
          });
          assert.match(shellOut, /\/dev\/pts\//, 'the shell has a pty');

          const echoed = await new Promise((resolve, reject) => {
            conn.forwardOut('127.0.0.1', 0, '127.0.0.1', echoPort, (err, stream) => {
              if (err) return reject(err);
              const out = [];
              stream.on('data', (d) => {
                out.push(d);
                if (Buffer.concat(out).length >= 5) stream.end();
              });
              stream.on('close', () => resolve(Buffer.concat(out).toString()));
              stream.write('hello');
            });
          });
          assert.strictEqual(echoed, 'hello');
        } finally {
          conn.end();
        }
      });
    }
  }
});

test('an ssh2 Client to sshd with RekeyLimit 1M: a 32 MiB exec round trip is intact', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-rekey-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const user = keygen(dir, 'user', 'ed25519');
  const sshd = await startSshd({ authorizedKeys: [user.pub], config: ['RekeyLimit 1M'] });
  t.after(() => sshd.stop());
  const conn = await connect({ port: sshd.port, privateKey: user.priv });
  try {
    const input = crypto.randomBytes(32 * 1024 * 1024);
    const r = await exec(conn, 'cat', input);
    assert.strictEqual(r.code, 0);
    assert.strictEqual(sha(r.stdout), sha(input));
    const rekeys = (sshd.log().match(/SSH2_MSG_NEWKEYS received/g) || []).length;
    assert.ok(rekeys > 8, `sshd saw only ${rekeys} NEWKEYS`);
  } finally {
    conn.end();
  }
});

test("an ssh2 Client's sftp() to sshd's sftp-server with RekeyLimit 1M: 64 MiB fastPut and fastGet, file streams, statvfs, a 10,000-entry readdir", { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-sftp-rekey-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const user = keygen(dir, 'user', 'ed25519');
  const sshd = await startSshd({ authorizedKeys: [user.pub], config: ['RekeyLimit 1M'] });
  t.after(() => sshd.stop());
  const conn = await connect({ port: sshd.port, privateKey: user.priv });
  t.after(() => conn.end());
  const sftp = await new Promise((resolve, reject) => conn.sftp((err, s) => (err ? reject(err) : resolve(s))));
  const call = (method, ...args) =>
    new Promise((resolve, reject) => sftp[method](...args, (err, res) => (err ? reject(err) : resolve(res))));

  const data = crypto.randomBytes(64 * 1024 * 1024);
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, data);
  await call('fastPut', src, path.join(dir, 'remote.bin'));
  await call('fastGet', path.join(dir, 'remote.bin'), path.join(dir, 'back.bin'));
  assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'remote.bin'))), sha(data));
  assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'back.bin'))), sha(data));

  // A write stream fed from a local read stream, then read back through a read stream.
  await new Promise((resolve, reject) => {
    const ws = sftp.createWriteStream(path.join(dir, 'piped.bin'));
    ws.on('close', resolve).on('error', reject);
    fs.createReadStream(src, { end: 8 * 1024 * 1024 - 1 }).pipe(ws);
  });
  const hash = crypto.createHash('sha256');
  await new Promise((resolve, reject) => {
    sftp.createReadStream(path.join(dir, 'piped.bin')).on('data', (d) => hash.update(d)).on('end', resolve).on('error', reject);
  });
  assert.strictEqual(hash.digest('hex'), sha(data.subarray(0, 8 * 1024 * 1024)));

  const vfs = await call('ext_openssh_statvfs', dir);
  assert.ok(vfs.f_bsize > 0 && vfs.f_blocks > 0);
  const names = (await call('readdir', dir)).map((e) => e.filename);
  assert.ok(names.includes('remote.bin') && names.includes('piped.bin'));
  const many = path.join(dir, 'many');
  fs.mkdirSync(many);
  for (let i = 0; i < 10000; i++) fs.writeFileSync(path.join(many, `f${i}`), '');
  const listed = await call('readdir', many);
  assert.strictEqual(new Set(listed.map((e) => e.filename)).size, 10000);
  const rekeys = (sshd.log().match(/SSH2_MSG_NEWKEYS received/g) || []).length;
  assert.ok(rekeys > 64, `sshd saw only ${rekeys} NEWKEYS`);
});
