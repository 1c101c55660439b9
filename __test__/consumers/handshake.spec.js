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
      // Copied: under Jest, arrays the native engine made come from another
      // realm than the test's literals, and deepStrictEqual compares prototypes.
      assert.deepStrictEqual([...err.methods], ['password']);
      return true;
    });
  });

  it('end both sides on disconnect', async () => {
    const pair = await connect(require('../..'));
    const ended = (s) => new Promise((resolve) => s.once('end', resolve));
    const both = Promise.all([ended(pair.client), ended(pair.server)]);
    pair.client.disconnect();
    await both;
  });
});
