'use strict';
// Hostile or broken messages at the authentication and connection layers,
// injected into a live session: each gets an 'error' and a clean end, or the
// protocol's reply, and the session that survives still works.

const test = require('node:test');
const assert = require('node:assert');
const { SSH2Stream, constants } = require('..');
const { handshake } = require('./helpers/pair');

const { MESSAGE, CHANNEL_OPEN_FAILURE } = constants;

const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
};
const str = (s) => {
  const b = Buffer.from(s);
  return Buffer.concat([u32(b.length), b]);
};
const msg = (type, ...parts) => Buffer.concat([Buffer.from([type]), ...parts]);
const tick = () => new Promise((r) => setTimeout(r, 20));

/** A connected pair; `seen(side)` lists its errors and its end, in order. */
async function pair() {
  const { client, server } = await handshake({});
  const log = new Map();
  for (const s of [client, server]) {
    const entries = [];
    log.set(s, entries);
    s.removeAllListeners('error');
    s.on('error', (e) => entries.push(`error: ${e.message}`));
    s.on('end', () => entries.push('end'));
  }
  return { client, server, seen: (s) => log.get(s) };
}

/** Sends a raw payload from `from`, bypassing every check of ours. */
const inject = (from, payload) => SSH2Stream._send(from, payload, undefined, true);

// Declared lengths that run past the end of the packet, in each message
// that carries strings.
const TRUNCATED = {
  CHANNEL_DATA: msg(MESSAGE.CHANNEL_DATA, u32(0), u32(1000), Buffer.from('abc')),
  CHANNEL_EXTENDED_DATA: msg(MESSAGE.CHANNEL_EXTENDED_DATA, u32(0), u32(1), u32(70000)),
  CHANNEL_REQUEST: msg(MESSAGE.CHANNEL_REQUEST, u32(0), u32(0xffffffff)),
  CHANNEL_OPEN: msg(MESSAGE.CHANNEL_OPEN, str('session'), u32(1)),
  GLOBAL_REQUEST: msg(MESSAGE.GLOBAL_REQUEST, u32(50), Buffer.from('tcpip')),
  USERAUTH_REQUEST: msg(MESSAGE.USERAUTH_REQUEST, str('user'), str('ssh-connection'), u32(9)),
  CHANNEL_OPEN_FAILURE: msg(MESSAGE.CHANNEL_OPEN_FAILURE, u32(0), u32(1), u32(4000)),
  CHANNEL_WINDOW_ADJUST: msg(MESSAGE.CHANNEL_WINDOW_ADJUST, u32(0)),
};

for (const [name, payload] of Object.entries(TRUNCATED)) {
  test(`a truncated ${name} is an error and a clean end on both sides`, async () => {
    const { client, server, seen } = await pair();
    inject(client, payload);
    await tick();
    const got = seen(server);
    assert.strictEqual(got.length, 2, JSON.stringify(got));
    assert.match(got[0], /^error: /);
    assert.strictEqual(got[1], 'end');
    // The sender hears why: a DISCONNECT with PROTOCOL_ERROR.
    assert.deepStrictEqual(seen(client), ['error: PROTOCOL_ERROR', 'end']);
  });
}

test('a packet over the size limit ends the session', async () => {
  const { client, server, seen } = await pair();
  inject(client, msg(MESSAGE.CHANNEL_DATA, u32(0), u32(256 * 1024), Buffer.alloc(256 * 1024)));
  await tick();
  assert.deepStrictEqual(seen(server), ['error: Bad packet length', 'end']);
});

test('unknown message numbers get UNIMPLEMENTED and the session goes on', async () => {
  const { client, server, seen } = await pair();
  const events = [];
  server.on('CHANNEL_DATA:3', (d) => events.push(d.toString()));
  await tick();
  const before = client.bytesReceived;
  for (const type of [9, 54, 70, 120, 200, 255]) inject(client, msg(type, Buffer.from('junk')));
  await tick();
  // Six packets came back (their contents: src/transport/tests.rs).
  assert.ok(client.bytesReceived - before >= 6 * 16, `${client.bytesReceived - before} bytes came back`);
  client.channelData(3, Buffer.from('still here'));
  await tick();
  assert.deepStrictEqual(events, ['still here']);
  assert.deepStrictEqual(seen(server), []);
  assert.deepStrictEqual(seen(client), []);
});

test("data and requests for channels that do not exist reach the app by id, as in 0.4.10 (its channel table decides)", async () => {
  const { client, server, seen } = await pair();
  const events = [];
  server.on('CHANNEL_DATA:4242', (d) => events.push(['data', d.toString()]));
  server.on('CHANNEL_REQUEST:4242', (info) => events.push(['request', info.request]));
  server.on('CHANNEL_CLOSE:4242', () => events.push(['close']));
  client.channelData(4242, Buffer.from('x'));
  client.exec(4242, 'ls', () => {});
  client.channelClose(4242);
  client.channelData(4242, Buffer.from('after close'));
  await tick();
  assert.deepStrictEqual(events, [['data', 'x'], ['request', 'exec'], ['close'], ['data', 'after close']]);
  assert.deepStrictEqual(seen(server), []);
});

