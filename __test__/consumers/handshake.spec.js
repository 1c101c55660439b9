'use strict';
// A client and a server SSH2Stream piped together: key exchange, password
// auth, and a wrong password. Runs under Jest and under mocha as it is.

const assert = require('assert');
const { SSH2Stream } = require('../..');
const { connect, end } = require('./scenario');

describe('SSH2Stream client and server', () => {
  it('agree on keys and log in with a password', async () => {
    const pair = await connect(require('../..'));
    assert.ok(pair.client instanceof SSH2Stream);
    assert.ok(pair.server instanceof SSH2Stream);
    end(pair);
  });

  it('report a wrong password as USERAUTH_FAILURE with the methods left', async () => {
    await assert.rejects(connect(require('../..'), { password: 'wrong' }), (err) => {
      assert.strictEqual(err.message, 'authentication failed');
      // Compared as is: under Jest what the engine builds must still be this
      // realm's arrays, or deepStrictEqual (which compares prototypes) fails.
      assert.ok(err.methods instanceof Array);
      assert.deepStrictEqual(err.methods, ['password']);
      return true;
    });
  });

  it("give the peer's identification as plain objects", async () => {
    const crypto = require('crypto');
    const api = require('../..');
    const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    const server = new SSH2Stream({ server: true, ident: 'spec_1.0', hostKeys: { 'ssh-ed25519': api.utils.parseKey(pem) } });
    const client = new SSH2Stream();
    const header = new Promise((resolve) => client.once('header', resolve));
    client.pipe(server).pipe(client);
    assert.deepStrictEqual(await header, { identRaw: 'SSH-2.0-spec_1.0', versions: { protocol: '2.0', software: 'spec_1.0' } });
    end({ client, server });
  });

  it('end both sides on disconnect', async () => {
    const pair = await connect(require('../..'));
    const ended = (s) => new Promise((resolve) => s.once('end', resolve));
    const both = Promise.all([ended(pair.client), ended(pair.server)]);
    pair.client.disconnect();
    await both;
  });
});
