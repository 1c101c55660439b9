'use strict';
// What each SSH2Stream keeps of its config, and shares with the others: a
// server holds thousands of idle streams made from one config.

const test = require('node:test');
const assert = require('node:assert');
const { SSH2Stream } = require('..');
const { handshake } = require('./helpers/pair');

test("config.algorithms keeps the app's lists, as 0.4.10 did, and copies only lists that need their names made strings", () => {
  const cipher = ['aes128-gcm@openssh.com', 'aes256-ctr'];
  const a = new SSH2Stream({ algorithms: { cipher } });
  const b = new SSH2Stream({ algorithms: { cipher } });
  assert.strictEqual(a.config.algorithms.cipher, cipher);
  assert.strictEqual(b.config.algorithms.cipher, cipher);
  const odd = new SSH2Stream({ algorithms: { cipher: [{ toString: () => 'aes256-ctr' }] } });
  assert.deepStrictEqual(odd.config.algorithms.cipher, ['aes256-ctr']);
});

test("the ident line: the default one, an app's own, and NUL taken out", () => {
  assert.strictEqual(new SSH2Stream().config.ident, `SSH-2.0-ssh2js${require('../package.json').version}`);
  assert.match(new SSH2Stream({ server: true, hostKeys: {} }).config.ident, /^SSH-2\.0-ssh2js\S+srv$/);
  assert.strictEqual(new SSH2Stream({ ident: 'my\0app' }).config.ident, 'SSH-2.0-myapp');
});

test('client streams share one KEXDH_REPLY listener, and it still takes each its own handshake', async () => {
  const a = new SSH2Stream();
  const b = new SSH2Stream();
  assert.strictEqual(a.listeners('KEXDH_REPLY').length, 1);
  assert.strictEqual(a.listeners('KEXDH_REPLY')[0], b.listeners('KEXDH_REPLY')[0]);
  const one = await handshake({ kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'] });
  const two = await handshake({ kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'] });
  assert.notDeepStrictEqual(one.client._state.outgoing.sessionId, two.client._state.outgoing.sessionId);
  for (const { client, server } of [one, two]) {
    client.end();
    server.end();
  }
});
