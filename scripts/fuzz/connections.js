#!/usr/bin/env node
'use strict';
// The connection fuzzer (issue 16): whole connections of this package's
// public API, one side attacked per iteration with hostile input built
// from a dictionary (scripts/fuzz/dictionary.js: prototype names, 0, 2^31,
// 2^32-1, lengths at and past every limit, lying lengths, random bytes).
//
//   ssh-server / ssh-client: ssh2@0.8.9's Server connection or Client on
//     this package, attacked by an SSH2Stream of this package, pre-auth
//     (after the handshake) or post-auth (logged in, a session open), with
//     raw payloads injected through SSH2Stream._send (ssh-messages.js).
//   stream-server / stream-client: the same against a bare SSH2Stream with
//     an app's listeners (stream-targets.js).
//   sftp-server / sftp-client: an SFTPStream fed raw SFTP packets
//     (sftp-packets.js).
//
// Checked every iteration: nothing escapes (an uncaught exception or
// unhandled rejection is a failure; 'error' events are fine, unless a
// TypeError/RangeError/ReferenceError, which is a bug surfacing); the
// victim is never left half-dead (it has ended, or a well-formed probe
// request gets its answer); SFTP callbacks come at most once; the
// iteration finishes within a budget of event-loop turns (counted, not
// timed). RSS is checked every 50 iterations against a ceiling.
//
// Usage: node scripts/fuzz/connections.js [--seed N] [--iterations N] [--minutes M]
//   [--keep-going] [--rss-mb N] (env SSH_FUZZ_SEED, SSH_FUZZ_CONN_ITERS,
//   SSH_FUZZ_MINUTES). Without a count or a duration it runs 30 minutes
//   (`npm run fuzz`); the seed is random unless given. Exit status 1 on a
//   failure; it stops at the first unless --keep-going. Ctrl-C stops it
//   after the running iteration, with the summary.
// Prints `seed=<n> iterations=<n>` first and with any failure, plus the
// failing iteration and its case; `--seed S --from I --iterations 1`
// replays iteration I alone (each iteration's PRNG derives from seed+I).

const { rng } = require('./rng');
const { Turns } = require('./pipes');
const ssh = require('./ssh-messages');
const sftpPackets = require('./sftp-packets');
const { serverVictim, clientVictim } = require('./ssh-targets');
const { streamServerVictim, streamClientVictim } = require('./stream-targets');
const { sftpServerVictim, sftpClientVictim } = require('./sftp-targets');
const SSH_TARGETS = new Map([
  ['ssh-server', serverVictim],
  ['ssh-client', clientVictim],
  ['stream-server', streamServerVictim],
  ['stream-client', streamClientVictim],
]);
const { SSH2Stream } = require('../..');

const MODES = ['ssh-server', 'ssh-client', 'stream-server', 'stream-client', 'sftp-server', 'sftp-client'];
const TURN_BUDGET = 3000;
const SETTLE = 20;
const PROBE_TURNS = 200;
const JS_BUGS = [TypeError, RangeError, ReferenceError, SyntaxError];

