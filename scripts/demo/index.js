#!/usr/bin/env node
'use strict';
// `npm run demo [-- --port N]`: an SSH server on 127.0.0.1 built on this
// package's SSH2Stream, for OpenSSH's `ssh` and `sftp` to try.
// `npm run demo -- --self [--mib N]`: the same server on a free port, our own
// client against it, and the figures.
//
// State lives in $DEMO_DIR (default ~/.ssh2-streams-native-demo): the host
// key, made on first run, and sftp-root/, the folder SFTP serves. Logins:
// user `demo`, password `demo`, or any key in ~/.ssh/*.pub or
// $DEMO_DIR/authorized_keys.

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startServer } = require('./ssh-server');
const { runSelf } = require('./self-check');

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dir = process.env.DEMO_DIR || path.join(os.homedir(), '.ssh2-streams-native-demo');
const USER = 'demo';
const PASSWORD = 'demo';

/** The host key, made once (ed25519, PKCS#8) and kept. */
function hostKey() {
  const file = path.join(dir, 'host_ed25519');
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    console.log(`demo: made a host key in ${file}`);
  }
  return fs.readFileSync(file, 'utf8');
}

/** Public key lines the demo user may log in with. */
function authorizedKeys() {
  const files = [path.join(dir, 'authorized_keys')];
  const sshDir = path.join(os.homedir(), '.ssh');
  if (fs.existsSync(sshDir)) for (const f of fs.readdirSync(sshDir)) if (f.endsWith('.pub')) files.push(path.join(sshDir, f));
  return files
    .filter((f) => fs.existsSync(f))
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.trim() && !l.startsWith('#'));
}

async function main() {
  fs.mkdirSync(path.join(dir, 'sftp-root'), { recursive: true });
  const self = args.includes('--self');
  const server = await startServer({
    port: self ? 0 : Number(option('--port', '2222')),
    hostKey: hostKey(),
    users: { [USER]: { password: PASSWORD, keys: authorizedKeys() } },
    sftpRoot: path.join(dir, 'sftp-root'),
    log: (m) => console.error(`demo: ${m}`),
  });
  if (!self) {
    console.log(`demo: listening on 127.0.0.1:${server.port} (user ${USER}, password ${PASSWORD}, or a key from ~/.ssh/*.pub)`);
    console.log(`  ssh -p ${server.port} ${USER}@127.0.0.1             an echo shell (type exit to leave)`);
    console.log(`  ssh -p ${server.port} ${USER}@127.0.0.1 echo hi     exec: echo, cat, sha256sum`);
    console.log(`  sftp -P ${server.port} ${USER}@127.0.0.1            files in ${path.join(dir, 'sftp-root')}`);
    console.log('Ctrl-C stops it.');
    return;
  }
  const mib = Number(option('--mib', '64'));
  const r = await runSelf({ port: server.port, username: USER, password: PASSWORD, mib });
  for (const [name, value] of Object.entries(r.algorithms)) console.log(`${name}: ${value}`);
  console.log(`cat round trip of ${mib} MiB: ${r.seconds.toFixed(2)} s, ${r.mbPerSec.toFixed(0)} MB/s each way, ${r.ok ? 'every byte intact' : 'DATA MISMATCH'}`);
  await server.close();
  process.exit(r.ok ? 0 : 1);
}

main().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(1);
});
