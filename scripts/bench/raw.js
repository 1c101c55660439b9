'use strict';
// Raw stream throughput: `node raw.js <impl> <cipher|default> <hmac> <MiB>` prints
// one JSON line. The client sends <MiB> in 32 KiB channelData calls; the
// server checks every byte against the pattern and returns window as it
// consumes. Time and CPU cover the transfer only, not the handshake.

const crypto = require('crypto');
const { connect, close } = require('./pair');

const [impl, cipher, hmac, mib = '256'] = process.argv.slice(2);
const TOTAL = Number(mib) * 1024 * 1024;
const CHUNK = 32 * 1024 - 64; // leaves room for the CHANNEL_DATA header in a 32 KiB packet
const WINDOW = 2 * 1024 * 1024;
const pattern = crypto.randomBytes(CHUNK);

async function main() {
  // 'default': each implementation's own lists (the host key pinned only
  // to pick the key file), what a user who names no algorithms gets.
  const algorithms =
    cipher === 'default'
      ? { serverHostKey: ['ssh-ed25519'] }
      : {
          kex: ['curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256'],
          serverHostKey: ['ssh-ed25519'],
          cipher: [cipher],
          hmac: [hmac === '-' ? 'hmac-sha2-256' : hmac],
        };
  const pair = await connect(impl, { algorithms, window: WINDOW });
  const { client, server, clientChannel, serverChannel } = pair;

  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const received = await new Promise((resolve, reject) => {
    let sent = 0;
    let remoteWindow = WINDOW;
    let got = 0;
    let unacked = 0;
    client.on('error', reject);
    server.on('error', reject);

    server.on(`CHANNEL_DATA:0`, (data) => {
      // Byte-exact check against the repeating pattern, wherever chunk edges fall.
      let off = got % CHUNK;
      let i = 0;
      while (i < data.length) {
        const n = Math.min(CHUNK - off, data.length - i);
        if (pattern.compare(data, i, i + n, off, off + n) !== 0) {
          reject(new Error(`corrupt data at offset ${got + i}`));
          return;
        }
        i += n;
        off = 0;
      }
      got += data.length;
      unacked += data.length;
      if (unacked >= WINDOW / 2) {
        server.channelWindowAdjust(serverChannel, unacked);
        unacked = 0;
      }
      if (got === TOTAL) resolve(got);
    });

    function pump() {
      while (sent < TOTAL && remoteWindow > 0) {
        // The pattern repeats every CHUNK bytes of the stream; a chunk cut
        // short by the window leaves the next one to go on from there.
        const off = sent % CHUNK;
        const n = Math.min(CHUNK - off, TOTAL - sent, remoteWindow);
        const buf = n === CHUNK ? pattern : pattern.subarray(off, off + n);
        sent += n;
        remoteWindow -= n;
        if (!client.channelData(clientChannel, buf)) {
          client.once('continue', pump);
          return;
        }
      }
    }
    client.on(`CHANNEL_WINDOW_ADJUST:0`, (amount) => {
      const wasBlocked = remoteWindow <= 0;
      remoteWindow += amount;
      if (wasBlocked) pump();
    });
    pump();
  });
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  await close(pair);
  const secs = ns / 1e9;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    JSON.stringify({
      impl,
      cipher,
      hmac,
      bytes: received,
      seconds: secs,
      mbps: received / 1e6 / secs,
      cpuSecPerGiB: cpuSecs / (received / 2 ** 30),
    }) + '\n'
  );
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
