'use strict';
// The SFTP client's file-level API: fastGet/fastPut, readFile/writeFile/
// appendFile/exists, createReadStream/createWriteStream. Each test runs
// against two servers: our own SFTPStream serving a folder in-process, and
// OpenSSH's sftp-server (when installed) over its stdin and stdout.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Readable } = require('stream');
const { pipeline } = require('stream/promises');
const { SFTPStream } = require('..');
const { serve } = require('../scripts/demo/fs-sftp-server');
const { missingSftpServer, clientOnSftpServer } = require('./helpers/openssh');

const { STATUS_CODE } = SFTPStream;
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;

/**
 * Each backend: `start(t)` resolves to { sftp, dir, remote(name) } where
 * `dir` is the local folder the server serves and `remote(name)` the path
 * the client names a file in it by.
 */
const BACKENDS = {
  'our SFTPStream server': {
    skip: false,
    async start(t) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-xfer-'));
      const server = new SFTPStream({ server: true });
      const sftp = new SFTPStream();
      serve(server, dir);
      sftp.pipe(server).pipe(sftp);
      t.after(() => {
        sftp.end();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      await new Promise((resolve, reject) => sftp.once('ready', resolve).once('error', reject));
      return { sftp, dir, remote: (name) => `/${name}` };
    },
  },
  "OpenSSH's sftp-server": {
    skip: missingSftpServer(),
    async start(t) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-xfer-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      const { sftp } = await clientOnSftpServer(t);
      return { sftp, dir, remote: (name) => path.join(dir, name) };
    },
  },
};

/** Calls a callback-style method; resolves to its results after the error. */
function call(obj, method, ...args) {
  return new Promise((resolve, reject) => {
    obj[method](...args, (err, ...rest) => (err ? reject(err) : resolve(rest.length > 1 ? rest : rest[0])));
  });
}

