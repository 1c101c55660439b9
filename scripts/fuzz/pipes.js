'use strict';
// In-process plumbing for the fuzzer: a pair of connected Duplex "sockets"
// (Node 20 has no stream.duplexPair), and waiting counted in event-loop
// turns, not time, so a hang is a count that runs out.

const { Duplex } = require('stream');

function duplexPair() {
  const make = () =>
    new Duplex({
      read() {},
      // Delivered a turn later, as a socket would: the receiver's
      // listeners then run on their own stack, so what they throw is
      // uncaught (as it would be in an app), not thrown back at the sender.
      write(chunk, _enc, cb) {
        setImmediate(() => {
          if (!this.peer.destroyed && !this.peer.readableEnded) this.peer.push(chunk);
        });
        cb();
      },
      final(cb) {
        setImmediate(() => {
          if (!this.peer.destroyed) this.peer.push(null);
        });
        cb();
      },
      destroy(err, cb) {
        if (!this.peer.destroyed) this.peer.destroy();
        cb(err);
      },
    });
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** Turn counter shared by one iteration: `wait` fails once the budget is spent. */
class Turns {
  constructor(budget) {
    this.budget = budget;
    this.used = 0;
  }

  /** Resolves true once cond() holds, false if `max` turns pass first. */
  async wait(cond, max) {
    for (let i = 0; i < max; i++) {
      if (cond()) return true;
      if (++this.used > this.budget) throw new Error(`hang: no progress within ${this.budget} event-loop turns`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return cond();
  }

  /** Lets `n` turns pass (queued work settles). */
  settle(n) {
    return this.wait(() => false, n);
  }
}

module.exports = { duplexPair, Turns };
