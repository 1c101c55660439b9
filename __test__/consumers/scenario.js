'use strict';
// What a user of the package typically writes, as small promise helpers over
// a given copy of the API (the repo's, an installed tarball's, a bundle's):
// a client and a server SSH2Stream piped together through key exchange and
// password auth, an exec on a session channel, and an SFTP client piped to
// an in-memory SFTP server. Shared by the Jest/mocha specs next to it, by the
// tarball test and by the bundle test; it requires only Node built-ins.

const crypto = require('crypto');

const WINDOW = 2 * 1024 * 1024;
const PACKET = 32 * 1024;
const USER = 'alice';
const PASSWORD = 'correct horse battery staple';

/** A fresh Ed25519 host key, as a key object of the API. */
function hostKey(api) {
  const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  const key = api.utils.parseKey(pem);
  if (key instanceof Error) throw key;
  return key;
}

/**
 * A client and a server SSH2Stream piped together, through the key
 * exchange and the client's password auth. The server accepts USER with
 * PASSWORD only. Resolves to { client, server, kex } when auth succeeded,
 * rejects with the first 'error' or on USERAUTH_FAILURE.
 */
function connect(api, { password = PASSWORD, key = hostKey(api) } = {}) {
  const { SSH2Stream } = api;
  const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': key } });
  const client = new SSH2Stream();
  client.pipe(server).pipe(client);

  server.on('SERVICE_REQUEST', (service) => server.serviceAccept(service));
  server.on('USERAUTH_REQUEST', (user, service, method, data) => {
    if (method === 'password' && user === USER && data === PASSWORD) server.authSuccess();
    else server.authFailure(['password']);
  });

  return new Promise((resolve, reject) => {
    const fail = (err) => {
      end({ client, server });
      reject(err);
    };
    client.once('error', fail);
    server.once('error', fail);
    client.once('ready', () => client.service('ssh-userauth'));
    client.once('SERVICE_ACCEPT', () => client.authPassword(USER, password));
    client.once('USERAUTH_FAILURE', (methods) => fail(Object.assign(new Error('authentication failed'), { methods })));
    client.once('USERAUTH_SUCCESS', () => {
      client.removeListener('error', fail);
      server.removeListener('error', fail);
      resolve({ client, server });
    });
  });
}

/**
 * The server side of exec: runs `echo <words>` and `exit <n>`, and fails
 * any other command with exit status 127.
 */
function serveExec(server) {
  server.on('CHANNEL_OPEN', (info) => {
    const id = 0;
    const remote = info.sender;
    server.channelOpenConfirm(remote, id, WINDOW, PACKET);
    server.on(`CHANNEL_REQUEST:${id}`, (req) => {
      if (req.request !== 'exec') return req.wantReply && server.channelFailure(remote);
      if (req.wantReply) server.channelSuccess(remote);
      const [cmd, ...args] = req.command.split(' ');
      let code = 0;
      if (cmd === 'echo') server.channelData(remote, Buffer.from(`${args.join(' ')}\n`));
      else if (cmd === 'exit') code = Number(args[0]);
      else {
        server.channelExtData(remote, Buffer.from(`${cmd}: command not found\n`), 1);
        code = 127;
      }
      server.exitStatus(remote, code);
      server.channelEOF(remote);
      server.channelClose(remote);
    });
    server.on(`CHANNEL_CLOSE:${id}`, () => {});
  });
}

/** Client side: opens a session, execs `command`; resolves to { stdout, stderr, code }. */
function exec(client, command) {
  const id = 0;
  return new Promise((resolve, reject) => {
    let remote;
    const out = [];
    const err = [];
    let code = null;
    client.once('error', reject);
    client.once(`CHANNEL_OPEN_FAILURE:${id}`, (info) => reject(new Error(`no session: ${info.description}`)));
    client.once(`CHANNEL_OPEN_CONFIRMATION:${id}`, (info) => {
      remote = info.sender;
      client.exec(remote, command, true);
    });
    client.once(`CHANNEL_FAILURE:${id}`, () => reject(new Error('exec refused')));
    client.on(`CHANNEL_DATA:${id}`, (d) => out.push(d));
    client.on(`CHANNEL_EXTENDED_DATA:${id}`, (type, d) => err.push(d));
    client.on(`CHANNEL_REQUEST:${id}`, (req) => {
      if (req.request === 'exit-status') code = req.code;
    });
    client.once(`CHANNEL_CLOSE:${id}`, () => {
      client.channelClose(remote);
      client.removeListener('error', reject);
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code });
    });
    client.session(id, WINDOW, PACKET);
  });
}

