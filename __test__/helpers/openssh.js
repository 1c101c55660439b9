'use strict';
// Starts the real OpenSSH server and client for interop tests: an sshd on
// 127.0.0.1 with its own config, keys and log, and `ssh`/`sftp` runs against
// a given port. Nothing here touches the system's own sshd configuration.

const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => fs.existsSync(p));
/** OpenSSH's sftp-server, which sshd runs for the sftp subsystem. */
const SFTP_SERVER = SSHD && path.join(path.dirname(SSHD), '..', 'lib', 'openssh', 'sftp-server');

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Why OpenSSH interop cannot run here, or false when it can. */
function missing() {
  if (!SSHD) return 'sshd not installed (Debian: openssh-server)';
  if (!which('ssh')) return 'ssh not installed (Debian: openssh-client)';
  if (!which('ssh-keygen')) return 'ssh-keygen not installed (Debian: openssh-client)';
  return false; // not null: node:test marks a test whose skip option is null as skipped
}

function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Generates an OpenSSH key of `type` ('ed25519', 'ecdsa', 'rsa', 'dsa') in `dir`. */
function keygen(dir, name, type, extra = []) {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file, ...extra]);
  fs.chmodSync(file, 0o600);
  return { file, pub: fs.readFileSync(`${file}.pub`, 'utf8'), priv: fs.readFileSync(file) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `sshd -D -e -f <own config>` on 127.0.0.1.
 * opts.hostKeys: types of host key to generate (default ['ed25519']);
 * opts.authorizedKeys: public key lines accepted for any user;
 * opts.config: extra sshd_config lines (e.g. ['RekeyLimit 1M']).
 * Resolves to { port, dir, hostKeys, log(), stop() } once sshd listens.
 */
async function startSshd(opts = {}) {
  const why = missing();
  if (why) throw new Error(why);
  const dir = tmpDir('ssh2sn-sshd-');
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeys = (opts.hostKeys || ['ed25519']).map((t) => keygen(dir, `host_${t}`, t));
  const authorized = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorized, (opts.authorizedKeys || []).join('\n') + '\n', { mode: 0o600 });
  const port = opts.port || (await freePort());
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    ...hostKeys.map((k) => `HostKey ${k.file}`),
    `AuthorizedKeysFile ${authorized}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin yes',
    'PasswordAuthentication yes',
    'PermitEmptyPasswords no',
    'KbdInteractiveAuthentication no',
    'LogLevel DEBUG3',
    `Subsystem sftp ${path.join(path.dirname(SSHD), '..', 'lib', 'openssh', 'sftp-server')}`,
    ...(opts.config || []),
  ];
  const cfgFile = path.join(dir, 'sshd_config');
  fs.writeFileSync(cfgFile, config.join('\n') + '\n');
  const check = spawnSync(SSHD, ['-t', '-f', cfgFile], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`sshd rejected its config: ${check.stderr}`);

  const proc = spawn(SSHD, ['-D', '-e', '-f', cfgFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.setEncoding('utf8');
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10000);
    proc.stderr.on('data', (d) => {
      log += d;
      if (/Server listening on 127\.0\.0\.1/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${log}`));
    });
  });
  proc.removeAllListeners('exit');
  return {
    port,
    dir,
    hostKeys,
    log: () => log,
    /** Resolves to the log from `from` on once it matches `re` (sshd logs after the peer sees the result), or after `ms`. */
    async waitForLog(re, from = 0, ms = 5000) {
      const end = Date.now() + ms;
      while (!re.test(log.slice(from)) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return log.slice(from);
    },
    stop() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        proc.kill('SIGTERM');
      });
    },
  };
}

/**
 * Runs OpenSSH's `ssh` against 127.0.0.1:port with no config of the user's,
 * no known_hosts and verbose logging. Resolves to { code, stdout, stderr }.
 */
function runSsh(port, args, opts) {
  return runClient('ssh', '-p', port, args, opts);
}

/** OpenSSH's `sftp` the same way (it names the port -P); `args` ends with the destination. */
function runSftp(port, args, opts) {
  return runClient('sftp', '-P', port, args, opts);
}

function runClient(cmd, portFlag, port, args, { input, identity, password, timeoutMs = 30000 } = {}) {
  const base = [
    '-F', '/dev/null',
    portFlag, String(port),
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=' + (password ? 'no' : 'yes'),
    '-o', 'ConnectTimeout=10',
    '-vvv',
  ];
  if (identity) base.push('-o', 'IdentitiesOnly=yes', '-i', identity);
  let argv = [...base, ...args];
  if (password) {
    argv = ['-e', cmd, ...argv];
    cmd = 'sshpass';
  }
  return new Promise((resolve) => {
    const env = password ? { ...process.env, SSHPASS: password } : process.env;
    const proc = spawn(cmd, argv, { env });
    const out = [];
    let stderr = '';
    proc.stdout.on('data', (d) => out.push(d));
    proc.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr });
    });
    if (input !== undefined) proc.stdin.end(input);
    else proc.stdin.end();
  });
}

/** Why OpenSSH's sftp-server cannot run here, or false when it can. */
function missingSftpServer() {
  return !(SFTP_SERVER && fs.existsSync(SFTP_SERVER)) && 'OpenSSH sftp-server not installed (Debian: openssh-server)';
}

/**
 * Our SFTPStream client on a fresh sftp-server's stdin and stdout (as
 * OpenSSH's own sftp runs it with -D), ended with the test. Resolves to
 * { sftp, log() } once the version handshake is done.
 */
async function clientOnSftpServer(t) {
  const { SFTPStream } = require('../..');
  const proc = spawn(SFTP_SERVER, ['-e', '-l', 'DEBUG1'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  const sftp = new SFTPStream('SSH-2.0-OpenSSH_9.2p1');
  sftp.pipe(proc.stdin);
  proc.stdout.pipe(sftp);
  t.after(() => {
    sftp.end();
    proc.kill();
  });
  await new Promise((resolve, reject) => sftp.once('ready', resolve).once('error', reject));
  return { sftp, log: () => log };
}

module.exports = { missing, missingSftpServer, clientOnSftpServer, keygen, startSshd, runSsh, runSftp, freePort, tmpDir, SSHD };
