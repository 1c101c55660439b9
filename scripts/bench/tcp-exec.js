'use strict';
// ssh2@0.8.9 over TCP, two processes: `node tcp-exec.js <impl> <MiB>` starts
// an ssh2 Server in a child process whose exec streams <MiB> of a repeating
// pattern, connects an ssh2 Client (both on <impl>), checks every byte, and
// prints one JSON line with MB/s.

const { fork } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { loadSsh2 } = require('./ssh2-loader');

const CHUNK = 64 * 1024;
// Both processes derive the same pattern from a fixed seed.
const pattern = crypto.createHash('sha512').update('ssh2-streams-native bench').digest();
const block = Buffer.alloc(CHUNK);
for (let i = 0; i < CHUNK; i += pattern.length) pattern.copy(block, i);

if (process.argv[2] === '--serve') serve(process.argv[3]);
else client(process.argv[2], Number(process.argv[3] || '256'));

function serve(impl) {
  const { Server } = loadSsh2(impl);
  const hostKey = fs.readFileSync(path.join(__dirname, 'fixtures', 'host_ed25519'));
  const server = new Server({ hostKeys: [hostKey] }, (conn) => {
    conn.on('authentication', (ctx) => (ctx.method === 'password' && ctx.password === 'secret' ? ctx.accept() : ctx.reject(['password'])));
    conn.on('error', () => {});
    conn.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        let left = Number(/^stream (\d+)$/.exec(info.command)[1]);
        const pump = () => {
          while (left > 0) {
            const n = Math.min(CHUNK, left);
            left -= n;
            if (!stream.write(n === CHUNK ? block : block.subarray(0, n))) return stream.once('drain', pump);
          }
          stream.exit(0);
          stream.end();
        };
        pump();
      });
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

function client(impl, mib) {
  const total = mib * 1024 * 1024;
  const child = fork(__filename, ['--serve', impl], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.once('message', ({ port }) => {
    const { Client } = loadSsh2(impl);
    const conn = new Client();
    conn.on('error', (err) => fail(err));
    conn.on('ready', () => {
      const t0 = process.hrtime.bigint();
      conn.exec(`stream ${total}`, (err, stream) => {
        if (err) return fail(err);
        let got = 0;
        stream.on('data', (data) => {
          let off = got % CHUNK;
          for (let i = 0; i < data.length; ) {
            const n = Math.min(CHUNK - off, data.length - i);
            if (block.compare(data, i, i + n, off, off + n) !== 0) fail(new Error(`corrupt data at ${got + i}`));
            i += n;
            off = 0;
          }
          got += data.length;
        });
        stream.on('close', () => {
          const secs = Number(process.hrtime.bigint() - t0) / 1e9;
          if (got !== total) fail(new Error(`got ${got} of ${total} bytes`));
          process.stdout.write(JSON.stringify({ impl, bytes: got, seconds: secs, mbps: got / 1e6 / secs }) + '\n');
          conn.end();
          child.disconnect();
          process.exit(0);
        });
      });
    });
    conn.connect({ host: '127.0.0.1', port, username: 'bench', password: 'secret', hostHash: undefined });
  });

  function fail(err) {
    process.stderr.write(`${err.stack || err}\n`);
    child.kill();
    process.exit(1);
  }
}
