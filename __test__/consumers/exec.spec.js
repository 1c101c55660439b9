'use strict';
// An exec on a session channel: output, stderr and exit status.

const assert = require('assert');
const api = require('../..');
const { connect, serveExec, exec, end } = require('./scenario');

describe('exec on a session channel', () => {
  let pair;
  afterEach(() => pair && end(pair));

  it('returns the output and exit status 0', async () => {
    pair = await connect(api);
    serveExec(pair.server);
    const r = await exec(pair.client, 'echo hello world');
    assert.deepStrictEqual(r, { stdout: 'hello world\n', stderr: '', code: 0 });
  });

  it('returns stderr and a non-zero exit status', async () => {
    pair = await connect(api);
    serveExec(pair.server);
    const r = await exec(pair.client, 'frobnicate --now');
    assert.strictEqual(r.code, 127);
    assert.strictEqual(r.stdout, '');
    assert.strictEqual(r.stderr, 'frobnicate: command not found\n');
  });
});