for (const [name, backend] of Object.entries(BACKENDS)) {
  test(`fastPut and fastGet (${name})`, { skip: backend.skip }, async (t) => {
    const { sftp, dir, remote } = await backend.start(t);
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-xfer-local-'));
    t.after(() => fs.rmSync(local, { recursive: true, force: true }));

    // An odd size, so the last chunk is short.
    const data = crypto.randomBytes(16 * MiB + 12345);
    fs.writeFileSync(path.join(local, 'src.bin'), data);
    const steps = [];
    await call(sftp, 'fastPut', path.join(local, 'src.bin'), remote('up.bin'), {
      mode: '0600',
      step: (total, nb, size) => steps.push([total, nb, size]),
    });
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.bin'))), sha(data));
    assert.strictEqual(fs.statSync(path.join(dir, 'up.bin')).mode & 0o777, 0o600, 'the mode option');
    assert.deepStrictEqual(steps[steps.length - 1].slice(0, 1).concat(steps[0][2]), [data.length, data.length]);
    assert.ok(steps.every(([total], i) => i === 0 || total > steps[i - 1][0]), 'step totals grow');

    await call(sftp, 'fastGet', remote('up.bin'), path.join(local, 'down.bin'));
    assert.strictEqual(sha(fs.readFileSync(path.join(local, 'down.bin'))), sha(data));

    // Small chunks, few in flight: the same bytes.
    await call(sftp, 'fastGet', remote('up.bin'), path.join(local, 'down2.bin'), { chunkSize: 10000, concurrency: 3 });
    assert.strictEqual(sha(fs.readFileSync(path.join(local, 'down2.bin'))), sha(data));

    // An empty file copies as an empty file.
    fs.writeFileSync(path.join(dir, 'empty'), '');
    fs.writeFileSync(path.join(local, 'empty'), 'not empty yet');
    await call(sftp, 'fastGet', remote('empty'), path.join(local, 'empty'));
    assert.strictEqual(fs.statSync(path.join(local, 'empty')).size, 0);

    await assert.rejects(call(sftp, 'fastGet', remote('missing'), path.join(local, 'x')), (e) => e.code === STATUS_CODE.NO_SUCH_FILE);
    await assert.rejects(call(sftp, 'fastPut', path.join(local, 'missing'), remote('x')), (e) => e.code === 'ENOENT');

    // A stated size beyond the real one: an error, where 0.4.10 looped forever.
    fs.writeFileSync(path.join(dir, 'short'), 'abc');
    await assert.rejects(call(sftp, 'fastGet', remote('short'), path.join(local, 'short'), { fileSize: 100 }), /Source ended at byte 3 of the 100 expected/);
  });

  test(`readFile, writeFile, appendFile, exists (${name})`, { skip: backend.skip }, async (t) => {
    const { sftp, dir, remote } = await backend.start(t);
    await call(sftp, 'writeFile', remote('a.txt'), 'h\u00e9llo');
    await call(sftp, 'appendFile', remote('a.txt'), Buffer.from(' world'));
    assert.strictEqual(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'h\u00e9llo world');
    assert.strictEqual(await call(sftp, 'readFile', remote('a.txt'), 'utf8'), 'h\u00e9llo world');
    const buf = await call(sftp, 'readFile', remote('a.txt'));
    assert.ok(Buffer.isBuffer(buf) && buf.equals(Buffer.from('h\u00e9llo world')));
    // The options object's encoding and mode.
    await call(sftp, 'writeFile', remote('b.txt'), '68656c6c6f', { encoding: 'hex', mode: 0o640 });
    assert.strictEqual(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8'), 'hello');
    assert.strictEqual(fs.statSync(path.join(dir, 'b.txt')).mode & 0o777, 0o640);
    // Bigger than one packet both ways.
    const big = crypto.randomBytes(3 * MiB + 7);
    await call(sftp, 'writeFile', remote('big'), big);
    assert.strictEqual(sha(await call(sftp, 'readFile', remote('big'))), sha(big));

    assert.strictEqual(await new Promise((r) => sftp.exists(remote('a.txt'), r)), true);
    assert.strictEqual(await new Promise((r) => sftp.exists(remote('nope'), r)), false);
    await assert.rejects(call(sftp, 'readFile', remote('nope')), (e) => e.code === STATUS_CODE.NO_SUCH_FILE);
    assert.throws(() => sftp.readFile(remote('a.txt'), { encoding: 'klingon' }, () => {}), /Unknown encoding: klingon/);
    // A handle the server never issued: an error status (ours says FAILURE,
    // OpenSSH NO_SUCH_FILE) on that request's callback.
    const refused = (e) => e.code === STATUS_CODE.FAILURE || e.code === STATUS_CODE.NO_SUCH_FILE;
    await assert.rejects(call(sftp, 'readData', Buffer.from('forged'), Buffer.alloc(4), 0, 4, 0), refused);
    await assert.rejects(call(sftp, 'close', Buffer.from('forged')), refused);
  });

  test(`createReadStream and createWriteStream (${name})`, { skip: backend.skip }, async (t) => {
    const { sftp, dir, remote } = await backend.start(t);
    const data = crypto.randomBytes(5 * MiB + 3);
    const ws = sftp.createWriteStream(remote('w.bin'), { mode: 0o600 });
    const events = [];
    ws.on('open', (h) => events.push(['open', Buffer.isBuffer(h)])).on('ready', () => events.push(['ready']));
    const wsClosed = new Promise((r) => ws.on('close', r));
    await pipeline(Readable.from(chunks(data, 100000)), ws);
    await wsClosed;
    assert.deepStrictEqual(events, [['open', true], ['ready']]);
    assert.strictEqual(ws.bytesWritten, data.length);
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'w.bin'))), sha(data));
    assert.strictEqual(fs.statSync(path.join(dir, 'w.bin')).mode & 0o777, 0o600);

    // Appending starts at the current size, since SFTP v3 needs offsets.
    const ap = sftp.createWriteStream(remote('w.bin'), { flags: 'a' });
    await new Promise((resolve, reject) => ap.on('close', resolve).on('error', reject).end('tail'));
    assert.strictEqual(fs.readFileSync(path.join(dir, 'w.bin')).subarray(-4).toString(), 'tail');

    // All of it, then a slice with inclusive start and end.
    const all = [];
    const rs = sftp.createReadStream(remote('w.bin'));
    for await (const c of rs) all.push(c);
    assert.strictEqual(sha(Buffer.concat(all)), sha(Buffer.concat([data, Buffer.from('tail')])));
    assert.strictEqual(rs.bytesRead, data.length + 4);
    const slice = [];
    for await (const c of sftp.createReadStream(remote('w.bin'), { start: 1000, end: 1999 })) slice.push(c);
    assert.ok(Buffer.concat(slice).equals(data.subarray(1000, 2000)));

    // Errors: a missing file, and options out of range.
    const missing = sftp.createReadStream(remote('missing'));
    const err = await new Promise((r) => missing.on('error', r));
    assert.strictEqual(err.code, STATUS_CODE.NO_SUCH_FILE);
    assert.throws(() => sftp.createReadStream(remote('w.bin'), { start: -1 }), {
      name: 'RangeError',
      message: 'The value of "start" is out of range. It must be >= 0 and <= 2 ** 53 - 1. Received -1',
    });
    assert.throws(() => sftp.createReadStream(remote('w.bin'), { start: 5, end: 2 }), {
      name: 'RangeError',
      message: 'The value of "start" is out of range. It must be <= "end" (here: 2). Received 5',
    });
    assert.throws(() => sftp.createWriteStream(remote('w.bin'), { start: 'x' }), {
      name: 'TypeError',
      message: 'The "start" argument must be of type number. Received type string',
    });
    assert.throws(() => sftp.createReadStream(remote('w.bin'), 42), /"options" argument must be a string or an object/);
  });
}