/** The seed of iteration i: every iteration replays alone. */
const iterSeed = (seed, i) => (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;

function jsBugs(errors) {
  return errors.filter((e) => JS_BUGS.some((C) => e instanceof C));
}

async function sshIteration(r, mode, phase, turns, log) {
  const target = await SSH_TARGETS.get(mode)(turns, phase);
  const { atk, atkState, victim, chans } = target;
  const dead = () => victim.ended || victim.closed;
  const n = 1 + r.int(8);
  for (let i = 0; i < n && !atkState.ended && !dead(); i++) {
    const payload = phase === 'pre' ? ssh.preAuth(r, target.toServer) : ssh.postAuth(r, chans);
    log.push(payload.toString('hex').slice(0, 400));
    try {
      SSH2Stream._send(atk, payload);
    } catch {
      // The attacker's own engine refused it (too long, ended): not an attack.
    }
    await turns.settle(r.int(3));
  }
  await turns.wait(dead, SETTLE);
  const problems = [];
  log.outcome = dead() ? 'ended' : 'probed';
  if (!dead()) {
    if (atkState.ended) {
      // Its peer is gone: the victim must end too.
      if (!(await turns.wait(dead, PROBE_TURNS))) problems.push('victim still open after its peer ended');
    } else {
      const answered = target.probe();
      if (!(await turns.wait(() => answered() || dead(), PROBE_TURNS))) problems.push('victim neither answered the probe nor ended');
    }
  }
  problems.push(...jsBugs(victim.errors).map((e) => `victim error is a JS bug: ${e.stack}`));
  target.cleanup();
  // After the peer hung up, the victim ends (or already had).
  if (!(await turns.wait(dead, PROBE_TURNS))) problems.push('victim still open after its peer hung up');
  target.destroy();
  await turns.settle(3);
  return problems;
}

async function sftpIteration(r, mode, turns, log) {
  const server = mode === 'sftp-server';
  const max = server ? sftpPackets.SERVER_MAX : sftpPackets.CLIENT_MAX;
  const helloBody = r.chance(0.8) ? Buffer.from([server ? 1 : 2, 0, 0, 0, 3]) : sftpPackets.hello(r, server ? 1 : 2);
  const hello = sftpPackets.frame(r, helloBody, max);
  log.push(hello.buf.subarray(0, 200).toString('hex'));
  const target = await (server ? sftpServerVictim(turns, hello.buf) : sftpClientVictim(turns, hello.buf, r));
  const { victim } = target;
  const dead = () => victim.ended || victim.closed || victim.errors.length > 0;
  const n = 1 + r.int(8);
  for (let i = 0; i < n && !dead(); i++) {
    const ids = target.ids();
    const id = ids.length && r.chance(0.6) ? r.pick(ids) : r.int(4) === 0 ? r.int(0x100000000) : r.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff]);
    const body = server ? sftpPackets.request(r, id) : sftpPackets.response(r, id);
    const pkt = sftpPackets.frame(r, body, max);
    log.push(pkt.buf.subarray(0, 200).toString('hex'));
    target.write(pkt.buf);
    await turns.settle(r.int(2));
    if (pkt.overLimit) {
      await turns.wait(dead, SETTLE);
      if (!dead()) log.push('!! over-limit frame taken');
      break;
    }
  }
  await turns.wait(dead, SETTLE);
  const problems = [];
  log.outcome = dead() ? 'ended' : 'probed';
  if (!dead()) {
    const answered = target.probe();
    if (!(await turns.wait(() => answered() || dead(), PROBE_TURNS))) problems.push('victim neither answered the probe nor ended');
  }
  problems.push(...target.thrown.map((e) => `thrown out of write(): ${e.stack}`));
  if (target.doubles && target.doubles.length) problems.push(`callbacks called twice: ${target.doubles.join(', ')}`);
  problems.push(...jsBugs(victim.errors).map((e) => `victim error is a JS bug: ${e.stack}`));
  target.cleanup();
  await turns.settle(2);
  return problems;
}

// Set on SIGINT/SIGTERM: the run stops after the iteration running and
// prints its summary (seed, iterations done).
let stopping = false;

// Uncaught exceptions and unhandled rejections land on the iteration running.
let escaped = [];
function onEscape(err) {
  escaped.push(err);
}

/**
 * Runs the fuzzer. Returns { seed, iterations, failures, maxRssMb }.
 * `out` prints a line; stops at the first failing iteration unless `keepGoing`.
 */
