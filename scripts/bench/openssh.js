'use strict';
// The OpenSSH anchor of the TCP rows: `node openssh.js <exec|get|put> <MiB>
// <cipher> <hmac|->` starts OpenSSH's sshd (scripts/bench/sshd.js) on
// 127.0.0.1 and moves <MiB> with OpenSSH's own client, forced to the cipher
// (and MAC) the ssh2 rows are pinned to, so that all columns of a row run
// the same algorithms:
//  - exec: `ssh host 'exec cat file' | cmp - file`, file being random bytes:
//    cmp compares every byte that arrives with the source and fails on a
//    short or long stream, as tcp-exec.js's client compares every byte in
//    process. The sink matters on two cores shared by cat, sshd and ssh: on
//    this 2-core VM, 256 MiB went at ~550 MB/s into /dev/null, ~450 into
//    cmp, ~330 into a Node process that only reads (let alone hashes; a
//    sha256 costs ~0.15 s of CPU per 256 MiB in Node, sha256sum 0.7 s), and
//    writing it to a file to hash later costs page allocation;
//  - get/put: `sftp -b` with one `get` or `put` of a file of random bytes;
//    the copy's size and sha256 are checked after the clock stops, as
//    sftp.js does. sftp gets `-B 32768 -R 64`, the request size and number
//    in flight of ssh2's fastGet/fastPut defaults: left alone, OpenSSH 8.6+
//    asks sftp-server for its limits and moves 255 KiB per request instead.
// A short, long or differing copy, or a client that exits non-zero, makes
// this process exit non-zero; otherwise it prints one JSON line with MB/s.
//
// What is timed matches tcp-exec.js and sftp.js, which start their clocks
// once ssh2's client is 'ready' (TCP connect, key exchange and user auth
// done) and stop when the data is all in: here a ControlMaster ssh holds
// the authenticated connection first, and the clock runs around the ssh (or
// sftp) process that reuses it, so the figure includes that process's start
// (a few ms; for exec also bash's, which runs ssh | cmp), the channel open,
// the exec or the sftp subsystem start and the transfer, and excludes
// connect, key exchange and auth like the others. The
// mux client hands its stdin/stdout to the master, which then reads and
// writes them itself: the data path is that of a plain ssh. (The login's
// tail on sshd's side is waited out with an untimed session; see below.)

const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { missing, startSshd, clientOptions } = require('./sshd');

const [mode, mibArg = '64', cipher = 'aes128-gcm@openssh.com', hmac = '-'] = process.argv.slice(2);

/** Resolves to how `cmd` exited and what it wrote to stderr. */
function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stderr: stderr.trim() }));
  });
}

// `bash -c EXEC_CMP <source file> <ssh args...>`: ssh's stdout into cmp
// against the source; exits 0 only when both did.
const EXEC_CMP = [
  'ssh "$@" | cmp - "$0" >&2',
  's=("${PIPESTATUS[@]}")',
  '[ "${s[0]}" = 0 ] || { echo "ssh exited ${s[0]}" >&2; exit 3; }',
  '[ "${s[1]}" = 0 ] || { echo "received bytes differ from the source (cmp exited ${s[1]})" >&2; exit 4; }',
].join('\n');

async function sha256File(file) {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk);
  return h.digest('hex');
}

/** Writes `bytes` random bytes to `file`, returns their sha256. */
function randomFile(file, bytes) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; ) {
    const chunk = crypto.randomBytes(Math.min(left, 16 << 20));
    h.update(chunk);
    fs.writeSync(fd, chunk);
    left -= chunk.length;
  }
  fs.closeSync(fd);
  return h.digest('hex');
}

