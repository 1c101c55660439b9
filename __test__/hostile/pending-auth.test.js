'use strict';
// Issue 16 ("smaller ones"): the server's queue of unanswered user-auth
// requests is bounded. The engine queues each USERAUTH_REQUEST a server
// receives until the app answers it (src/ssh/session.rs, `pending`: it
// decides what message 60 means); a client that pipelines requests while
// the app has not answered grew it without end. Like ssh2@0.8's Server
// (10 pending, then PROTOCOL_ERROR), the engine must disconnect past a
// small bound (src/ssh/session.rs, MAX_PENDING_AUTH). Counts only, no
// timing.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const net = require('net');
const { SSH2Stream, utils } = require('../..');
const { keygen, tmpDir, missing } = require('../helpers/openssh');
const { message, rawClient, send } = require('../helpers/raw-ssh');

const skip = missing();
const SENT = 2000;
// Generous: a bound anywhere up to this passes.
const BOUND = 256;

test('a client pipelining user-auth requests the app has not answered is disconnected past a bound', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-hostile-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = [utils.parseKey(keygen(dir, 'host', 'ed25519').priv)].flat()[0];
  let heard = 0;
  let allHeard;
  const everyOne = new Promise((resolve) => (allHeard = resolve));
  const serverErrors = [];
  const srv = net.createServer((sock) => {
    const stream = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': host } });
    stream.on('error', (e) => serverErrors.push(e));
    stream.on('SERVICE_REQUEST', (name) => stream.serviceAccept(name));
    // An app that has not answered yet (a slow password check, say).
    stream.on('USERAUTH_REQUEST', () => {
      if (++heard === SENT) allHeard();
    });
    sock.on('error', () => {});
    sock.pipe(stream).pipe(sock);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());

  const { client, events, closed } = await rawClient(srv.address().port);
  for (let i = 0; i < SENT; i++) send(client, message(50, 'u', 'ssh-connection', 'none'));
  // Either the server hung up, or it took every one of them.
  await Promise.race([closed, everyOne]);
  client.disconnect();
  await closed;
  assert.ok(heard <= BOUND, `the app heard ${heard} requests`);
  assert.ok(events.some(([e]) => e === 'DISCONNECT' || e === 'error'), JSON.stringify(events));
  assert.strictEqual(serverErrors.length, 1);
});
