'use strict';
// Issue 16: every name a peer chooses, sent as each Object.prototype
// property name (and __proto__), in both roles, between an ssh2@0.8.9
// Client and Server running on this package. The hostile side injects raw
// messages through its SSH2Stream; the other side must stay alive and
// refuse: REQUEST_FAILURE, CHANNEL_OPEN_FAILURE, CHANNEL_FAILURE,
// USERAUTH_FAILURE or a DISCONNECT. Names that reach the app reach it as
// the strings they were.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const { SSH2Stream, utils } = require('../..');
const { keygen, tmpDir, missing } = require('../helpers/openssh');
const { message, rawClient, next, send, sshString } = require('../helpers/raw-ssh');
const { loadSsh2 } = require('../../scripts/bench/ssh2-loader');

const skip = missing();
const { Server, Client } = skip ? {} : loadSsh2('ours');
// __proto__ is one of them (an accessor), listed first to be sure of it.
const NAMES = [...new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)])];
const MSG = { GLOBAL_REQUEST: 80, CHANNEL_OPEN: 90, CHANNEL_REQUEST: 98, USERAUTH_REQUEST: 50 };
const parse = (data) => [utils.parseKey(data)].flat()[0];

let keys;
function testKeys() {
  if (!keys) {
    const dir = tmpDir('ssh2sn-hostile-');
    keys = { host: keygen(dir, 'host', 'ed25519'), user: keygen(dir, 'user', 'ed25519') };
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return keys;
}

/**
 * An ssh2 Server (password 'pw'; sessions accepted; env, signal, pty and
 * subsystem requests recorded and rejected; exec accepted) and an ssh2
 * Client logged in to it. `seen` lists what the server's app was told.
 */
async function connectedPair(t) {
  const { host, user } = testKeys();
  const allowed = parse(user.pub);
  const seen = [];
  let serverConn;
  const server = new Server({ hostKeys: [host.priv] }, (conn) => {
    serverConn = conn;
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.password === 'pw') return ctx.accept();
      if (ctx.method === 'publickey') seen.push(['publickey', ctx.key.algo]);
      if (ctx.method === 'publickey' && ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH())) {
        return ctx.accept();
      }
      ctx.reject();
    });
    conn.on('session', (accept) => {
      const session = accept();
      for (const ev of ['env', 'signal', 'pty', 'subsystem']) {
        session.on(ev, (_accept, reject, info) => {
          seen.push([ev, info.key || info.name || (info.modes ? Object.keys(info.modes).length : undefined)]);
          if (reject) reject();
        });
      }
      session.on('exec', (acceptExec) => acceptExec());
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const client = new Client();
  client.on('error', () => {});
  await new Promise((resolve) => client.on('ready', resolve).connect({ host: '127.0.0.1', port: server.address().port, username: 'u', password: 'pw' }));
  t.after(() => client.end());
  return { client, ours: client._sshstream, theirs: () => serverConn._sshstream, seen, port: server.address().port };
}

/** Sends `payload` from `from` and resolves with the first of `events` `to` emits in reply. */
function ask(from, to, payload, events) {
  return new Promise((resolve) => {
    const offs = [];
    for (const name of events) {
      const on = (...args) => {
        for (const off of offs) off();
        resolve([name, ...args]);
      };
      to.once(name, on);
      offs.push(() => to.removeListener(name, on));
    }
    send(from, payload);
  });
}

test('global requests and channel opens named after Object.prototype properties: refused both ways', { skip }, async (t) => {
  const { ours, theirs } = await connectedPair(t);
  for (const [from, role] of [
    [ours, 'client'],
    [theirs(), 'server'],
  ]) {
    for (const [i, name] of NAMES.entries()) {
      const [got] = await ask(from, from, message(MSG.GLOBAL_REQUEST, name, true), ['REQUEST_FAILURE', 'REQUEST_SUCCESS']);
      assert.strictEqual(got, 'REQUEST_FAILURE', `${role} global request ${name}`);
      const sender = 700 + i;
      const [open] = await ask(from, from, message(MSG.CHANNEL_OPEN, name, sender, 65536, 32768), [
        `CHANNEL_OPEN_FAILURE:${sender}`,
        `CHANNEL_OPEN_CONFIRMATION:${sender}`,
      ]);
      assert.strictEqual(open, `CHANNEL_OPEN_FAILURE:${sender}`, `${role} channel open ${name}`);
    }
  }
});

test('channel requests, signal, env, subsystem names and terminal modes from a client: refused', { skip }, async (t) => {
  const { ours, seen } = await connectedPair(t);
  // A session opened by hand, so ssh2's Client does not know it and the
  // server's session answers every request itself.
  const [, info] = await ask(ours, ours, message(MSG.CHANNEL_OPEN, 'session', 900, 65536, 32768), ['CHANNEL_OPEN_CONFIRMATION:900']);
  const remote = info.sender;
  const refused = async (type, ...fields) => {
    const [got] = await ask(ours, ours, message(MSG.CHANNEL_REQUEST, remote, type, true, ...fields), ['CHANNEL_FAILURE:900', 'CHANNEL_SUCCESS:900']);
    assert.strictEqual(got, 'CHANNEL_FAILURE:900', `${type} ${fields.join(' ')}`);
  };
  for (const name of NAMES) {
    await refused(name);
    // A signal never has a reply (RFC 4254 6.9; 0.4.10 reported it without
    // one): the app hears it, as data, before the next request's refusal.
    send(ours, message(MSG.CHANNEL_REQUEST, remote, 'signal', true, name));
    await refused('env', name, 'value');
    await refused('subsystem', name);
  }
  // Every opcode, known or not, with a value; then one the table lacks first.
  const modes = Buffer.concat([...Array.from({ length: 255 }, (_, i) => Buffer.from([i + 1, 0, 0, 0, 1])), Buffer.from([0])]);
  await refused('pty-req', 'xterm', 80, 24, 0, 0, sshString(modes));
  await refused('pty-req', 'xterm', 80, 24, 0, 0, sshString(Buffer.from([200, 0, 0, 0, 1, 0])));
  const names = (ev) => seen.filter(([e]) => e === ev).map(([, n]) => n);
  assert.deepStrictEqual(names('env'), NAMES);
  assert.deepStrictEqual(
    names('signal'),
    NAMES.map((n) => `SIG${n}`)
  );
  assert.deepStrictEqual(names('subsystem'), NAMES);
  assert.strictEqual(names('pty').length, 2);
});

test('channel requests and exit-signal names from a server: refused or reported as data', { skip }, async (t) => {
  const { client, theirs } = await connectedPair(t);
  const channel = await new Promise((resolve, reject) => client.exec('x', (err, ch) => (err ? reject(err) : resolve(ch))));
  const server = theirs();
  // The server's channel id at the client is what it sends to.
  const recipient = channel.outgoing.id;
  const local = channel.incoming.id;
  for (const name of NAMES) {
    const [got] = await ask(server, server, message(MSG.CHANNEL_REQUEST, recipient, name, true), [
      `CHANNEL_FAILURE:${local}`,
      `CHANNEL_SUCCESS:${local}`,
    ]);
    assert.strictEqual(got, `CHANNEL_FAILURE:${local}`, name);
  }
  const exits = [];
  channel.on('exit', (...args) => exits.push(args[1]));
  for (const name of NAMES) {
    const exit = next(channel, 'exit');
    send(server, message(MSG.CHANNEL_REQUEST, recipient, 'exit-signal', false, name, false, 'bye', ''));
    await exit;
  }
  assert.deepStrictEqual(
    exits,
    NAMES.map((n) => `SIG${n}`)
  );
});

test('user auth method names, publickey algorithms and key blob types before authentication: refused', { skip }, async (t) => {
  const { port, seen } = await connectedPair(t);
  const blobOf = (type) => Buffer.concat([sshString(type), sshString(Buffer.alloc(32, 1))]);
  for (const name of NAMES) {
    // ssh2's Server disconnects on a method it does not know.
    const a = await rawClient(port);
    send(a.client, message(MSG.USERAUTH_REQUEST, 'u', 'ssh-connection', name));
    await a.closed;
    assert.ok(a.events.some(([e]) => e === 'DISCONNECT' || e === 'error'), `method ${name}: ${JSON.stringify(a.events)}`);
    assert.ok(!a.events.some(([e]) => e === 'USERAUTH_SUCCESS'), name);

    // A publickey query: the algorithm, then the key blob's type, named `name`.
    const b = await rawClient(port);
    for (const [algo, blob] of [
      [name, blobOf('ssh-ed25519')],
      ['ssh-ed25519', blobOf(name)],
      [name, blobOf(name)],
    ]) {
      const [got] = await ask(b.client, b.client, message(MSG.USERAUTH_REQUEST, 'u', 'ssh-connection', 'publickey', false, algo, sshString(blob)), [
        'USERAUTH_FAILURE',
        'USERAUTH_PK_OK',
        'USERAUTH_SUCCESS',
        'end',
      ]);
      assert.strictEqual(got, 'USERAUTH_FAILURE', `publickey ${algo} / ${name}`);
    }
    b.client.disconnect();
    await b.closed;
  }
  assert.ok(seen.some(([e, n]) => e === 'publickey' && n === '__proto__'));
});

/** An unencrypted packet: length, padding length, payload, padding. */
function cleartextPacket(payload) {
  const pad = 8 - ((5 + payload.length) % 8) + 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + pad, 0);
  head[4] = pad;
  return Buffer.concat([head, payload, Buffer.alloc(pad)]);
}

test('a KEXINIT whose every name-list is Object.prototype names: a handshake error, in both roles', { skip }, async () => {
  const list = NAMES.join(',');
  const kexinit = Buffer.concat([Buffer.from([20]), Buffer.alloc(16, 9), ...Array.from({ length: 10 }, () => sshString(list)), Buffer.from([0]), Buffer.alloc(4)]);
  const { host } = testKeys();
  for (const server of [true, false]) {
    const stream = new SSH2Stream(server ? { server: true, hostKeys: { 'ssh-ed25519': parse(host.priv) } } : {});
    const errors = [];
    let ended = false;
    stream.on('error', (e) => errors.push(e)).on('end', () => (ended = true));
    stream.resume();
    assert.doesNotThrow(() => stream.write(Buffer.concat([Buffer.from('SSH-2.0-hostile\r\n'), cleartextPacket(kexinit)])));
    assert.strictEqual(errors.length, 1, `server ${server}`);
    assert.strictEqual(errors[0].level, 'handshake', errors[0].message);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(ended, `server ${server}: ended`);
  }
});