async function main() {
  if (!['exec', 'get', 'put'].includes(mode)) throw new Error('usage: openssh.js <exec|get|put> <MiB> <cipher> <hmac|->');
  const why = missing();
  if (why) {
    process.stdout.write(JSON.stringify({ impl: 'openssh', unavailable: why }) + '\n');
    return;
  }
  const bytes = Number(mibArg) * 1024 * 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-bench-openssh-'));
  let sshd = null;
  let master = null;
  // bench.js ends a worker that overruns its time with SIGTERM: take sshd
  // and the ControlMaster along.
  process.once('SIGTERM', () => {
    master?.kill('SIGTERM');
    sshd?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  });
  try {
    // "remote" is the folder sshd's side reads or writes; it is all one machine.
    const remote = path.join(dir, 'remote');
    fs.mkdirSync(remote);
    const [src, dst] = {
      exec: [path.join(remote, 'file.bin'), null],
      get: [path.join(remote, 'file.bin'), path.join(dir, 'got.bin')],
      put: [path.join(dir, 'file.bin'), path.join(remote, 'put.bin')],
    }[mode];
    const want = randomFile(src, bytes);

    sshd = await startSshd(dir);
    const controlPath = path.join(dir, 'cm');
    const opts = clientOptions(sshd, { cipher, hmac, controlPath });
    master = spawn('ssh', [...opts, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=no', '-N', '127.0.0.1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let masterLog = '';
    master.stderr.on('data', (d) => (masterLog += d));
    for (const end = Date.now() + 15000; ; ) {
      if (master.exitCode !== null) throw new Error(`ssh (ControlMaster) exited ${master.exitCode}: ${masterLog.trim()} ${sshd.log().trim()}`);
      if (spawnSync('ssh', [...opts, '-O', 'check', '127.0.0.1'], { stdio: 'ignore' }).status === 0) break;
      if (Date.now() > end) throw new Error(`ssh (ControlMaster) did not connect: ${masterLog.trim()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const client = [...opts, '-o', 'ControlMaster=no'];
    // ssh is 'Authenticated' ~40 ms before sshd is done logging in (as root,
    // the privilege-separated child hands over to a new post-auth one), and a
    // session opened meanwhile waits for it. One untimed session first, so
    // that the clock leaves out all of the login, as ssh2's 'ready' does.
    const warm = await run('ssh', [...client, '127.0.0.1', 'exit 0']);
    if (warm.code !== 0) throw new Error(`ssh exit 0 exited ${warm.code ?? warm.signal}: ${warm.stderr}`);

    /** One timed transfer, its seconds; an sftp copy is checked after the clock stops, then removed. */
    const timed = async () => {
      let r;
      let t0;
      if (mode === 'exec') {
        t0 = process.hrtime.bigint();
        r = await run('bash', ['-c', EXEC_CMP, src, ...client, '127.0.0.1', `exec cat '${src}'`]);
      } else {
        const batch = path.join(dir, 'batch');
        fs.writeFileSync(batch, `${mode} "${src}" "${dst}"\n`);
        t0 = process.hrtime.bigint();
        r = await run('sftp', [...client, '-B', '32768', '-R', '64', '-b', batch, '127.0.0.1']);
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r.code !== 0) throw new Error(`${mode === 'exec' ? 'ssh into cmp' : 'sftp'} exited ${r.code ?? r.signal}: ${r.stderr}`);
      if (mode !== 'exec') {
        const size = fs.statSync(dst).size;
        if (size !== bytes) throw new Error(`got ${size} of ${bytes} bytes`);
        if ((await sha256File(dst)) !== want) throw new Error('the copy differs from the source (sha256)');
        fs.rmSync(dst);
      }
      return secs;
    };
    const secs = await timed();
    const out = { impl: 'openssh', mode, cipher, hmac, bytes, seconds: secs, mbps: bytes / 1e6 / secs };
    // The Node rows time an SFTP transfer a second time in the same
    // processes (sftp.js); here the second sftp is a new process as the
    // first was, which for OpenSSH changes nothing but the moment.
    if (mode !== 'exec') {
      const second = await timed();
      Object.assign(out, { secondSeconds: second, secondMbps: bytes / 1e6 / second });
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    if (master) {
      if (master.exitCode === null) {
        const gone = new Promise((r) => master.once('exit', r));
        master.kill('SIGTERM');
        await gone;
      }
    }
    if (sshd) await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`openssh ${mode}: ${err.message || err}\n`);
  process.exitCode = 1;
});
