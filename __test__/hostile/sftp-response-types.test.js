'use strict';
// Issue 16, found by the connection fuzzer (scripts/fuzz/connections.js):
// a server answering a request with the wrong kind of response. readdir
// answered with EXTENDED_REPLY, ATTRS or an OK STATUS threw a TypeError
// out of write() (0.4.10 too: it took `list.length` of whatever came), so
// a hostile server crashed the client's app. A request that succeeds with
// data now fails on any other answer; the session goes on.

const test = require('node:test');
const assert = require('node:assert');
const { SFTPStream } = require('../..');

const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
};
const str = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
const packet = (type, id, body = Buffer.alloc(0)) => {
  const b = Buffer.concat([Buffer.from([type]), u32(id), body]);
  return Buffer.concat([u32(b.length), b]);
};

const ANSWERS = {
  'OK status': (id) => packet(101, id, Buffer.concat([u32(0), str(''), str('')])),
  handle: (id) => packet(102, id, str('h')),
  data: (id) => packet(103, id, str('xyz')),
  name: (id) => packet(104, id, Buffer.concat([u32(1), str('f'), str('f'), u32(0)])),
  attrs: (id) => packet(105, id, u32(0)),
  'extended reply': (id) => packet(201, id, Buffer.from('junk')),
};

/** A client that got its VERSION; `ids` lists the request ids it sends. */
function client() {
  const sftp = new SFTPStream({});
  const ids = [];
  let buf = Buffer.alloc(0);
  sftp.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      if (buf[4] !== 1) ids.push(buf.readUInt32BE(5));
      buf = buf.subarray(4 + len);
    }
  });
  sftp.write(Buffer.from([0, 0, 0, 5, 2, 0, 0, 0, 3]));
  return { sftp, ids };
}

/** Sends one request, answers it with `answer`, returns what its callback got. */
async function ask(request, answer) {
  const { sftp, ids } = client();
  const errors = [];
  sftp.on('error', (e) => errors.push(e));
  const got = new Promise((resolve) => request(sftp, (...args) => resolve(args)));
  await new Promise(setImmediate);
  assert.doesNotThrow(() => sftp.write(answer(ids[ids.length - 1])));
  const args = await got;
  // The session is still usable.
  const next = new Promise((resolve) => sftp.stat('/x', (...a) => resolve(a)));
  await new Promise(setImmediate);
  sftp.write(ANSWERS.attrs(ids[ids.length - 1]));
  const [err, stats] = await next;
  assert.ifError(err);
  assert.ok(stats.isFile || stats.mode === undefined);
  assert.deepStrictEqual(errors, []);
  return args;
}

const REQUESTS = {
  'readdir(handle)': [(s, cb) => s.readdir(Buffer.from('h'), cb), 'name'],
  'readdir(handle, full)': [(s, cb) => s.readdir(Buffer.from('h'), { full: true }, cb), 'name'],
  stat: [(s, cb) => s.stat('/a', cb), 'attrs'],
  open: [(s, cb) => s.open('/a', 'r', cb), 'handle'],
  realpath: [(s, cb) => s.realpath('.', cb), 'name'],
  readData: [(s, cb) => s.readData(Buffer.from('h'), Buffer.alloc(8), 0, 8, 0, cb), 'data'],
};

for (const [what, [request, expected]] of Object.entries(REQUESTS)) {
  test(`${what} answered with the wrong kind of response: an error to its callback, nothing thrown`, async () => {
    for (const [kind, answer] of Object.entries(ANSWERS)) {
      if (kind === expected) continue;
      const [err] = await ask(request, answer);
      assert.ok(err instanceof Error, `${what} answered with ${kind}`);
      assert.match(err.message, /Unexpected/, `${what} answered with ${kind}`);
    }
    // The right kind still works.
    const [err] = await ask(request, ANSWERS[expected]);
    assert.ifError(err);
  });
}

test('readdir(path) whose READDIR is answered with ATTRS: an error, nothing thrown', async () => {
  const { sftp, ids } = client();
  const got = new Promise((resolve) => sftp.readdir('/d', (...a) => resolve(a)));
  await new Promise(setImmediate);
  sftp.write(ANSWERS.handle(ids[ids.length - 1]));
  await new Promise(setImmediate);
  assert.doesNotThrow(() => sftp.write(ANSWERS.attrs(ids[ids.length - 1])));
  await new Promise(setImmediate);
  // readdir(path) closes the handle on error; the CLOSE is answered.
  sftp.write(ANSWERS['OK status'](ids[ids.length - 1]));
  const [err] = await got;
  assert.match(err.message, /Unexpected attrs response/);
});
