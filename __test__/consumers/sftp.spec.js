'use strict';
// An SFTP transfer: an SFTPStream client piped to an SFTPStream server over
// in-memory files, a few hundred KiB written and read back.

const assert = require('assert');
const crypto = require('crypto');
const api = require('../..');
const { sftpPair, writeFile, readFile, sha256 } = require('./scenario');

describe('SFTP client and server', () => {
  let sftp;
  afterEach(() => sftp && sftp.client.end());

  it('writes and reads back 384 KiB with the same hash', async () => {
    sftp = await sftpPair(api);
    const data = crypto.randomBytes(384 * 1024 + 17);
    await writeFile(sftp.client, '/data.bin', data);
    assert.strictEqual(sha256(sftp.files.get('/data.bin')), sha256(data), 'what the server stored');
    const back = await readFile(sftp.client, '/data.bin');
    assert.strictEqual(back.length, data.length);
    assert.strictEqual(sha256(back), sha256(data));
  });

  it('gives NO_SUCH_FILE for a missing file', async () => {
    sftp = await sftpPair(api);
    await assert.rejects(readFile(sftp.client, '/missing'), (err) => {
      assert.strictEqual(err.code, api.SFTPStream.STATUS_CODE.NO_SUCH_FILE);
      return true;
    });
  });
});
