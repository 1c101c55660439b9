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

/**
 * An ssh2 `Server` (the class the test loaded) on 127.0.0.1, closed after
 * the test, with these host keys, whose app decides each login with
 * `onAuth(ctx)` and answers any exec with exit status 42. Resolves to its
 * port.
 */
async function exitingServer(t, Server, hostKeys, onAuth) {
  const server = new Server({ hostKeys }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', onAuth);
    conn.on('ready', () =>
      conn.on('session', (accept) =>
        accept().on('exec', (acceptExec) => {
          const stream = acceptExec();
          stream.exit(42);
          stream.end();
        })
      )
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return server.address().port;
}

module.exports = { exec, exitingServer };
