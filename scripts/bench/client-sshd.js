'use strict';
// ssh2@0.8.9's Client alone on <impl>, against OpenSSH's sshd and
// sftp-server: `node client-sshd.js <impl> <exec|get|put> <MiB> [cipher]
// [hmac|-]`. Only the client is ours (or 0.4.10's), which is how most
// users meet a server; the row's OpenSSH column is OpenSSH's own ssh/sftp
// against the same kind of sshd (openssh.js). sshd is started as
// openssh.js starts it (scripts/bench/sshd.js); the client offers only the
// given cipher (aes128-gcm@openssh.com by default, as the other TCP rows).
//  - exec: `cat <file>` of <MiB> random bytes, every byte compared in
//    process with the source as it arrives;
//  - get/put: fastGet/fastPut with ssh2's defaults (32 KiB requests, 64 in
//    flight), the copy's size and sha256 checked after the clock stops.
// The clock runs from the client's 'ready' (connect, key exchange and auth
// done; for SFTP, from the sftp session being open) to the last byte, as
// tcp-exec.js and sftp.js time theirs. Prints one JSON line with MB/s; a
// differing copy exits non-zero. get and put then run the same transfer
// again in the same session (secondMbps), as sftp.js does (see there).

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadSsh2 } = require('./ssh2-loader');
const { missing, startSshd } = require('./sshd');
const { checkCopy } = require('./copy-check');

const [impl, mode, mibArg = '64', cipher = 'aes128-gcm@openssh.com', hmac = '-'] = process.argv.slice(2);

// The client process's CPU time beside the wall clock: whether the client
// or the server side (sshd, sftp-server) is what a row waits for.
const startClock = () => ({ t: process.hrtime.bigint(), cpu: process.cpuUsage() });
function stopClock({ t, cpu }) {
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, clientCpuSeconds: (used.user + used.system) / 1e6 };
}

async function main() {
  if (!['exec', 'get', 'put'].includes(mode)) throw new Error('usage: client-sshd.js <impl> <exec|get|put> <MiB> [cipher] [hmac|-]');
  const why = missing();
  if (why) {
    process.stdout.write(JSON.stringify({ impl, unavailable: why }) + '\n');
    return;
  }
  const bytes = Number(mibArg) * 1024 * 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-bench-client-sshd-'));
  let sshd = null;
  process.once('SIGTERM', () => {
    sshd?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  });
  try {
    const data = crypto.randomBytes(bytes);
    const remote = path.join(dir, 'remote.bin');
    const local = path.join(dir, 'local.bin');
    if (mode === 'put') fs.writeFileSync(local, data);
    else fs.writeFileSync(remote, data);
    sshd = await startSshd(dir);
    const { Client } = loadSsh2(impl);
    const conn = new Client();
    const ready = new Promise((resolve, reject) => conn.once('ready', resolve).once('error', reject));
    conn.connect({
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      privateKey: fs.readFileSync(sshd.key),
      algorithms: {
        kex: ['curve25519-sha256@libssh.org'],
        serverHostKey: ['ssh-ed25519'],
        cipher: [cipher],
        hmac: hmac === '-' ? undefined : [hmac],
      },
    });
    await ready;
    let timed;
    if (mode === 'exec') {
      timed = await new Promise((resolve, reject) => {
        const t0 = startClock();
        conn.exec(`exec cat '${remote}'`, (err, stream) => {
          if (err) return reject(err);
          let got = 0;
          stream.on('data', (d) => {
            if (got + d.length > bytes || data.compare(d, 0, d.length, got, got + d.length) !== 0) {
              reject(new Error(`received bytes differ from the source at ${got}`));
            }
            got += d.length;
          });
          stream.on('close', () => {
            const clock = stopClock(t0);
            if (got !== bytes) reject(new Error(`received ${got} of ${bytes} bytes`));
            else resolve(clock);
          });
        });
      });
    } else {
      const sftp = await new Promise((resolve, reject) => conn.sftp((err, s) => (err ? reject(err) : resolve(s))));
      const copyPath = mode === 'get' ? local : remote;
      const timedCopy = async () => {
        const clock = await new Promise((resolve, reject) => {
          const t0 = startClock();
          const finished = (err) => (err ? reject(err) : resolve(stopClock(t0)));
          if (mode === 'get') sftp.fastGet(remote, local, finished);
          else sftp.fastPut(local, remote, finished);
        });
        checkCopy(copyPath, data);
        return clock;
      };
      timed = await timedCopy();
      // The same transfer again in the same session (see the top).
      const second = await timedCopy();
      timed.secondMbps = bytes / 1e6 / second.seconds;
      timed.secondClientCpuSeconds = second.clientCpuSeconds;
    }
    conn.end();
    process.stdout.write(JSON.stringify({ impl, mode, cipher, hmac, bytes, ...timed, mbps: bytes / 1e6 / timed.seconds }) + '\n');
  } finally {
    if (sshd) await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  }
);