test('a global request or channel open that nobody listens for is refused, not left unanswered', async () => {
  const { client, server, seen } = await pair();
  const answers = [];
  client.on('REQUEST_FAILURE', () => answers.push('REQUEST_FAILURE'));
  client.on('CHANNEL_OPEN_FAILURE:77', (info) => answers.push(['CHANNEL_OPEN_FAILURE', info.reasonCode, info.reason]));
  client.tcpipForward('127.0.0.1', 1234, true);
  client.session(77, 2 * 1024 * 1024, 32768);
  await tick();
  assert.deepStrictEqual(answers, ['REQUEST_FAILURE', ['CHANNEL_OPEN_FAILURE', CHANNEL_OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED, 'ADMINISTRATIVELY_PROHIBITED']]);
  // With a listener, the app answers (and here it says yes).
  server.on('GLOBAL_REQUEST', (name, wantReply) => wantReply && server.requestSuccess());
  client.on('REQUEST_SUCCESS', () => answers.push('REQUEST_SUCCESS'));
  client.tcpipForward('127.0.0.1', 1235, true);
  await tick();
  assert.strictEqual(answers[answers.length - 1], 'REQUEST_SUCCESS');
  assert.deepStrictEqual(seen(server), []);
});

test('authentication: a reply with nothing pending is an error; requests after success are ignored', async () => {
  {
    const { client, server, seen } = await pair();
    // USERAUTH_PK_OK (60) when the client asked nothing.
    inject(server, msg(60, str('ssh-ed25519'), str('key')));
    await tick();
    assert.strictEqual(seen(client).length, 2, JSON.stringify(seen(client)));
    assert.match(seen(client)[0], /^error: /);
    assert.strictEqual(seen(client)[1], 'end');
  }
  {
    const { client, server, seen } = await pair();
    const requests = [];
    server.on('USERAUTH_REQUEST', (user, service, method) => {
      requests.push(method);
      server.authSuccess();
    });
    client.authNone('alice');
    await tick();
    // A second request, after SUCCESS: RFC 4252 section 5.1 says ignore it.
    client.authPassword('alice', 'again');
    inject(client, msg(MESSAGE.USERAUTH_REQUEST, str('mallory'), str('ssh-connection'), str('none')));
    await tick();
    assert.deepStrictEqual(requests, ['none']);
    assert.deepStrictEqual(seen(server), []);
    assert.throws(() => server.authFailure(), /No auth in progress/);
  }
});

test('a thousand random connection-layer payloads: each an error and an end, or nothing, never a throw', async () => {
  let seed = 0x5eed;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const types = [5, 6, 50, 51, 52, 53, 60, 61, 80, 81, 82, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100];
  let ended = 0;
  let survived = 0;
  for (let i = 0; i < 1000; i++) {
    const { client, server, seen } = await pair();
    // Server-side listeners answer as an app would, so replies get built too.
    server.on('USERAUTH_REQUEST', () => server.authFailure());
    const body = Buffer.alloc(next() % 64);
    for (let j = 0; j < body.length; j++) body[j] = next() & (next() % 3 ? 0x0f : 0xff);
    inject(next() % 2 ? client : server, msg(types[next() % types.length], body));
    await new Promise((r) => setImmediate(r));
    const got = [...seen(server), ...seen(client)];
    if (got.includes('end')) ended++;
    else survived++;
    assert.ok(got.every((e) => e === 'end' || e.startsWith('error: ')), JSON.stringify(got));
    client.destroy();
    server.destroy();
  }
  // Both outcomes happen: the mix really exercises both paths.
  assert.ok(ended > 50 && survived > 50, `ended ${ended}, survived ${survived}`);
});

test('data past the window or over the packet size of a channel we confirmed ends the session', async () => {
  // The client opens channel 5; the server confirms it as its channel 9 with
  // a 64 KiB window and 16 KiB packets, then the client ignores both.
  const open = async () => {
    const p = await pair();
    p.server.on('CHANNEL_OPEN', (info) => p.server.channelOpenConfirm(info.sender, 9, 64 * 1024, 16 * 1024));
    const confirmed = new Promise((r) => p.client.once('CHANNEL_OPEN_CONFIRMATION:5', r));
    p.client.session(5, 1024 * 1024, 32 * 1024);
    await confirmed;
    return p;
  };
  {
    const { client, server, seen } = await open();
    let got = 0;
    server.on('CHANNEL_DATA:9', (d) => (got += d.length));
    for (let i = 0; i < 4; i++) client.channelData(9, Buffer.alloc(16 * 1024));
    await tick(); // channel data goes out on the next tick
    assert.strictEqual(got, 64 * 1024);
    server.channelWindowAdjust(5, 64 * 1024); // the app read it all
    await tick();
    for (let i = 0; i < 4; i++) client.channelData(9, Buffer.alloc(16 * 1024));
    // A tenth of the window over is tolerated, as OpenSSH does.
    client.channelData(9, Buffer.alloc(6 * 1024));
    await tick();
    assert.strictEqual(got, 128 * 1024 + 6 * 1024);
    assert.deepStrictEqual(seen(server), []);
    client.channelData(9, Buffer.alloc(1024));
    await tick();
    assert.deepStrictEqual(seen(server), ['error: Channel 9: peer ignored channel window', 'end']);
  }
  {
    const { client, server, seen } = await open();
    client.channelData(9, Buffer.alloc(16 * 1024 + 1));
    await tick();
    assert.deepStrictEqual(seen(server), ['error: Channel 9: data packet of 16385 bytes exceeds the agreed maximum of 16384', 'end']);
  }
});

test("a peer's DISCONNECT with an error reason: 'error' first, then 'DISCONNECT', then 'end' (0.4.10's order)", async () => {
  const { client, server } = await handshake({});
  const order = [];
  client.removeAllListeners('error');
  client.on('error', (e) => order.push(`error ${e.code} ${e.message}`));
  client.on('DISCONNECT', (name, code) => order.push(`DISCONNECT ${name} ${code}`));
  const ended = new Promise((r) => client.once('end', r));
  server.disconnect(constants.DISCONNECT_REASON.PROTOCOL_ERROR);
  await ended;
  order.push('end');
  assert.deepStrictEqual(order, [`error 2 PROTOCOL_ERROR`, 'DISCONNECT PROTOCOL_ERROR 2', 'end']);
  client.destroy();
  server.destroy();
});
