'use strict';
// What the ssh2@0.8.9 TCP rows (tcp-exec.js, sftp.js) share: the server
// process's ssh2 Server (fixture host key, password auth, listening on
// 127.0.0.1 and telling its parent the port) and the client's connect
// options with the row's algorithms.

const fs = require('fs');
const path = require('path');
const { loadSsh2 } = require('./ssh2-loader');

/** Serves `onSession(accept)` for each session channel; exits when the parent goes. */
function serveSessions(impl, onSession) {
  const { Server } = loadSsh2(impl);
  const hostKey = fs.readFileSync(path.join(__dirname, 'fixtures', 'host_ed25519'));
  const server = new Server({ hostKeys: [hostKey] }, (conn) => {
    conn.on('authentication', (ctx) => (ctx.method === 'password' && ctx.password === 'secret' ? ctx.accept() : ctx.reject(['password'])));
    conn.on('error', () => {});
    conn.on('session', onSession);
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

/** ssh2 Client connect() options for the server on `port`, pinned to `cipher` (and `hmac`, '-' for an AEAD). */
function connectOptions(port, cipher, hmac) {
  return {
    host: '127.0.0.1',
    port,
    username: 'bench',
    password: 'secret',
    algorithms: {
      kex: ['curve25519-sha256@libssh.org'],
      serverHostKey: ['ssh-ed25519'],
      cipher: [cipher],
      hmac: [hmac === '-' ? 'hmac-sha2-256' : hmac],
    },
  };
}

module.exports = { serveSessions, connectOptions };
