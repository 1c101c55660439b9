'use strict';
// `npm run demo -- --self`: our own SSH2Stream client (not ssh2) logs in to
// the demo server with a password, prints what the key exchange agreed on,
// and times a `cat` round trip of `mib` MiB, checking every byte.

const crypto = require('crypto');
const net = require('net');
const { SSH2Stream } = require('../..');
const { WINDOW, PACKET } = require('./ssh-server');

const AGREED = /^DEBUG: (KEX algorithm|Host key format|Client->Server Cipher|Server->Client Cipher|Client->Server HMAC algorithm|Server->Client HMAC algorithm|Client->Server compression algorithm|Server->Client compression algorithm): (.*)$/;

/** Resolves to { algorithms: { name: value }, bytes, seconds, mbPerSec, ok }. */
function runSelf({ host = '127.0.0.1', port, username, password, mib = 64 }) {
  const total = mib * 1024 * 1024;
  const algorithms = {};
  const stream = new SSH2Stream({ debug: (m) => (AGREED.test(m) ? (algorithms[AGREED.exec(m)[1]] = AGREED.exec(m)[2]) : undefined) });
  const sock = net.connect(port, host);
  sock.pipe(stream).pipe(sock);

  return new Promise((resolve, reject) => {
    const fail = (err) => {
      sock.destroy();
      reject(err);
    };
    sock.on('error', fail);
    stream.on('error', fail);
    stream.on('ready', () => stream.service('ssh-userauth'));
    stream.on('SERVICE_ACCEPT', () => stream.authPassword(username, password));
    stream.on('USERAUTH_FAILURE', () => fail(new Error(`the server refused ${username}'s password`)));
    stream.on('USERAUTH_SUCCESS', () => stream.session(0, WINDOW, PACKET));
    stream.on('CHANNEL_OPEN_FAILURE:0', (info) => fail(new Error(`no session: ${info.description}`)));

    let remote;
    let remoteWindow = 0;
    let remotePacket = PACKET;
    stream.on('CHANNEL_OPEN_CONFIRMATION:0', (info) => {
      remote = info.sender;
      remoteWindow = info.window;
      remotePacket = Math.min(info.packetSize, PACKET);
      stream.exec(remote, 'cat', true);
    });
    stream.on('CHANNEL_FAILURE:0', () => fail(new Error('the server refused exec')));

    // Send: a random block over and over, within the window, honouring 'continue'.
    const block = crypto.randomBytes(PACKET);
    const sentHash = crypto.createHash('sha256');
    let sent = 0;
    let waiting = false;
    let t0;
    const pump = () => {
      while (sent < total && remoteWindow > 0 && !waiting) {
        const n = Math.min(remotePacket, remoteWindow, total - sent);
        const chunk = block.subarray(0, n);
        sentHash.update(chunk);
        sent += n;
        remoteWindow -= n;
        if (!stream.channelData(remote, chunk)) waiting = true;
      }
      if (sent === total && !waiting) {
        sent = Infinity; // EOF once
        stream.channelEOF(remote);
      }
    };
    stream.on('continue', () => {
      waiting = false;
      pump();
    });
    stream.on('CHANNEL_WINDOW_ADJUST:0', (amount) => {
      remoteWindow += amount;
      pump();
    });
    stream.on('CHANNEL_SUCCESS:0', () => {
      t0 = process.hrtime.bigint();
      pump();
    });

    // Receive: count, hash, and give the window back as ssh2 does.
    const gotHash = crypto.createHash('sha256');
    let got = 0;
    let localWindow = WINDOW;
    stream.on('CHANNEL_DATA:0', (data) => {
      gotHash.update(data);
      got += data.length;
      localWindow -= data.length;
      if (localWindow < WINDOW / 2) {
        stream.channelWindowAdjust(remote, WINDOW - localWindow);
        localWindow = WINDOW;
      }
    });
    let exitCode = null;
    stream.on('CHANNEL_REQUEST:0', (req) => {
      if (req.request === 'exit-status') exitCode = req.code;
    });
    stream.on('CHANNEL_CLOSE:0', () => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      stream.channelClose(remote);
      stream.disconnect();
      const ok = got === total && exitCode === 0 && gotHash.digest('hex') === sentHash.digest('hex');
      // Each byte went both ways at once: this is the rate each way.
      resolve({ algorithms, bytes: got, seconds, mbPerSec: total / 1e6 / seconds, ok, exitCode });
    });
  });
}

module.exports = { runSelf };
