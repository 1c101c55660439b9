'use strict';
// OpenSSH's own server and client for the bench's OpenSSH anchor: an sshd on
// 127.0.0.1, a free port, run as the current user with its own config, host
// key and authorized user key in a temporary folder, and the argv `ssh` and
// `sftp` need to reach it. Needs no root. The tests' __test__/helpers/
// openssh.js does much the same for interop, but its sshd logs at DEBUG3 (a
// line per channel event, read by the test process, during the transfer
// being timed) and cannot be told otherwise (sshd takes a keyword's first
// value), and it creates /run/sshd even when not root; here sshd logs only
// errors, and outside the temporary folder only /run/sshd is created, when
// running as root (privilege separation needs it) and it is missing.

const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => fs.existsSync(p));
const SFTP_SERVER = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server'].find((p) =>
  fs.existsSync(p)
);

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Why the OpenSSH anchor cannot run here, or null when it can. */
function missing() {
  if (!SSHD) return 'sshd not installed (Debian: openssh-server)';
  if (!SFTP_SERVER) return 'sftp-server not installed (Debian: openssh-server)';
  for (const cmd of ['ssh', 'sftp', 'ssh-keygen']) if (!which(cmd)) return `${cmd} not installed (Debian: openssh-client)`;
  return null;
}

/** OpenSSH's version as `ssh -V` prints it, e.g. 'OpenSSH_9.2p1'. */
function version() {
  const r = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  return /OpenSSH_[^\s,]+/.exec(`${r.stderr}${r.stdout}`)?.[0] ?? null;
}

function keygen(dir, name) {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  fs.chmodSync(file, 0o600);
  return file;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Starts `sshd -D -e -f <config>` in `dir` (a folder of the caller's, which
 * it removes) and resolves once its port accepts connections, to
 * { port, user, key, stop(), kill(), log() }. `key` is the user's private key file.
 */
async function startSshd(dir) {
  const why = missing();
  if (why) throw new Error(why);
  // Privilege separation as root needs this folder; as any other user, sshd
  // runs without it.
  if (process.getuid?.() === 0 && !fs.existsSync('/run/sshd')) fs.mkdirSync('/run/sshd', { mode: 0o755 });
  const hostKey = keygen(dir, 'host_ed25519');
  const key = keygen(dir, 'user_ed25519');
  const authorized = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorized, fs.readFileSync(`${key}.pub`), { mode: 0o600 });
  const port = await freePort();
  const cfg = path.join(dir, 'sshd_config');
  // sshd runs every command and subsystem as `<login shell> -c ...`, and
  // Debian's bash then reads ~/.bashrc when it sees SSH_CLIENT and SHLVL < 2
  // (here root's does `pyenv init`: 80-300 ms per exec or sftp session).
  // SetEnv SHLVL=1 keeps the user's rc file out of the timed transfers; it is
  // the user's shell setup, not OpenSSH.
  fs.writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'PrintMotd no',
      'PrintLastLog no',
      'UseDNS no',
      'LogLevel ERROR',
      'SetEnv SHLVL=1',
      `Subsystem sftp ${SFTP_SERVER}`,
    ].join('\n') + '\n'
  );
  const proc = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => (log += d));
  const end = Date.now() + 10000;
  while (!(await accepts(port))) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`sshd exited (${proc.exitCode ?? proc.signalCode}): ${log.trim()}`);
    if (Date.now() > end) {
      proc.kill();
      throw new Error(`sshd did not listen on ${port} within 10 s: ${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    key,
    user: os.userInfo().username,
    log: () => log,
    /** For a signal handler: sends sshd SIGTERM and removes the folder, without waiting. */
    kill() {
      proc.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    stop() {
      return new Promise((resolve) => {
        const done = () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (proc.exitCode !== null || proc.signalCode !== null) return done();
        proc.once('exit', done);
        proc.kill('SIGTERM');
      });
    },
  };
}

/**
 * Options for `ssh`/`sftp` (both take -o, -i, -c, -F) to reach `sshd`: no
 * user config, no known_hosts, no prompts, one key exchange, host key and
 * cipher (and MAC unless `hmac` is '-', an AEAD cipher's), no compression.
 */
function clientOptions(sshd, { cipher, hmac, kex = 'curve25519-sha256@libssh.org', controlPath }) {
  const o = [
    '-F', '/dev/null',
    '-i', sshd.key,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR',
    '-o', 'Compression=no',
    '-o', `KexAlgorithms=${kex}`,
    '-o', 'HostKeyAlgorithms=ssh-ed25519',
    '-c', cipher,
    '-o', `User=${sshd.user}`,
    '-o', `Port=${sshd.port}`,
  ];
  if (hmac && hmac !== '-') o.push('-o', `MACs=${hmac}`);
  if (controlPath) o.push('-o', `ControlPath=${controlPath}`);
  return o;
}

module.exports = { missing, version, startSshd, clientOptions, SSHD, SFTP_SERVER };
