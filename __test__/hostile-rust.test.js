'use strict';
// Hostile input met by the Rust engine (issue 16's engine rows): key files
// whose numbers would make parsing cost seconds, a server whose host key
// changes at a rekey, a packet fed one byte at a time, an oversized SFTP
// reply; and a Rust panic, which must reach JS as an Error. Bounds are
// asserted by sizes and counts, never by wall-clock. (EXT_INFO placement
// and the wiping of secrets are tested in the Rust engine's own tests.)

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { utils, SSH2Stream, SFTPStream } = require('..');
const keys = require('../lib/keys');
const { hostKey } = require('./helpers/pair');

// --- DER, just enough to build PKCS#8 DSA keys with chosen numbers ------

function derLen(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, content) => Buffer.concat([Buffer.from([tag]), derLen(content.length), content]);
const seq = (...parts) => tlv(0x30, Buffer.concat(parts));
/** A DER INTEGER from a non-negative BigInt. */
function int(v) {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}
const DSA_OID = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]);
/** An odd number of exactly `bits` bits. */
const ones = (bits) => (1n << BigInt(bits)) - 1n;

function pkcs8Dsa({ p, q, g, x }) {
  const der = seq(int(0n), seq(DSA_OID, seq(int(p), int(q), int(g))), tlv(0x04, int(x)));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

test('parseKey: a PKCS#8 DSA key is bounded by its numbers before y = g^x mod p is derived', () => {
  // A real key (2048/256, FIPS 186's sizes) still parses.
  const { privateKey } = crypto.generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  const real = utils.parseKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  assert.ok(!(real instanceof Error), real.message);
  assert.strictEqual(real.type, 'ssh-dss');

  // The report's shape: p and x far beyond any DSA key. Before the bound,
  // each doubling of their size cost 8x (11 KB of text: 9 s).
  for (const bits of [10008, 20000, 40000]) {
    const k = utils.parseKey(pkcs8Dsa({ p: ones(bits), q: ones(160), g: 2n, x: ones(bits) }));
    assert.ok(k instanceof Error, `${bits}-bit p accepted`);
    assert.strictEqual(k.message, `Unsupported DSA key size: ${bits} bits (at most 10000)`);
  }
  // p within aws-lc's 10000 bits, but q (and so x) as large as p.
  const bigQ = utils.parseKey(pkcs8Dsa({ p: ones(10000), q: ones(9999), g: 2n, x: ones(9998) }));
  assert.ok(bigQ instanceof Error, 'a 9999-bit q accepted');
  assert.strictEqual(bigQ.message, 'Unsupported DSA key: q of 9999 bits (160, 224 or 256)');
  // x must be below q (and so at most 256 bits).
  const bigX = utils.parseKey(pkcs8Dsa({ p: ones(2048), q: ones(256), g: 2n, x: ones(2000) }));
  assert.ok(bigX instanceof Error, 'x above q accepted');
  assert.strictEqual(bigX.message, 'Malformed DSA private key: x must be in 1..q');
  // At the limits it parses: a 10000-bit p with a 256-bit q.
  const edge = utils.parseKey(pkcs8Dsa({ p: ones(10000), q: ones(256), g: 2n, x: ones(255) }));
  assert.ok(!(edge instanceof Error), edge.message);
});


test('a server that presents a different host key at a rekey is refused, as OpenSSH refuses it', async () => {
  // The client prefers ECDSA; the server has only an Ed25519 key at first,
  // so the first exchange (the one the app verifies) uses that. Then the
  // server gains an ECDSA key, and a rekey would negotiate it.
  const algorithms = { serverHostKey: ['ecdsa-sha2-nistp256', 'ssh-ed25519'] };
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') }, algorithms });
  const client = new SSH2Stream({ algorithms });
  const fingerprints = [];
  client.on('fingerprint', (key, verify) => {
    fingerprints.push(key);
    verify(true);
  });
  client.pipe(server).pipe(client);
  await Promise.all([new Promise((r) => client.once('ready', r)), new Promise((r) => server.once('ready', r))]);
  assert.strictEqual(fingerprints.length, 1);

  // The hostile server's move, through its engine (no public API does it).
  const ecdsa = hostKey('ecdsa-sha2-nistp256');
  server._native.addHostKey(keys.nativeHandle(Array.isArray(ecdsa) ? ecdsa[0] : ecdsa));
  const clientError = new Promise((r) => client.once('error', r));
  const serverDisconnect = new Promise((r) => {
    server.on('error', () => {});
    server.once('DISCONNECT', (name, code) => r({ name, code }));
  });
  const rekeyed = new Promise((r) => client.once('NEWKEYS', () => r(new Error('rekeyed with the new key'))));
  client.rekey();
  const err = await Promise.race([clientError, rekeyed]);
  assert.strictEqual(err.message, 'Handshake failed: host key changed during rekey');
  assert.strictEqual(err.level, 'handshake');
  assert.deepStrictEqual(await serverDisconnect, { name: 'KEY_EXCHANGE_FAILED', code: 3 });
  assert.strictEqual(fingerprints.length, 1, 'the new key was not put to the app');
});

test('a 35 KB packet fed one byte per write is copied a bounded number of times, not once per byte', async () => {
  // Handshake over a pipe, then the client's output goes to the server one
  // byte per write.
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey('ssh-ed25519') } });
  const client = new SSH2Stream({});
  let byteByByte = false;
  client.on('data', (chunk) => {
    if (!byteByByte) return server.write(chunk);
    for (let i = 0; i < chunk.length; i++) server.write(chunk.subarray(i, i + 1));
  });
  server.pipe(client);
  await Promise.all([new Promise((r) => client.once('ready', r)), new Promise((r) => server.once('ready', r))]);

  // SSH_MSG_DEBUG (always_display, message, language) of 34,8xx bytes:
  // the packet is just under the 35000-byte limit.
  const message = 'x'.repeat(34800);
  const payload = Buffer.alloc(1 + 1 + 4 + message.length + 4);
  payload[0] = 4;
  payload.writeUInt32BE(message.length, 2);
  payload.write(message, 6, 'latin1');
  const received = new Promise((r) => server.once('DEBUG', r));
  const before = server._native.inputBytesCopied;
  const bytesBefore = server.bytesReceived;
  byteByByte = true;
  SSH2Stream._send(client, payload);
  assert.strictEqual(await received, message);
  const fed = server.bytesReceived - bytesBefore;
  assert.ok(fed > 34800, `${fed} bytes fed`);
  // Each byte appended once and copied out once when the packet completes;
  // before, the whole partial packet was copied in and out on every write
  // (about fed^2 bytes: 1.2 GB, 282-374 ms of CPU).
  const copied = server._native.inputBytesCopied - before;
  assert.ok(copied <= 3 * fed, `${copied} bytes copied for ${fed} fed`);
});

