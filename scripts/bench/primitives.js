'use strict';
// Crypto per packet and per primitive (GB/s) and a handshake's public-key
// operations (per second): `node primitives.js <impl>` prints one JSON line
// whose fields are the figures, named `<op>:<suite or primitive>[:<library>]`.
//
// - ours: benches/primitives.rs, built without the N-API binding: the
//   engine's Sealer/Opener on one CHANNEL_DATA packet of the raw bench's
//   size for each suite, and each primitive from the library the engine
//   uses (field `<op>:<primitive>`) and from the alternatives
//   (`<op>:<primitive>:<library>`).
// - v1: ssh2@1.17.0's own per-packet code (lib/protocol/crypto.js's
//   createCipher/createDecipher: its C++ binding on Node's OpenSSL, as its
//   protocol layer calls it), and Node's crypto for the primitives it
//   exposes (Poly1305 alone it does not).
// Each figure is the median of 7 rounds after a warm-up.

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spread } = require('./spread');
const { RAW_SUITES, suiteLabel } = require('./suites');

const ROOT = path.join(__dirname, '..', '..');
const DATA = 32 * 1024 - 64; // raw.js's channelData size
const ROUNDS = 7;

function ours() {
  const cargo = process.env.CARGO || 'cargo';
  const run = spawnSync(cargo, ['bench', '--quiet', '--locked', '--no-default-features', '--bench', 'primitives'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cargo bench --bench primitives failed: ${run.stderr.trim().split('\n').pop()}`);
  const out = {};
  for (const line of run.stdout.trim().split('\n')) {
    const r = JSON.parse(line);
    // Each library's figure under its name; the engine's also as the engine's.
    out[`${r.op}:${r.name}:${r.lib}`] = r.value;
    if (r.engine) out[`${r.op}:${r.name}`] = r.value;
  }
  return out;
}

/** GB/s of fn over `bytes` per call: the median of ROUNDS rounds. */
function rate(bytes, fn) {
  let calls = 0;
  const t = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - t) < 50e6) {
    fn();
    calls++;
  }
  const perRound = Math.max(calls * 2, 1);
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn();
    rates.push((perRound * bytes) / Number(process.hrtime.bigint() - t0));
  }
  return spread(rates).median;
}

function v1() {
  const { CIPHER_INFO, MAC_INFO, createCipher, createDecipher, init } = require('ssh2-v1/lib/protocol/crypto.js');
  return init.then(() => {
    const out = {};
    const head = Buffer.from([94, 0, 0, 0, 0, 0, 0, 127, 192]);
    const data = Buffer.alloc(DATA, 0x5a);
    for (const [cipher, mac] of RAW_SUITES) {
      const label = suiteLabel(cipher, mac);
      const cipherInfo = CIPHER_INFO[cipher];
      const macInfo = mac === '-' ? undefined : MAC_INFO[mac];
      // Fresh buffers for every cipher: the binding steps a GCM IV in place.
      const keys = () => ({
        cipherInfo,
        cipherKey: Buffer.alloc(cipherInfo.keyLen, 5),
        cipherIV: Buffer.alloc(cipherInfo.ivLen, 3),
        seqno: 3,
        macInfo,
        macKey: macInfo && Buffer.alloc(macInfo.len, 7),
      });
      const sealed = [];
      const sealOne = (enc) => {
        const packet = enc.allocPacket(head.length + DATA);
        head.copy(packet, 5);
        data.copy(packet, 5 + head.length);
        enc.encrypt(packet);
      };
      const enc = createCipher({ outbound: { ...keys(), onWrite: () => {} } });
      out[`seal:${label}`] = rate(DATA, () => sealOne(enc));

      const collect = createCipher({ outbound: { ...keys(), onWrite: (p) => sealed.push(p) } });
      for (let i = 0; i < 64; i++) sealOne(collect);
      const stream = Buffer.concat(sealed);
      let payloads = 0;
      const inbound = () => {
        const k = keys();
        return {
          decipherInfo: cipherInfo,
          decipherKey: k.cipherKey,
          decipherIV: k.cipherIV,
          seqno: 3,
          macInfo,
          macKey: k.macKey,
          onPayload: () => {
            payloads++;
          },
        };
      };
      // Its deciphers decrypt in place, over the input: each call gets a
      // fresh copy of the sealed packets, and the copy's own time (measured
      // alone) is taken out of the figure.
      const work = Buffer.allocUnsafe(stream.length);
      const copyRate = rate(DATA * 64, () => stream.copy(work));
      const withCopy = rate(DATA * 64, () => {
        stream.copy(work);
        const dec = createDecipher({ inbound: inbound() });
        dec.decrypt(work, 0, work.length);
        dec.free();
      });
      out[`open:${label}`] = 1 / (1 / withCopy - 1 / copyRate);
      if (payloads % 64 !== 0) throw new Error(`${label}: ${payloads} packets opened`);
    }

    // Node's own primitives (the OpenSSL ssh2@1.17 runs on), output
    // buffers reused where Node allows it.
    const input = Buffer.alloc(DATA, 1);
    const key = Buffer.alloc(32, 7);
    const chacha = crypto.createCipheriv('chacha20', key, Buffer.alloc(16));
    out['encrypt:ChaCha20'] = rate(DATA, () => chacha.update(input));
    out['tag:HMAC-SHA-256'] = rate(DATA, () => crypto.createHmac('sha256', key).update(input).digest());
    out['tag:HMAC-SHA-512'] = rate(DATA, () =>
      crypto.createHmac('sha512', Buffer.alloc(64, 7)).update(input).digest()
    );
    for (const [name, alg, len] of [
      ['AES-128-CTR', 'aes-128-ctr', 16],
      ['AES-256-CTR', 'aes-256-ctr', 32],
    ]) {
      const c = crypto.createCipheriv(alg, key.subarray(0, len), Buffer.alloc(16));
      out[`encrypt:${name}`] = rate(DATA, () => c.update(input));
    }
    Object.assign(out, operations());
    return out;
  });
}

/** Node's own figures for the handshake operations of benches/primitives.rs. */
function operations() {
  const { parseKey } = require('ssh2-v1/lib/protocol/keyParser.js');
  const out = {};
  const ops = (fn) => rate(1, fn) * 1e9;
  const x25519Peer = crypto.generateKeyPairSync('x25519').publicKey;
  out['ops:X25519 key pair + shared secret'] = ops(() => {
    const { privateKey } = crypto.generateKeyPairSync('x25519');
    crypto.diffieHellman({ privateKey, publicKey: x25519Peer });
  });
  const p256Peer = crypto.createECDH('prime256v1');
  p256Peer.generateKeys();
  const p256PeerPublic = p256Peer.getPublicKey();
  out['ops:ECDH P-256 key pair + shared secret'] = ops(() => {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(p256PeerPublic);
  });
  const hash = Buffer.alloc(32, 0x42);
  for (const [label, file, digest] of [
    ['Ed25519', 'host_ed25519', null],
    ['ECDSA P-256', 'host_ecdsa', 'sha256'],
    ['RSA 2048 (rsa-sha2-256)', 'host_rsa', 'sha256'],
  ]) {
    // OpenSSH key files, which Node cannot read: ssh2@1.17's parser gives
    // PEM, made into key objects once (ssh2@1.17 itself passes the PEM
    // text on every call, which costs more; this is OpenSSL's own speed).
    const parsed = parseKey(fs.readFileSync(path.join(__dirname, 'fixtures', file)));
    const key = crypto.createPrivateKey(parsed.getPrivatePEM());
    const pub = crypto.createPublicKey(parsed.getPublicPEM());
    const signature = crypto.sign(digest, hash, key);
    out[`ops:${label} sign`] = ops(() => crypto.sign(digest, hash, key));
    out[`ops:${label} verify`] = ops(() => {
      if (!crypto.verify(digest, hash, pub, signature)) throw new Error(`${label}: verify failed`);
    });
  }
  return out;
}

async function main() {
  const impl = process.argv[2];
  if (impl === 'ours') return ours();
  if (impl === 'v1') return v1();
  return { unavailable: `no per-packet figures for ${impl}` };
}

main().then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(err.stack || String(err));
    process.exit(1);
  }
);