async function run({ seed, iterations = Infinity, minutes = Infinity, from = 0, rssMb = 1536, keepGoing = false, out = console.log }) {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  const header = `seed=${seed} iterations=${iterations === Infinity ? 'unbounded' : iterations}${minutes === Infinity ? '' : ` minutes=${minutes}`}`;
  out(header);
  const stopAt = minutes === Infinity ? Infinity : Date.now() + minutes * 60000;
  const failures = [];
  const counts = Object.fromEntries(MODES.map((m) => [m, 0]));
  const outcomes = { ended: 0, probed: 0 };
  const kinds = new Map();
  let maxRss = 0;
  let done = 0;
  try {
    for (let i = from; i < from + iterations && Date.now() < stopAt && !stopping; i++) {
      const r = rng(iterSeed(seed, i));
      r.level = r.pick([0.05, 0.3, 1]);
      const mode = r.pick(MODES);
      const phase = r.chance(0.5) ? 'pre' : 'post';
      const turns = new Turns(TURN_BUDGET);
      const log = [];
      escaped = [];
      let problems;
      try {
        problems = SSH_TARGETS.has(mode) ? await sshIteration(r, mode, phase, turns, log) : await sftpIteration(r, mode, turns, log);
      } catch (err) {
        // A setup that failed, or the turn budget spent (a hang).
        problems = [String(err.message).startsWith('hang:') ? err.message : `harness: ${err.stack}`];
      }
      // What escaped asynchronously shows up a turn or two later.
      await new Promise((resolve) => setImmediate(resolve));
      problems.push(...escaped.map((e) => `escaped: ${e && e.stack ? e.stack : e}`));
      counts[mode]++;
      if (log.outcome) outcomes[log.outcome]++;
      done++;
      if (problems.length) {
        failures.push({ iteration: i, mode, phase, problems, log });
        // With --keep-going, each kind of failure is printed in full 3 times.
        const kind = `${mode} ${problems[0].split('\n')[0].replace(/\d+/g, 'N')}`;
        kinds.set(kind, (kinds.get(kind) || 0) + 1);
        if (kinds.get(kind) > 3) continue;
        out(`FAILURE ${header} iteration=${i} mode=${mode}${SSH_TARGETS.has(mode) ? ` phase=${phase}` : ''}`);
        for (const p of problems) out(`  ${p}`);
        out('  sent (hex, first bytes of each):');
        for (const l of log) out(`    ${l}`);
        out(`  replay: node scripts/fuzz/connections.js --seed ${seed} --from ${i} --iterations 1`);
        if (!keepGoing) break;
      }
      if (done % 50 === 0) {
        const rss = process.memoryUsage().rss / 1048576;
        maxRss = Math.max(maxRss, rss);
        if (rss > rssMb) {
          failures.push({ iteration: i, mode, problems: [`RSS ${rss.toFixed(0)} MiB over ${rssMb} MiB`] });
          out(`FAILURE ${header} iteration=${i}: RSS ${rss.toFixed(0)} MiB over the ceiling of ${rssMb} MiB`);
          break;
        }
      }
      if (done % 100000 === 0) out(`  ${done} iterations, max RSS ${maxRss.toFixed(0)} MiB`);
    }
  } finally {
    process.removeListener('uncaughtException', onEscape);
    process.removeListener('unhandledRejection', onEscape);
  }
  maxRss = Math.max(maxRss, process.memoryUsage().rss / 1048576);
  for (const [kind, n] of kinds) out(`failure kind (${n}x): ${kind}`);
  out(`done: seed=${seed} iterations=${done} failures=${failures.length} max RSS ${maxRss.toFixed(0)} MiB (${MODES.map((m) => `${m} ${counts[m]}`).join(', ')}; victim ended ${outcomes.ended}, alive and probed ${outcomes.probed})`);
  return { seed, iterations: done, failures, maxRssMb: maxRss, counts, outcomes };
}

function parseArgs(argv, env) {
  const opt = (name) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (v, dflt) => (v === undefined || v === '' ? dflt : Number(v));
  const seed = num(opt('seed') ?? env.SSH_FUZZ_SEED, Math.floor(Math.random() * 0x100000000));
  return {
    seed: seed >>> 0,
    iterations: num(opt('iterations') ?? env.SSH_FUZZ_CONN_ITERS, Infinity),
    minutes: num(opt('minutes') ?? env.SSH_FUZZ_MINUTES, Infinity),
    from: num(opt('from'), 0),
    rssMb: num(opt('rss-mb'), 1536),
    keepGoing: argv.includes('--keep-going'),
  };
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (args.iterations === Infinity && args.minutes === Infinity) args.minutes = 30;
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => (stopping = true));
  run(args).then(
    (res) => {
      process.exitCode = res.failures.length ? 1 : 0;
      // ssh2's Server object keeps nothing listening; leave promptly.
      setImmediate(() => process.exit());
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}

module.exports = { run, parseArgs };
