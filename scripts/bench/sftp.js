'use strict';
// ssh2@0.8.9's SFTP over TCP, two processes: `node sftp.js <impl> <get|put>
// <MiB> [cipher] [hmac]` starts an ssh2 Server in a child process whose sftp
// subsystem serves a temporary folder (scripts/demo/fs-sftp-server.js), then
// fastGet()s or fastPut()s a <MiB> file of random bytes with an ssh2 Client
// (both on <impl>; the client offers only that cipher and MAC, by default
// aes128-gcm@openssh.com, as tcp-exec.js explains), checks the copy's size
// and sha256 after the clock stops, and prints one JSON line with MB/s; a
// differing copy exits non-zero. The clock runs from the sftp session being
// ready (connect, key exchange, auth and the subsystem start done) to
// fastGet's or fastPut's callback. The same transfer then runs again in the
// same session, timed and checked the same way (secondMbps): the first pays
// for what a process does once, which a process that has moved a file before
// (a server above all) no longer does: here V8 compiling the hot paths as it
// goes; for OpenSSH's processes (openssh.js times a second sftp alike) their
// buffers growing and their pages being faulted in.

const { fork } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadSsh2 } = require('./ssh2-loader');
const { serveSessions, connectOptions } = require('./ssh2-tcp');
const { checkCopy } = require('./copy-check');

if (process.argv[2] === '--serve') serve(process.argv[3], process.argv[4]);
else client(process.argv[2], process.argv[3], Number(process.argv[4] || '64'), process.argv[5] || 'aes128-gcm@openssh.com', process.argv[6] || '-');

function serve(impl, root) {
  const { serve: serveFolder } = require('../demo/fs-sftp-server');
  serveSessions(impl, (accept) => accept().on('sftp', (acceptSftp) => serveFolder(acceptSftp(), root)));
  // The client reads the server's CPU time around each transfer.
  process.on('message', (m) => m === 'cpu' && process.send({ cpu: cpuSeconds() }));
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

function client(impl, direction, mib, cipher, hmac) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-bench-sftp-'));
  const root = path.join(dir, 'remote');
  fs.mkdirSync(root);
  const data = crypto.randomBytes(mib * 1024 * 1024);
  const [from, to, check] =
    direction === 'get'
      ? [path.join(root, 'file.bin'), '/file.bin', path.join(dir, 'got.bin')]
      : [path.join(dir, 'file.bin'), '/put.bin', path.join(root, 'put.bin')];
  fs.writeFileSync(from, data);

  const child = fork(__filename, ['--serve', impl, root], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const done = (code) => {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  const fail = (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    done(1);
  };
  const serverCpu = () =>
    new Promise((resolve) => {
      child.once('message', ({ cpu }) => resolve(cpu));
      child.send('cpu');
    });
  /**
   * One fastGet or fastPut: its seconds and each process's CPU seconds; the
   * copy is checked after the clock stops (then removed).
   */
  const timedCopy = async (sftp) => {
    const server0 = await serverCpu();
    const client0 = cpuSeconds();
    const t0 = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const finished = (err) => (err ? reject(err) : resolve());
      if (direction === 'get') sftp.fastGet(to, check, finished);
      else sftp.fastPut(from, to, finished);
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const clientCpuSeconds = cpuSeconds() - client0;
    const serverCpuSeconds = (await serverCpu()) - server0;
    checkCopy(check, data);
    return { seconds, clientCpuSeconds, serverCpuSeconds };
  };
  child.once('message', ({ port }) => {
    const { Client } = loadSsh2(impl);
    const conn = new Client();
    conn.on('error', fail);
    conn.on('ready', () =>
      conn.sftp(async (err, sftp) => {
        if (err) return fail(err);
        try {
          const first = await timedCopy(sftp);
          const second = await timedCopy(sftp);
          process.stdout.write(
            JSON.stringify({
              impl,
              direction,
              cipher,
              hmac,
              bytes: data.length,
              ...first,
              mbps: data.length / 1e6 / first.seconds,
              secondSeconds: second.seconds,
              secondMbps: data.length / 1e6 / second.seconds,
              secondClientCpuSeconds: second.clientCpuSeconds,
              secondServerCpuSeconds: second.serverCpuSeconds,
            }) + '\n'
          );
        } catch (e) {
          return fail(e);
        }
        conn.end();
        done(0);
      })
    );
    conn.connect(connectOptions(port, cipher, hmac));
  });
}
