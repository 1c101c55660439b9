'use strict';
// A client's commonest replies (DATA, a STATUS of OK) come from the engine
// as numbers in a Float64Array rather than as arrays (src/node/sftp.rs
// feed). Whatever the mix and however many arrive in one chunk (more than
// the array holds), every request is answered, in the order the replies
// came, with what the array form gave.

const test = require('node:test');
const assert = require('node:assert');
const { SFTPStream } = require('..');

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
const str = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
const packet = (type, body) => Buffer.concat([u32(body.length + 1), Buffer.from([type]), body]);
const VERSION = packet(2, u32(3));
const data = (id, d) => packet(103, Buffer.concat([u32(id), u32(d.length), d]));
const status = (id, code, msg) => packet(101, Buffer.concat([u32(id), u32(code), str(msg), str('en')]));

test('hundreds of replies in one chunk, hot and not, answer their requests in order', () => {
  const c = new SFTPStream();
  c.resume();
  c.write(VERSION);
  const seen = [];
  const replies = [];
  const n = 300;
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) {
      c.writeData(Buffer.from('h'), Buffer.from('x'), 0, 1, i, (err) => seen.push([i, err ? err.message : 'ok']));
      replies.push(status(i, 0, 'Success'));
    } else if (kind === 1) {
      const buf = Buffer.alloc(8);
      c.readData(Buffer.from('h'), buf, 0, 8, i, (err, nb) => seen.push([i, err ? err.message : buf.subarray(0, nb).toString()]));
      replies.push(data(i, Buffer.from(`d${i}`)));
    } else if (kind === 2) {
      c.close(Buffer.from('h'), (err) => seen.push([i, err ? `${err.code} ${err.message} ${err.lang}` : 'ok']));
      replies.push(status(i, 4, `failed ${i}`));
    } else {
      c.readData(Buffer.from('h'), Buffer.alloc(8), 0, 8, i, (err, nb) => seen.push([i, err ? `eof ${err.code}` : nb]));
      replies.push(status(i, 1, 'End of file'));
    }
  }
  c.write(Buffer.concat(replies));
  const want = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) want.push([i, 'ok']);
    else if (kind === 1) want.push([i, `d${i}`]);
    else if (kind === 2) want.push([i, `4 failed ${i} en`]);
    else want.push([i, 0]);
  }
  assert.deepStrictEqual(seen, want);
});

test('a DATA reply to a request that wants no data, or to none, is refused or dropped as before', () => {
  const c = new SFTPStream();
  c.resume();
  c.write(VERSION);
  const seen = [];
  c.open('/f', 'r', (err, h) => seen.push(err ? err.message : h));
  // Reply 0 is DATA (open wants a handle); reply 5 answers nothing.
  c.write(Buffer.concat([data(0, Buffer.from('zz')), data(5, Buffer.from('yy')), status(9, 0, '')]));
  assert.deepStrictEqual(seen, ['Unexpected data response']);
});
