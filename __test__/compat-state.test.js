'use strict';
// stream._state as ssh2@0.8 reads it: the peer's ident line, our kex public
// key and the session id, undefined until known.

const test = require('node:test');
const assert = require('node:assert');
const { handshake } = require('./helpers/pair');
const { SSH2Stream } = require('..');

test('_state is undefined before a handshake and filled in after it', async () => {
  const fresh = new SSH2Stream();
  assert.strictEqual(fresh._state.incoming.identRaw, undefined);
  assert.strictEqual(fresh._state.outgoing.sessionId, undefined);
  assert.strictEqual(fresh._state.authMethod, undefined);
  assert.deepStrictEqual(Object.keys(fresh._state.incoming), []);

  const { client, server } = await handshake({ kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'] });
  assert.match(client._state.incoming.identRaw, /^SSH-2\.0-\S+srv$/);
  assert.ok(Buffer.isBuffer(client._state.outgoing.sessionId) && client._state.outgoing.sessionId.length === 32);
  assert.deepStrictEqual(client._state.outgoing.sessionId, server._state.outgoing.sessionId);
  assert.ok(Buffer.isBuffer(client._state.outgoing.pubkey));
  client.end();
  server.end();
});
