'use strict';
// Runs a command over an ssh2@0.8 Client connection, as the interop tests do.

/** exec `cmd` with `input` on stdin (none: stdin just ends); resolves to { code, stdout } (a Buffer). */
function exec(conn, cmd, input, opts = {}) {
  return new Promise((resolve, reject) => {
    conn.exec(cmd, opts, (err, stream) => {
      if (err) return reject(err);
      const out = [];
      let code;
      stream.on('data', (d) => out.push(d));
      stream.stderr.resume();
      stream.on('exit', (c) => (code = c));
      stream.on('close', () => resolve({ code, stdout: Buffer.concat(out) }));
      stream.end(input);
    });
  });
}

module.exports = { exec };
