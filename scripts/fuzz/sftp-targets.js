'use strict';
// The SFTP victims of the connection fuzzer: an SFTPStream server with
// listeners like a real app (each request answered), and an SFTPStream
// client with requests outstanding. The fuzzer writes raw packets into
// the victim and reads what it sends back; the probe is a well-formed
// request (server) or a well-formed answer to a new request (client).

const { SFTPStream } = require('../..');
const { u32, str } = require('./dictionary');
const { track } = require('./track');

const { STATUS_CODE } = SFTPStream;
const PROBE_ID = 0x5eed0001;

/** Splits what a stream sends into packets: calls onPacket(type, id, body). */
function packetReader(stream, onPacket) {
  let buf = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (buf.length < 4 + len) break;
      const pkt = buf.subarray(4, 4 + len);
      buf = buf.subarray(4 + len);
      onPacket(pkt[0], pkt.length >= 5 ? pkt.readUInt32BE(1) : -1, pkt);
    }
  });
}

/** write() into the victim; what it throws (a bug: an app would crash) is kept. */
function writer(sftp, thrown) {
  return (buf) => {
    try {
      if (!sftp.writableEnded && !sftp.destroyed) sftp.write(buf);
    } catch (err) {
      thrown.push(err);
    }
  };
}

const framed = (body) => Buffer.concat([u32(body.length), body]);

/** An app's answers to every request. */
function serveLikeAnApp(sftp) {
  const ok = (id) => sftp.status(id, STATUS_CODE.OK);
  const fail = (id) => sftp.status(id, STATUS_CODE.FAILURE);
  const known = (h) => Buffer.isBuffer(h) && h.length === 4 && h.readUInt32BE(0) === 0;
  const file = { filename: 'f', longname: '-rw-r--r-- 1 u u 0 Jan 1 00:00 f', attrs: { mode: 0o100644, size: 0 } };
  sftp.on('OPEN', (id) => sftp.handle(id, Buffer.alloc(4)));
  sftp.on('OPENDIR', (id) => sftp.handle(id, Buffer.alloc(4)));
  sftp.on('READ', (id, h, off, len) => (known(h) ? sftp.data(id, Buffer.alloc(Math.min(len, 1024))) : fail(id)));
  sftp.on('READDIR', (id, h) => (known(h) ? sftp.name(id, [file]) : sftp.status(id, STATUS_CODE.EOF)));
  sftp.on('WRITE', (id, h) => (known(h) ? ok(id) : fail(id)));
  for (const ev of ['CLOSE', 'FSETSTAT', 'SETSTAT', 'REMOVE', 'RMDIR', 'MKDIR', 'RENAME', 'SYMLINK']) sftp.on(ev, ok);
  for (const ev of ['FSTAT', 'STAT', 'LSTAT']) sftp.on(ev, (id) => sftp.attrs(id, file.attrs));
  for (const ev of ['REALPATH', 'READLINK']) sftp.on(ev, (id) => sftp.name(id, [file]));
  sftp.on('EXTENDED', (id) => fail(id));
}

/** SFTPStream server as the victim; `hello` is the INIT the fuzzer sends first. */
async function sftpServerVictim(turns, hello) {
  const sftp = new SFTPStream({ server: true });
  const victim = track(sftp);
  const answered = new Set();
  packetReader(sftp, (type, id) => answered.add(id));
  serveLikeAnApp(sftp);
  let ready = false;
  sftp.on('ready', () => (ready = true));
  const thrown = [];
  const write = writer(sftp, thrown);
  write(hello);
  await turns.wait(() => ready || victim.ended || victim.errors.length, 50);
  const probe = () => {
    write(framed(Buffer.concat([Buffer.from([17]), u32(PROBE_ID), str('/')])));
    return () => answered.has(PROBE_ID);
  };
  return { victim, write, thrown, probe, ready: () => ready, ids: () => [], cleanup: () => sftp.destroy(), stream: sftp };
}

/** SFTPStream client as the victim, with requests outstanding; `hello` is the VERSION. */
async function sftpClientVictim(turns, hello, r) {
  const sftp = new SFTPStream({});
  const victim = track(sftp);
  const sent = [];
  packetReader(sftp, (type, id) => sent.push(id));
  let ready = false;
  sftp.on('ready', () => (ready = true));
  const thrown = [];
  const write = writer(sftp, thrown);
  write(hello);
  await turns.wait(() => ready || victim.ended || victim.errors.length, 50);
  // Callbacks must come at most once each.
  const calls = new Map();
  const doubles = [];
  const cb = (tag) => {
    calls.set(tag, 0);
    return () => {
      const n = calls.get(tag) + 1;
      calls.set(tag, n);
      if (n > 1) doubles.push(tag);
    };
  };
  if (ready) {
    const n = 1 + r.int(6);
    for (let i = 0; i < n; i++) {
      const k = r.int(6);
      if (k === 0) sftp.stat('/a', cb(`stat${i}`));
      else if (k === 1) sftp.open('/a', 'r', cb(`open${i}`));
      else if (k === 2) sftp.readdir(Buffer.alloc(4), cb(`readdir${i}`));
      else if (k === 3) sftp.readData(Buffer.alloc(4), Buffer.alloc(64), 0, 64, 0, cb(`read${i}`));
      else if (k === 4) sftp.realpath('.', cb(`realpath${i}`));
      else sftp.readlink('/l', cb(`readlink${i}`));
    }
  }
  const probe = () => {
    if (!ready) return () => false;
    const done = cb('probe');
    let called = false;
    sftp.lstat('/probe', (...args) => {
      called = true;
      done(...args);
    });
    const id = sent[sent.length - 1];
    write(framed(Buffer.concat([Buffer.from([101]), u32(id), u32(0), str(''), str('')])));
    return () => called;
  };
  return { victim, write, thrown, probe, ready: () => ready, ids: () => sent, doubles, cleanup: () => sftp.destroy(), stream: sftp };
}

module.exports = { sftpServerVictim, sftpClientVictim };