/** Ends both SSH streams: the client says goodbye, both sides end. */
function end({ client, server }) {
  if (client.writable) client.disconnect();
  client.end();
  server.end();
}

/**
 * An SFTP server over in-memory files (OPEN, WRITE, READ, FSTAT, CLOSE),
 * piped to an SFTP client. Resolves to { client, server, files } once the
 * client is ready.
 */
function sftpPair(api) {
  const { SFTPStream } = api;
  const { STATUS_CODE } = SFTPStream;
  const server = new SFTPStream({ server: true });
  const client = new SFTPStream();
  const files = new Map(); // name -> Buffer
  const handles = new Map(); // handle string -> name
  let nextHandle = 0;

  server.on('OPEN', (id, name, flags) => {
    const write = flags & SFTPStream.OPEN_MODE.WRITE;
    if (!files.has(name) && !write) return server.status(id, STATUS_CODE.NO_SUCH_FILE);
    if (write && flags & SFTPStream.OPEN_MODE.TRUNC) files.set(name, Buffer.alloc(0));
    if (!files.has(name)) files.set(name, Buffer.alloc(0));
    const h = Buffer.from(String(nextHandle++));
    handles.set(h.toString(), name);
    server.handle(id, h);
  });
  const nameOf = (h) => handles.get(h.toString());
  server.on('WRITE', (id, h, offset, data) => {
    const name = nameOf(h);
    if (!name) return server.status(id, STATUS_CODE.FAILURE);
    let buf = files.get(name);
    if (buf.length < offset + data.length) buf = Buffer.concat([buf, Buffer.alloc(offset + data.length - buf.length)]);
    data.copy(buf, offset);
    files.set(name, buf);
    server.status(id, STATUS_CODE.OK);
  });
  server.on('READ', (id, h, offset, length) => {
    const name = nameOf(h);
    if (!name) return server.status(id, STATUS_CODE.FAILURE);
    const buf = files.get(name);
    if (offset >= buf.length) return server.status(id, STATUS_CODE.EOF);
    server.data(id, buf.subarray(offset, offset + length));
  });
  server.on('FSTAT', (id, h) => {
    const name = nameOf(h);
    if (!name) return server.status(id, STATUS_CODE.FAILURE);
    server.attrs(id, { mode: 0o100644, size: files.get(name).length, uid: 0, gid: 0, atime: 0, mtime: 0 });
  });
  server.on('CLOSE', (id, h) => {
    server.status(id, handles.delete(h.toString()) ? STATUS_CODE.OK : STATUS_CODE.FAILURE);
  });

  client.pipe(server).pipe(client);
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () => {
      client.removeListener('error', reject);
      resolve({ client, server, files });
    });
  });
}

/** Promisified writeFile and readFile of an SFTPStream client. */
const writeFile = (sftp, name, data) => new Promise((res, rej) => sftp.writeFile(name, data, (e) => (e ? rej(e) : res())));
const readFile = (sftp, name) => new Promise((res, rej) => sftp.readFile(name, (e, d) => (e ? rej(e) : res(d))));

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Everything at once, for the tarball and bundle checks: resolves to a summary. */
async function roundTrip(api) {
  const pair = await connect(api);
  serveExec(pair.server);
  const r = await exec(pair.client, 'echo hello from the server');
  end(pair);

  const sftp = await sftpPair(api);
  const data = crypto.randomBytes(300 * 1024);
  await writeFile(sftp.client, '/up.bin', data);
  const back = await readFile(sftp.client, '/up.bin');
  sftp.client.end();
  return {
    stdout: r.stdout,
    code: r.code,
    sftpBytes: back.length,
    sftpSame: sha256(back) === sha256(data) && sha256(sftp.files.get('/up.bin')) === sha256(data),
  };
}

module.exports = { USER, PASSWORD, hostKey, connect, serveExec, exec, end, sftpPair, writeFile, readFile, sha256, roundTrip };
