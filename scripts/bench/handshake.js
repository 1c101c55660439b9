'use strict';
// Handshakes per second: `node handshake.js <impl> <kex> <hostKeyAlgo> <count>`
// runs <count> full connections in sequence (kex, userauth service, password
// auth, session open, disconnect) and prints one JSON line.

const { connect, close } = require('./pair');

const [impl, kex, hostKey, count = '50'] = process.argv.slice(2);

async function main() {
  const algorithms = {
    kex: [kex],
    serverHostKey: [hostKey],
    cipher: ['aes128-gcm@openssh.com', 'aes128-ctr'],
    hmac: ['hmac-sha2-256'],
  };
  // One untimed connection warms up both implementations' lazy set-up.
  await close(await connect(impl, { algorithms }));
  const n = Number(count);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await close(await connect(impl, { algorithms }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ impl, kex, hostKey, count: n, seconds: secs, perSecond: n / secs }) + '\n');
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