/**
 * Counts the fs calls of `single` ('read'/'write') and its vectored form
 * ('readv'/'writev') while `run()` goes, and cuts the first vectored call
 * of several chunks to 1000 bytes, as a file system may stop short.
 * Resolves to { calls, cut }.
 */
async function withCountedFs(t, single, run) {
  const vectored = `${single}v`;
  const real = { [single]: fs[single], [vectored]: fs[vectored] };
  const restore = () => Object.assign(fs, real);
  t.after(restore);
  let calls = 0;
  let cut = false;
  fs[single] = (...args) => (++calls, real[single].apply(fs, args));
  fs[vectored] = (fd, views, pos, cb) => {
    ++calls;
    if (cut || views.length < 2) return real[vectored].call(fs, fd, views, pos, cb);
    cut = true;
    return real[vectored].call(fs, fd, [views[0].subarray(0, 1000)], pos, cb);
  };
  try {
    await run();
  } finally {
    restore();
  }
  return { calls, cut };
}

// fastGet writes the local file, fastPut reads it.
const LOCAL_IO = [
  ['fastGet', 'write'],
  ['fastPut', 'read'],
];

/**
 * Our server on a folder, a local folder, and `data` as the source of
 * `method`: `from`/`to` are the source and copy on disk, `src`/`dst` the
 * names `method` is called with.
 */
async function transferSetup(t, method, data) {
  const { sftp, dir, remote } = await BACKENDS['our SFTPStream server'].start(t);
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh2sn-xfer-local-'));
  t.after(() => fs.rmSync(local, { recursive: true, force: true }));
  const get = method === 'fastGet';
  const from = path.join(get ? dir : local, 'src.bin');
  const to = path.join(get ? local : dir, 'copy.bin');
  fs.writeFileSync(from, data);
  return { sftp, from, to, src: get ? remote('src.bin') : from, dst: get ? to : remote('copy.bin') };
}

for (const [method, single] of LOCAL_IO) {
  test(`${method} ${single}s the local file in batches (one fs call for several chunks), and goes on where a call stopped short`, async (t) => {
    const data = crypto.randomBytes(4 * MiB + 777);
    const { sftp, to, src, dst } = await transferSetup(t, method, data);
    const steps = [];
    const { calls, cut } = await withCountedFs(t, single, () => call(sftp, method, src, dst, { step: (total, nb) => steps.push(nb) }));

    assert.strictEqual(sha(fs.readFileSync(to)), sha(data));
    const chunks = Math.ceil(data.length / 32768);
    // A write cut short goes on within the same chunk; a read cut short
    // is finished by a second read, which reports its own step.
    assert.strictEqual(steps.length, single === 'write' ? chunks : chunks + 1, 'step once per chunk written');
    assert.ok(cut, 'some fs call carried several chunks');
    assert.ok(calls < chunks, `${calls} fs calls for ${chunks} chunks`);
  });
}

