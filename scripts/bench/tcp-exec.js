'use strict';
// ssh2@0.8.9 over TCP, two processes: `node tcp-exec.js <impl> <MiB>
// [cipher] [hmac]` starts an ssh2 Server in a child process whose exec
// streams <MiB> of scripts/bench/data.js's byte stream, connects an ssh2
// Client (both on <impl>) offering only that cipher (and MAC; the default
// is aes128-gcm@openssh.com, whose MAC is implicit), compares every byte
// that arrives with the same stream and prints one JSON line with MB/s; a
// short, long or corrupt transfer exits non-zero.
//
// The cipher is pinned because the defaults differ: 0.4.10 prefers
// aes128-ctr + hmac-sha2-256, this package (like OpenSSH)
// chacha20-poly1305. The clock runs from the client's 'ready' (connect, key
// exchange and auth done) to the stream's close: channel open, exec and
// the transfer. The server makes its bytes when it starts, before it
// listens, so the clock does not include making them (OpenSSH's row cats a
// file made beforehand).

const { fork } = require('child_process');
const { loadSsh2 } = require('./ssh2-loader');
const { serveSessions, connectOptions } = require('./ssh2-tcp');
const { benchBytes, checker } = require('./data');

const CHUNK = 64 * 1024;

if (process.argv[2] === '--serve') serve(process.argv[3], Number(process.argv[4]));
else client(process.argv[2], Number(process.argv[3] || '256'), process.argv[4] || 'aes128-gcm@openssh.com', process.argv[5] || '-');

function serve(impl, bytes) {
  const data = benchBytes(bytes);
  serveSessions(impl, (accept) => {
    accept().on('exec', (acceptExec, reject, info) => {
      if (info.command !== `stream ${bytes}`) return reject();
      const stream = acceptExec();
      let off = 0;
      const pump = () => {
        while (off < data.length) {
          const chunk = data.subarray(off, Math.min(off + CHUNK, data.length));
          off += chunk.length;
          if (!stream.write(chunk)) return stream.once('drain', pump);
        }
        stream.exit(0);
        stream.end();
      };
      pump();
    });
  });
}

function client(impl, mib, cipher, hmac) {
  const total = mib * 1024 * 1024;
  const check = checker(benchBytes(total));
  const child = fork(__filename, ['--serve', impl, String(total)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.once('message', ({ port }) => {
    const { Client } = loadSsh2(impl);
    const conn = new Client();
    conn.on('error', (err) => fail(err));
    conn.on('ready', () => {
      const t0 = process.hrtime.bigint();
      conn.exec(`stream ${total}`, (err, stream) => {
        if (err) return fail(err);
        stream.on('data', (data) => {
          try {
            check.push(data);
          } catch (e) {
            fail(e);
          }
        });
        stream.on('close', () => {
          const secs = Number(process.hrtime.bigint() - t0) / 1e9;
          try {
            check.end();
          } catch (e) {
            return fail(e);
          }
          const got = check.received;
          process.stdout.write(JSON.stringify({ impl, cipher, hmac, bytes: got, seconds: secs, mbps: got / 1e6 / secs }) + '\n');
          conn.end();
          child.disconnect();
          process.exit(0);
        });
      });
    });
    conn.connect(connectOptions(port, cipher, hmac));
  });

  function fail(err) {
    process.stderr.write(`${err.stack || err}\n`);
    child.kill();
    process.exit(1);
  }
}
