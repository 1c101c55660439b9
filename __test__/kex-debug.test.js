'use strict';
// The debug lines of a key exchange, as 0.4.10 printed them: both sides'
// lists per kind, then what was agreed; and, when nothing is common, the
// lists before the error.

const test = require('node:test');
const assert = require('node:assert');
const { handshake } = require('./helpers/pair');

const base = {
  kex: ['curve25519-sha256', 'ecdh-sha2-nistp256'],
  serverHostKey: ['ssh-ed25519'],
  hmac: ['hmac-sha2-256'],
};

test('a handshake prints each side\'s lists and the agreed name, kind by kind', async () => {
  const lines = [];
  const pair = await handshake(base, {
    clientAlgorithms: { ...base, cipher: ['aes128-ctr', 'aes256-gcm@openssh.com'] },
    serverAlgorithms: { ...base, cipher: ['aes256-gcm@openssh.com', 'aes128-ctr'] },
    clientDebug: (l) => lines.push(l),
  });
  pair.client.end();
  pair.server.end();
  const at = (line) => {
    const i = lines.indexOf(line);
    assert.ok(i >= 0, `missing ${JSON.stringify(line)} in:\n${lines.join('\n')}`);
    return i;
  };
  const order = [
    at('DEBUG: Comparing KEXINITs ...'),
    at('DEBUG: (local) Client->Server ciphers: aes128-ctr,aes256-gcm@openssh.com'),
    at('DEBUG: (remote) Client->Server ciphers: aes256-gcm@openssh.com,aes128-ctr'),
    at('DEBUG: Client->Server Cipher: aes128-ctr'),
    at('DEBUG: (local) Client->Server HMAC algorithms: hmac-sha2-256'),
    at('DEBUG: Client->Server HMAC algorithm: hmac-sha2-256'),
  ];
  assert.deepStrictEqual(order, [...order].sort((a, b) => a - b), lines.join('\n'));
  assert.ok(lines.some((l) => /^DEBUG: \(local\) KEX algorithms: curve25519-sha256,ecdh-sha2-nistp256,/.test(l)), lines.join('\n'));
});

test('with no common cipher, the lists come before the error', async () => {
  const lines = [];
  const err = await handshake(base, {
    clientAlgorithms: { ...base, cipher: ['aes128-ctr'] },
    serverAlgorithms: { ...base, cipher: ['aes256-gcm@openssh.com'] },
    clientDebug: (l) => lines.push(l),
  }).then(
    () => assert.fail('the handshake should fail'),
    (e) => e
  );
  assert.strictEqual(err.message, 'Handshake failed: no matching client->server cipher');
  assert.ok(lines.includes('DEBUG: (local) Client->Server ciphers: aes128-ctr'), lines.join('\n'));
  assert.ok(lines.includes('DEBUG: (remote) Client->Server ciphers: aes256-gcm@openssh.com'), lines.join('\n'));
  assert.ok(!lines.some((l) => /^DEBUG: Client->Server Cipher:/.test(l)), lines.join('\n'));
});