for (const [method, single] of LOCAL_IO) {
  test(`${method}: a failed ${single} of the local file ends the transfer; nothing more goes to the fd, which is closed once no call is out`, async (t) => {
    const { sftp, src, dst } = await transferSetup(t, method, crypto.randomBytes(4 * MiB));

    // The second call on the local file fails after a while (EIO), with
    // more chunks asked for meanwhile.
    const vectored = `${single}v`;
    const real = { [single]: fs[single], [vectored]: fs[vectored], close: fs.close };
    t.after(() => Object.assign(fs, real));
    let calls = 0;
    let failed = false;
    let after = 0;
    let out = 0;
    let fd = -1;
    let outAtClose = -1;
    const counted = (name) => (...args) => {
      fd = args[0];
      if (failed) ++after;
      const cb = args[args.length - 1];
      ++out;
      if (++calls === 2) {
        return setTimeout(() => {
          --out;
          failed = true;
          cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
        }, 20);
      }
      args[args.length - 1] = (...res) => (--out, cb(...res));
      return real[name].apply(fs, args);
    };
    fs[single] = counted(single);
    fs[vectored] = counted(vectored);
    fs.close = (f, cb) => {
      if (f === fd) outAtClose = out;
      return real.close.call(fs, f, cb);
    };
    let callbacks = 0;
    const err = await new Promise((resolve) => sftp[method](src, dst, (e) => (++callbacks, resolve(e))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    Object.assign(fs, real);

    assert.strictEqual(err && err.code, 'EIO');
    assert.strictEqual(callbacks, 1);
    assert.strictEqual(after, 0, 'no fs call on the local file after the failure');
    assert.strictEqual(outAtClose, 0, 'the local fd closed with no call out');
  });
}

test('fastPut: a remote failure while the chunks a short readv missed are being read again closes the local fd only once that read is back', async (t) => {
  const { sftp, src, dst } = await transferSetup(t, 'fastPut', crypto.randomBytes(4 * MiB));
  const real = { readv: fs.readv, writev: fs.writev, close: fs.close };
  t.after(() => Object.assign(fs, real));
  let localFd = -1;
  let shortened = false;
  let rereadOut = 0;
  let rereadsBack = 0;
  let outAtClose = -1;
  // The first readv of several chunks stops after 1000 bytes, so the chunks
  // it missed are read again (the next readv); that read takes 50 ms.
  let rereadNext = false;
  fs.readv = (fd, views, pos, cb) => {
    if (fd === localFd && rereadNext) {
      rereadNext = false;
      ++rereadOut;
      return real.readv.call(fs, fd, views, pos, (...res) => setTimeout(() => (--rereadOut, ++rereadsBack, cb(...res)), 50));
    }
    localFd = fd;
    if (shortened || views.length < 2) return real.readv.call(fs, fd, views, pos, cb);
    shortened = true;
    rereadNext = true;
    return real.readv.call(fs, fd, [views[0].subarray(0, 1000)], pos, cb);
  };
  // The server's writes (the demo server's, batched into writev) fail
  // (EIO) once the short readv has happened.
  fs.writev = (...args) => {
    if (!shortened) return real.writev.apply(fs, args);
    const cb = args[args.length - 1];
    process.nextTick(cb, Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
  };
  fs.close = (fd, cb) => {
    if (fd === localFd) outAtClose = rereadOut;
    return real.close.call(fs, fd, cb);
  };
  const err = await new Promise((resolve) => sftp.fastPut(src, dst, resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
  Object.assign(fs, real);
  assert.ok(err, 'the transfer failed');
  assert.ok(shortened, 'a readv stopped short');
  assert.ok(rereadsBack > 0, 'the chunks missed were read again');
  assert.strictEqual(outAtClose, 0, 'the local fd closed with no read out');
});

test('fastGet: a local write that writes nothing and reports no error ends the transfer with an error, not a loop', async (t) => {
  const { sftp, src, dst } = await transferSetup(t, 'fastGet', crypto.randomBytes(MiB));
  const { writev } = fs;
  t.after(() => Object.assign(fs, { writev }));
  let calls = 0;
  fs.writev = (fd, views, pos, cb) => (++calls, process.nextTick(cb, null, 0, views));
  const err = await new Promise((resolve) => sftp.fastGet(src, dst, resolve));
  Object.assign(fs, { writev });
  assert.match(String(err && err.message), /^Writing the local file at byte \d+ wrote nothing$/);
  assert.ok(calls < 10, `${calls} writev calls`);
});

test("readFile of a file whose size reads as 0 but is not empty (/proc, through OpenSSH's sftp-server)", { skip: BACKENDS["OpenSSH's sftp-server"].skip }, async (t) => {
  const { sftp } = await BACKENDS["OpenSSH's sftp-server"].start(t);
  const st = await call(sftp, 'stat', '/proc/self/status');
  assert.strictEqual(st.size, 0);
  const text = await call(sftp, 'readFile', '/proc/self/status', 'utf8');
  assert.match(text, /^Name:\s+sftp-server/m);
});

function* chunks(buf, size) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
