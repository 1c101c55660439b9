'use strict';
// A peer that is not an SSH server: 'error' with a clear message, then 'end'.

const assert = require('assert');
const { SSH2Stream } = require('../..');

/** Feeds `bytes` to a fresh client; resolves to its first error, after 'end'. */
function feed(bytes) {
  const client = new SSH2Stream();
  client.resume(); // discard what the client sends
  return new Promise((resolve, reject) => {
    let error;
    client.once('error', (err) => (error = err));
    client.once('end', () => (error ? resolve(error) : reject(new Error('ended without an error'))));
    client.write(bytes);
  });
}

describe('a garbage peer', () => {
  it('gets an error for a packet length no SSH peer sends', async () => {
    const err = await feed(Buffer.concat([Buffer.from('SSH-2.0-fake\r\n'), Buffer.from('00000fff0a' + 'ab'.repeat(100), 'hex')]));
    assert.ok(err instanceof Error);
    assert.match(err.message, /Bad packet length/);
  });

  it('gets an error for random bytes after a valid identification', async () => {
    const junk = Buffer.alloc(4096, 0xff);
    const err = await feed(Buffer.concat([Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'), junk]));
    assert.match(err.message, /Bad packet length/);
  });
});