// --- SFTP: a client's replies are bounded as OpenSSH bounds them ---------

const SFTP_VERSION = Buffer.from([0, 0, 0, 5, 2, 0, 0, 0, 3]);
/** A NAME reply to request `id` with `entries` empty names and no attributes. */
function nameReply(id, entries) {
  const p = Buffer.alloc(4 + 9 + entries * 12);
  p.writeUInt32BE(p.length - 4, 0);
  p[4] = 104;
  p.writeUInt32BE(id, 5);
  p.writeUInt32BE(entries, 9);
  return p;
}

/** A client past its VERSION; `sent` collects what it writes. */
async function sftpClient() {
  const client = new SFTPStream();
  const sent = [];
  client.on('data', (d) => sent.push(d));
  const ready = new Promise((r) => client.once('ready', r));
  client.write(SFTP_VERSION);
  await ready;
  return { client, sent };
}
/** The last packet the client sent, once its output has flowed. */
async function lastSent(sent) {
  await new Promise(setImmediate);
  return sent[sent.length - 1];
}
const lastId = async (sent) => (await lastSent(sent)).readUInt32BE(5);

test('an SFTP client refuses a reply beyond 256 KiB (a 4 MiB NAME) as a protocol error, and lives', async () => {
  // The largest NAME within the limit is taken: 21844 minimal entries.
  {
    const { client, sent } = await sftpClient();
    const got = new Promise((r) => client.readdir(Buffer.from('h'), (err, list) => r(err || list)));
    client.write(nameReply(await lastId(sent), 21844));
    const list = await got;
    assert.ok(Array.isArray(list), String(list));
    assert.strictEqual(list.length, 21844);
  }
  // 4 MiB (349,524 entries, which the old 4 MiB limit took): refused from
  // its first bytes; what follows is dropped, not buffered.
  const { client, sent } = await sftpClient();
  const answered = new Promise((r) => client.readdir(Buffer.from('h'), (err, list) => r(err || list)));
  const error = new Promise((r) => client.once('error', r));
  const reply = nameReply(await lastId(sent), ((4 << 20) - 9) / 12);
  const rss = process.memoryUsage().rss;
  for (let at = 0; at < reply.length; at += 65536) client.write(reply.subarray(at, at + 65536));
  // (The request is failed before 'error' is emitted: wait for that then.)
  const taken = answered.then((v) => (Array.isArray(v) ? new Error(`answered with ${v.length} names`) : error));
  const err = await Promise.race([error, taken]);
  assert.strictEqual(err.message, `Packet length (${reply.length - 4}) exceeds max length (262144)`);
  const outcome = await answered;
  assert.ok(outcome instanceof Error, 'the request is answered with an error');
  // Generous: the 4 MiB reply itself is held by this test; 349k entries
  // as JS objects were +150 MB.
  assert.ok(process.memoryUsage().rss - rss < 64 * 1024 * 1024);
});

