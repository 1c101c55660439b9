'use strict';
// The first connection of a fresh process: `node first-connection.js <impl>`
// times, from before the implementation is required, its loading, the host
// key's parsing and one client/server pair taken through kex, auth and a
// session open (pair.js), and prints one JSON line. It is what a one-shot
// client (a deploy script, a CLI) waits for before its first command: the
// implementation's start-up costs (module loading, lazy set-up, the first
// random draw) with nothing warm.

const t0 = process.hrtime.bigint();
const { connect, close } = require('./pair');

const impl = process.argv[2];
const algorithms = {
  kex: ['curve25519-sha256@libssh.org'],
  serverHostKey: ['ssh-ed25519'],
  cipher: ['aes128-gcm@openssh.com'],
  hmac: ['hmac-sha2-256'],
};

connect(impl, { algorithms })
  .then(async (pair) => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    await close(pair);
    process.stdout.write(JSON.stringify({ impl, ms }) + '\n');
    process.exit(0);
  })
  .catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  });
