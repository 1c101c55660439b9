'use strict';
// Issue 16, found by the connection fuzzer (scripts/fuzz/connections.js):
// a server that sends EOF on a client's exec channel and then DATA or
// EXTENDED_DATA on it. ssh2@0.8.9's channel pushed the data onto its
// ended stdout/stderr stream, whose ERR_STREAM_PUSH_AFTER_EOF nobody
// listens for (apps read stderr with 'data' only): an uncaught exception,
// a remote crash. (0.4.10 let it through too; it crashed when both
// messages came in one segment.) The engine now ends the connection, as
// OpenSSH does: "Channel N: data after EOF".

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { SSH2Stream, utils } = require('../..');
const { loadSsh2 } = require('../../scripts/bench/ssh2-loader');
const { duplexPair } = require('../../scripts/fuzz/pipes');

const { Client } = loadSsh2('ours');
const HOST = utils.parseKey(
  crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
);

/** An ssh2 Client running `exec`, against a server that sends EOF, then data on `late` (stdout or stderr). */
function run(late, bogusFailure) {
  const [a, b] = duplexPair();
  const server = new SSH2Stream({ server: true, hostKeys: { [HOST.type]: HOST } });
  a.pipe(server).pipe(a);
  server.on('error', () => {});
  server.on('SERVICE_REQUEST', (s) => server.serviceAccept(s));
  server.on('USERAUTH_REQUEST', (u, s, method) => (method === 'password' ? server.authSuccess() : server.authFailure(['password'])));
  let remote;
  server.on('CHANNEL_OPEN', (info) => {
    remote = info.sender;
    server.channelOpenConfirm(remote, 0, 2 * 1024 * 1024, 32768);
  });
  server.on('CHANNEL_REQUEST:0', (info) => {
    if (info.wantReply) server.channelSuccess(remote);
    // Both leave in one chunk: the replies to one input chunk are batched.
    server.channelEOF(remote);
    // A bogus OPEN_FAILURE for the open channel must not make the engine
    // forget it (and its EOF).
    if (bogusFailure) server.channelOpenFail(remote, 1, '', '');
    if (late === 'stderr') server.channelExtData(remote, Buffer.from('late'), 1);
    else server.channelData(remote, Buffer.from('late'));
  });

  const uncaught = [];
  const onUncaught = (e) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  const client = new Client();
  const errors = [];
  client.on('error', (e) => errors.push(e));
  client.on('ready', () =>
    client.exec('true', (err, ch) => {
      if (err) return;
      // What apps do: read both, listen for errors on neither stream.
      ch.on('data', () => {});
      ch.stderr.on('data', () => {});
    })
  );
  client.connect({ sock: b, username: 'u', password: 'pw' });
  return new Promise((resolve) =>
    client.on('close', () =>
      setImmediate(() => {
        process.removeListener('uncaughtException', onUncaught);
        resolve({ uncaught, errors });
      })
    )
  );
}

for (const [late, bogusFailure] of [
  ['stdout', false],
  ['stderr', false],
  ['stderr', true],
]) {
  const between = bogusFailure ? ' (a bogus OPEN_FAILURE for the channel between)' : '';
  test(`${late} data after the server's EOF${between}: the connection ends with an error, nothing uncaught`, async () => {
    const { uncaught, errors } = await run(late, bogusFailure);
    assert.deepStrictEqual(uncaught.map(String), []);
    assert.match(errors.map(String).join('\n'), /data after EOF/);
  });
}
