'use strict';
// Our client against our server for every kex x host key algorithm and
// every cipher x MAC the engine supports: a matrix, not a sample. Each pair
// completes the key exchange and then carries a ping both ways.

const test = require('node:test');
// Until the native transport lands (issue 4), these say so and skip.
const ENGINE_MISSING =
  typeof require('../lib/binding').SshSession !== 'function' && 'the SSH2Stream transport engine is not built yet (issue 4)';
const assert = require('node:assert');
const { constants } = require('..');
const { handshake } = require('./helpers/pair');

const A = constants.ALGORITHMS;
const { implemented } = require('../lib/binding');
// The registry names some algorithms ahead of the engine; those say so.
const pending = (category, ...names) =>
  names.every((n) => implemented(category, n)) ? false : `not implemented yet: ${names.filter((n) => !implemented(category, n)).join(', ')} (issue 4)`;
const AEAD = /gcm|chacha20-poly1305/;

function roundTrip({ client, server }) {
  // GLOBAL_REQUEST keepalive@openssh.com each way, answered by the other side.
  return Promise.all([
    new Promise((resolve) => {
      server.once('GLOBAL_REQUEST', (name, wantReply) => {
        assert.strictEqual(name, 'keepalive@openssh.com');
        assert.strictEqual(wantReply, true);
        resolve();
      });
      client.ping();
    }),
    new Promise((resolve) => {
      client.once('GLOBAL_REQUEST', () => resolve());
      server.ping();
    }),
  ]);
}

/** A handshake that also returns the client's 0.4.10-style "what was agreed" debug lines. */
async function agreed(algorithms) {
  const lines = {};
  const pair = await handshake(algorithms, {
    clientDebug: (m) => {
      const hit = /^DEBUG: (KEX algorithm|Host key format|Client->Server Cipher|Server->Client Cipher|Client->Server HMAC algorithm|Server->Client HMAC algorithm): (.*)$/.exec(m);
      if (hit) lines[hit[1]] = hit[2];
    },
  });
  return { pair, lines };
}

function end({ client, server }) {
  client.disconnect();
  server.disconnect();
}

test('every kex x host key algorithm', { skip: ENGINE_MISSING }, async (t) => {
  for (const kex of A.SUPPORTED_KEX) {
    for (const hostKeyAlgo of A.SUPPORTED_SERVER_HOST_KEY) {
      await t.test(`${kex} + ${hostKeyAlgo}`, { skip: pending('kex', kex) || pending('serverHostKey', hostKeyAlgo) }, async () => {
        const { pair, lines } = await agreed({ kex: [kex], serverHostKey: [hostKeyAlgo] });
        assert.strictEqual(lines['KEX algorithm'], kex);
        assert.strictEqual(lines['Host key format'], hostKeyAlgo);
        await roundTrip(pair);
        end(pair);
      });
    }
  }
});

test('every cipher x MAC', { skip: ENGINE_MISSING }, async (t) => {
  for (const cipher of A.SUPPORTED_CIPHER) {
    // An AEAD cipher brings its own integrity; the MAC list is not used.
    const macs = AEAD.test(cipher) ? [A.SUPPORTED_HMAC[0]] : A.SUPPORTED_HMAC;
    for (const hmac of macs) {
      await t.test(`${cipher} + ${AEAD.test(cipher) ? '(aead)' : hmac}`, { skip: pending('cipher', cipher) || pending('hmac', hmac) }, async () => {
        const { pair, lines } = await agreed({ kex: ['curve25519-sha256'], cipher: [cipher], hmac: [hmac] });
        assert.strictEqual(lines['Client->Server Cipher'], cipher);
        assert.strictEqual(lines['Server->Client Cipher'], cipher);
        if (!AEAD.test(cipher)) assert.strictEqual(lines['Client->Server HMAC algorithm'], hmac);
        await roundTrip(pair);
        end(pair);
      });
    }
  }
});

test('every compression method', { skip: ENGINE_MISSING }, async (t) => {
  for (const compress of A.SUPPORTED_COMPRESS) {
    await t.test(compress, { skip: pending('compress', compress) }, async () => {
      const pair = await handshake({ compress: [compress] });
      await roundTrip(pair);
      end(pair);
    });
  }
});

test("the client's host key debug line is 0.4.10's: one of 'by default', 'verified' or 'denied'", { skip: ENGINE_MISSING }, async () => {
  const hostLines = async (fingerprint) => {
    const lines = [];
    const { SSH2Stream } = require('..');
    const { hostKey } = require('./helpers/pair');
    const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') } });
    const client = new SSH2Stream({ debug: (m) => /^DEBUG: Host (accepted|denied)/.test(m) && lines.push(m) });
    if (fingerprint) client.on('fingerprint', fingerprint);
    server.on('error', () => {});
    client.pipe(server).pipe(client);
    await new Promise((r) => {
      client.once('ready', r);
      client.once('error', r);
    });
    client.destroy();
    server.destroy();
    return lines;
  };
  assert.deepStrictEqual(await hostLines(null), ['DEBUG: Host accepted by default (no verification)']);
  assert.deepStrictEqual(await hostLines((_k, verify) => verify(true)), ['DEBUG: Host accepted (verified)']);
  assert.deepStrictEqual(await hostLines((_k, verify) => setImmediate(verify, false)), ['DEBUG: Host denied via fingerprint verification']);
});
