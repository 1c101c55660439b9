'use strict';
// Handshakes per second: `node handshake.js <impl> <kex> <hostKeyAlgo> <count> [<warm-up>]`
// runs <count> full connections in sequence (kex, userauth service, password
// auth, session open, disconnect) and prints one JSON line. <warm-up>
// untimed connections (default 1) go first, so that the figure is the
// steady rate of a process already serving, after V8 has compiled the hot
// code; the cold start is the first-connection row's (first-connection.js).

const { connect, close } = require('./pair');

const [impl, kex, hostKey, count = '50', warmUp = '1'] = process.argv.slice(2);

async function main() {
  const algorithms = {
    kex: [kex],
    serverHostKey: [hostKey],
    cipher: ['aes128-gcm@openssh.com', 'aes128-ctr'],
    hmac: ['hmac-sha2-256'],
  };
  for (let i = 0; i < Number(warmUp); i++) await close(await connect(impl, { algorithms }));
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
