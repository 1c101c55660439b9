'use strict';
// Builds SSH messages byte by byte, for tests that play a hostile peer: the
// payload goes out through SSH2Stream._send (0.4.10's raw send), encrypted
// like any other message, so the other side's engine decodes it normally.

const net = require('net');
const { SSH2Stream } = require('../..');

/** An SSH `string`: uint32 length, then the bytes. */
function sshString(v) {
  const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** A payload: message number, then fields (Buffers as they are, strings as SSH strings, numbers as uint32, booleans as a byte). */
function message(type, ...fields) {
  const parts = [Buffer.from([type])];
  for (const f of fields) {
    if (Buffer.isBuffer(f)) parts.push(f);
    else if (typeof f === 'boolean') parts.push(Buffer.from([f ? 1 : 0]));
    else if (typeof f === 'number') parts.push(u32(f));
    else parts.push(sshString(f));
  }
  return Buffer.concat(parts);
}

/**
 * An SSH2Stream client of this package over TCP to `port`, resolved once
 * the server accepted the ssh-userauth service. `events` lists what came
 * back, by name, for the test to assert on.
 */
function rawClient(port) {
  const client = new SSH2Stream({});
  const socket = net.connect(port, '127.0.0.1');
  socket.pipe(client).pipe(socket);
  const events = [];
  for (const name of ['USERAUTH_FAILURE', 'USERAUTH_SUCCESS', 'USERAUTH_PK_OK', 'DISCONNECT', 'error', 'end']) {
    client.on(name, (...args) => events.push([name, ...args]));
  }
  const closed = new Promise((resolve) => socket.on('close', resolve));
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () => client.service('ssh-userauth'));
    client.once('SERVICE_ACCEPT', () => resolve({ client, socket, events, closed }));
  });
}

/** Resolves when `stream` emits `name`, with its arguments. */
function next(stream, name) {
  return new Promise((resolve) => stream.once(name, (...args) => resolve(args)));
}

const send = (stream, payload) => SSH2Stream._send(stream, payload);

module.exports = { sshString, u32, message, rawClient, next, send };
