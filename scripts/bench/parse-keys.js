'use strict';
// utils.parseKey per second, one figure per key format:
// `node parse-keys.js <impl> [roundMs] [rounds]` parses each fixture of
// fixtures/parse/ (made by ssh-keygen, the PPK by puttygen) over and over for
// `rounds` rounds of at least `roundMs` each (and at least one parse), and
// prints one JSON line with the median rate of the rounds per format. The
// rate is per second of this process's CPU time (user + system), not of
// the clock: on a machine shared with other work the clock counts the
// time others had the CPU, which made the same build's figures wander by
// a quarter from run to run; the worker does nothing but parse, so on an
// idle machine the two agree.
// 'ours' is this package, 'orig' ssh2-streams@0.4.10. A parse that fails
// (an Error or the wrong key type) fails the worker.

const fs = require('fs');
const path = require('path');
const { spread } = require('./spread');

const [impl, roundMs = '200', rounds = '5'] = process.argv.slice(2);
const DIR = path.join(__dirname, 'fixtures', 'parse');

/** Each format: the figure's field, its fixture, the passphrase, the key type it gives. */
const FORMATS = [
  ['openssh_ed25519', 'openssh_ed25519', undefined, 'ssh-ed25519'],
  ['openssh_ecdsa', 'openssh_ecdsa', undefined, 'ecdsa-sha2-nistp256'],
  ['openssh_rsa', 'openssh_rsa', undefined, 'ssh-rsa'],
  // bcrypt_pbkdf with ssh-keygen's default 16 rounds: the KDF is the figure.
  ['openssh_encrypted', 'openssh_ed25519_enc', 'password', 'ssh-ed25519'],
  ['pem_rsa', 'pem_rsa', undefined, 'ssh-rsa'],
  ['ppk_rsa', 'ppk2_rsa.ppk', undefined, 'ssh-rsa'],
  ['public_line_ed25519', 'openssh_ed25519.pub', undefined, 'ssh-ed25519'],
  ['public_line_rsa', 'openssh_rsa.pub', undefined, 'ssh-rsa'],
];

function load(which) {
  if (which === 'ours') return require('../../index.js').utils;
  if (which === 'orig') return require('ssh2-streams').utils;
  throw new Error(`unknown implementation ${which}`);
}

const median = (values) => spread(values).median;

function main() {
  const { parseKey } = load(impl);
  const out = { impl };
  for (const [field, file, passphrase, type] of FORMATS) {
    const data = fs.readFileSync(path.join(DIR, file));
    const once = () => {
      let key = parseKey(data, passphrase);
      if (key instanceof Error) throw new Error(`${file}: ${key.message}`);
      if (Array.isArray(key)) key = key[0];
      if (key.type !== type) throw new Error(`${file}: type ${key.type}, expected ${type}`);
    };
    // Warm-up (and the check that it parses at all), timing the parses to
    // read the CPU clock about once a millisecond: reading it costs a
    // system call, which is a parse's time for the fastest formats.
    let warm = 0;
    const w0 = process.hrtime.bigint();
    do {
      once();
      warm++;
    } while (warm < 20 && Number(process.hrtime.bigint() - w0) < 50e6);
    const perParseMs = Number(process.hrtime.bigint() - w0) / 1e6 / warm;
    const batch = Math.max(1, Math.round(1 / perParseMs));
    const rates = [];
    for (let r = 0; r < Number(rounds); r++) {
      let n = 0;
      const t0 = process.cpuUsage();
      let ms = 0;
      do {
        for (let i = 0; i < batch; i++) once();
        n += batch;
        const used = process.cpuUsage(t0);
        ms = (used.user + used.system) / 1000;
      } while (ms < Number(roundMs));
      rates.push((n * 1000) / ms);
    }
    out[field] = median(rates);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
}
