'use strict';
// The C library behind the platform triple (linux-x64-gnu or -musl): read
// from /usr/bin/ldd's text, so that requiring the package does not build a
// diagnostic report (~5 ms) at every process start; the report decides only
// when ldd is missing or names neither library.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const { isMusl, lddSaysMusl, reportSaysMusl } = require('../lib/libc');

test("ldd's text names the library", () => {
  // Alpine's /usr/bin/ldd, and the lines that name glibc in its ldd script.
  assert.strictEqual(lddSaysMusl('#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n'), true);
  assert.strictEqual(lddSaysMusl('#! /bin/bash\n# Copyright (C) 1996-2023 Free Software Foundation, Inc.\n# This file is part of the GNU C Library.\n'), false);
  assert.strictEqual(lddSaysMusl('echo "ldd (GNU libc) 2.36"'), null);
  assert.strictEqual(lddSaysMusl(''), null);
});

test('on this machine the ldd answer agrees with Node\'s report', { skip: process.platform !== 'linux' && 'Linux only' }, (t) => {
  if (!fs.existsSync('/usr/bin/ldd')) return t.skip('no /usr/bin/ldd here');
  const fromLdd = lddSaysMusl(fs.readFileSync('/usr/bin/ldd', 'latin1'));
  assert.notStrictEqual(fromLdd, null, 'ldd names its library');
  assert.strictEqual(fromLdd, reportSaysMusl());
  assert.strictEqual(isMusl(), reportSaysMusl());
});

const noLdd = process.platform === 'linux' && !fs.existsSync('/usr/bin/ldd');
test('requiring the package builds no diagnostic report', { skip: noLdd && 'no /usr/bin/ldd here: the report is the way left' }, () => {
  // A fresh process in which getReport would throw: the package still loads
  // and names the triple, so it took the ldd path (or is not on Linux).
  const { spawnSync } = require('child_process');
  const script = `process.report.getReport = () => { throw new Error('report built'); };
    const triple = require(${JSON.stringify(require.resolve('../lib/triple'))});
    process.stdout.write(triple);`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(r.stdout, require('../lib/triple'));
});
