'use strict';
// Issue 16, row 2: an SFTP INIT (to a server) or VERSION (to a client) that
// advertises extensions named after Object.prototype properties. 0.4.10
// (and this package until now) pushed onto `extensions[name]` of a plain
// object: `__proto__` found Object.prototype and `toString` a function, and
// the TypeError came out of write(). They are kept as data now.

const test = require('node:test');
const assert = require('node:assert');
const { SFTPStream } = require('../..');

// __proto__ is one of them (an accessor), listed first to be sure of it.
const NAMES = [...new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)])];

function sftpString(s) {
  const b = Buffer.from(s);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}

/** INIT (1) or VERSION (2), version 3, with `exts` as [name, data] pairs. */
function hello(type, exts) {
  const body = Buffer.concat([Buffer.from([type, 0, 0, 0, 3]), ...exts.flatMap(([n, d]) => [sftpString(n), sftpString(d)])]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}

for (const [role, type] of [
  ['server', 1],
  ['client', 2],
]) {
  test(`${role}: extensions named after Object.prototype properties are kept as data`, async () => {
    const sftp = new SFTPStream({ server: role === 'server' });
    sftp.resume(); // the client's INIT and anything else it sends
    const errors = [];
    sftp.on('error', (e) => errors.push(e));
    const exts = [...NAMES.map((n) => [n, 'x']), ['posix-rename@openssh.com', '1'], ['toString', 'y']];
    const ready = new Promise((resolve) => sftp.once('ready', resolve));
    assert.doesNotThrow(() => sftp.write(hello(type, exts)));
    await ready;
    assert.deepStrictEqual(errors, []);

    const seen = sftp._state.extensions;
    for (const n of NAMES) {
      assert.ok(Object.hasOwn(seen, n), n);
      assert.deepStrictEqual(seen[n], n === 'toString' ? ['x', 'y'] : ['x'], n);
    }
    assert.deepStrictEqual(seen['posix-rename@openssh.com'], ['1']);
    if (role === 'client') {
      // What was advertised works; what was not is still refused.
      assert.doesNotThrow(() => sftp.ext_openssh_rename('a', 'b', () => {}));
      assert.throws(() => sftp.ext_openssh_hardlink('a', 'b', () => {}), /does not support/);
    }
  });
}

/** A raw packet: type, uint32 id, then the body. */
function request(type, id, body) {
  const head = Buffer.alloc(9);
  head.writeUInt32BE(5 + body.length, 0);
  head[4] = type;
  head.writeUInt32BE(id, 5);
  return Buffer.concat([head, body]);
}

/** The STATUS packets in what a server sent: [id, code]. */
function statuses(out) {
  const list = [];
  for (let i = 0; i + 4 <= out.length; i += 4 + out.readUInt32BE(i)) {
    if (out[i + 4] === 101) list.push([out.readUInt32BE(i + 5), out.readUInt32BE(i + 9)]);
  }
  return list;
}

test('server: EXTENDED requests named after Object.prototype properties are refused, or reach the app by name', () => {
  const EXTENDED = 200;
  const OP_UNSUPPORTED = 8;
  for (const listening of [false, true]) {
    const sftp = new SFTPStream({ server: true, extensions: { 'limits@openssh.com': '1', 'posix-rename@openssh.com': '1' } });
    const out = [];
    sftp.on('data', (d) => out.push(d));
    const heard = [];
    if (listening) {
      sftp.on('EXTENDED', (id, name) => {
        heard.push(name);
        sftp.status(id, OP_UNSUPPORTED);
      });
    }
    assert.doesNotThrow(() => sftp.write(hello(1, [])));
    NAMES.forEach((name, i) => assert.doesNotThrow(() => sftp.write(request(EXTENDED, 100 + i, sftpString(name)))));
    assert.deepStrictEqual(
      statuses(Buffer.concat(out)),
      NAMES.map((_, i) => [100 + i, OP_UNSUPPORTED])
    );
    assert.deepStrictEqual(heard, listening ? NAMES : []);
  }
});
