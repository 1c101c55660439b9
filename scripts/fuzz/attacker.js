'use strict';
// The attacker's side of the SSH targets whose victim is a server: it logs
// in the same way whatever stands behind the victim (ssh2's Server or a
// bare SSH2Stream with an app's listeners).

/** Waits for the first of `names` from `em`; returns a getter for it. */
function first(em, names) {
  let got = null;
  for (const n of names) em.once(n, (...args) => (got = got || [n, ...args]));
  return () => got;
}

/**
 * Takes the attacker `atk` to `phase`: 'pre' asks for ssh-userauth only;
 * 'post' also logs in and opens a session channel (local 0), whose
 * confirmation it returns. Throws when the victim does not get there.
 * Replies can come synchronously (in-process pipes): each listens first.
 */
async function logIn(atk, turns, phase, window, packet) {
  const acc = first(atk, ['SERVICE_ACCEPT', 'end']);
  atk.service('ssh-userauth');
  if (!(await turns.wait(acc, 200))) throw new Error('setup: no SERVICE_ACCEPT');
  if (phase !== 'post') return null;
  const ok = first(atk, ['USERAUTH_SUCCESS', 'USERAUTH_FAILURE']);
  atk.authPassword('u', 'pw');
  if (!(await turns.wait(ok, 200)) || ok()[0] !== 'USERAUTH_SUCCESS') throw new Error('setup: login failed');
  const open = first(atk, ['CHANNEL_OPEN_CONFIRMATION:0', 'CHANNEL_OPEN_FAILURE:0']);
  atk.session(0, window, packet);
  if (!(await turns.wait(open, 200)) || open()[0] !== 'CHANNEL_OPEN_CONFIRMATION:0') throw new Error('setup: no session');
  return open()[1];
}

module.exports = { first, logIn };