test('an SFTP client asks for no more than a 256 KiB reply can carry', async () => {
  const { client, sent } = await sftpClient();
  const handle = Buffer.from('h');
  client.readData(handle, Buffer.alloc(1 << 20), 0, 1 << 20, 0, () => {});
  const read = await lastSent(sent);
  // READ: length, type 5, id, string handle, uint64 offset, uint32 len.
  assert.strictEqual(read[4], 5);
  assert.strictEqual(read.readUInt32BE(read.length - 4), 256 * 1024 - 9);
  client.readData(handle, Buffer.alloc(1000), 0, 1000, 0, () => {});
  const small = await lastSent(sent);
  assert.strictEqual(small.readUInt32BE(small.length - 4), 1000);
});

// --- No Rust panic aborts Node ---------------------------------------------

test('a panic inside an export is thrown to JS as an Error, and the process goes on', () => {
  // In a child: without catch_unwind the panic would abort the process
  // (SIGABRT), which must not take the test runner with it.
  const script = `
    const binding = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'binding.js'))});
    try {
      binding._panicProbe();
      console.log('no panic');
    } catch (err) {
      console.log('caught: ' + err.message);
    }
    console.log('still running: ' + binding.engineVersion());
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' } });
  assert.strictEqual(child.signal, null, `the child died of ${child.signal}: ${child.stderr}`);
  assert.strictEqual(child.status, 0, child.stderr);
  assert.match(child.stdout, /^caught: deliberate panic \(test probe\)$/m);
  assert.match(child.stdout, /^still running: \d+\.\d+\.\d+$/m);
});

test('every #[napi] function and method is catch_unwind, and panics unwind in release builds', () => {
  const dir = path.join(__dirname, '..', 'src', 'node');
  const missing = [];
  let exports = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.rs'))) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const attr = /^\s*#\[napi(\((.*)\))?\]\s*$/.exec(line);
      if (!attr) return;
      // The item it is on: past doc comments and other attributes.
      let j = i + 1;
      while (j < lines.length && /^\s*(\/\/|#\[)/.test(lines[j])) j++;
      if (!/^\s*(pub\s+)?(async\s+)?fn\s/.test(lines[j])) return;
      exports++;
      if (!/\bcatch_unwind\b/.test(attr[2] || '')) missing.push(`${file}:${i + 1}`);
    });
  }
  assert.ok(exports > 80, `${exports} exports found`);
  assert.deepStrictEqual(missing, []);
  // panic = "abort" in a profile would make catch_unwind useless.
  const cargo = fs.readFileSync(path.join(__dirname, '..', 'Cargo.toml'), 'utf8');
  assert.doesNotMatch(cargo, /^\s*panic\s*=\s*"abort"/m);
});
