'use strict';
// The demo's SSH server, built on SSH2Stream alone (not on ssh2): password
// and public-key login, and session channels with a line-echo shell, a few
// exec commands (echo, cat, sha256sum) and the sftp subsystem over a folder.
// It does its own channel bookkeeping: windows both ways, packet sizes, and
// the write booleans with 'continue'.

const crypto = require('crypto');
const net = require('net');
const { SSH2Stream, SFTPStream, utils, constants } = require('../..');
const { serve } = require('./fs-sftp-server');

const WINDOW = 2 * 1024 * 1024;
const PACKET = 32 * 1024;
const METHODS = ['publickey', 'password'];

/**
 * Listens on host:port (port 0: any free one). `users` maps a name to
 * { password?, keys?: [public key lines] }; `hostKey` is a private key's
 * text; `sftpRoot` the folder SFTP serves. Resolves to { port, close() }.
 */
function startServer({ host = '127.0.0.1', port = 0, hostKey, users, sftpRoot, log = () => {} }) {
  const parsedHost = utils.parseKey(hostKey);
  if (parsedHost instanceof Error) throw parsedHost;
  const hostKeys = { [parsedHost.type]: parsedHost };
  const accounts = new Map(
    Object.entries(users).map(([name, u]) => [name, { password: u.password, keys: (u.keys || []).map(parsePublic).filter(Boolean) }])
  );
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const stream = new SSH2Stream({ server: true, hostKeys, ident: 'ssh2-streams-native-demo' });
    stream.on('error', (err) => {
      log(`connection from ${sock.remoteAddress}:${sock.remotePort}: ${err.message}`);
      sock.destroy();
    });
    sock.pipe(stream).pipe(sock);
    new Connection(stream, accounts, sftpRoot, log);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        port: server.address().port,
        close() {
          for (const s of sockets) s.destroy();
          return new Promise((r) => server.close(r));
        },
      })
    );
  });
}

function parsePublic(line) {
  const key = utils.parseKey(line);
  return key instanceof Error ? null : Array.isArray(key) ? key[0] : key;
}

/** One client: authentication, then its channels. */
class Connection {
  constructor(stream, accounts, sftpRoot, log) {
    this.stream = stream;
    this.sftpRoot = sftpRoot;
    this.log = log;
    this.channels = new Map();
    this.nextId = 0;
    this.waiting = false; // for 'continue'

    stream.on('SERVICE_REQUEST', (service) => {
      if (service === 'ssh-userauth') stream.serviceAccept(service);
      else stream.disconnect(constants.DISCONNECT_REASON.SERVICE_NOT_AVAILABLE);
    });
    stream.on('USERAUTH_REQUEST', (user, service, method, data) => this.authenticate(accounts.get(user), method, data));
    stream.on('CHANNEL_OPEN', (info) => this.open(info));
    stream.on('continue', () => {
      this.waiting = false;
      for (const ch of this.channels.values()) ch.flush();
    });
  }

  authenticate(account, method, data) {
    const s = this.stream;
    if (account && method === 'password' && account.password !== undefined && data === account.password) return s.authSuccess();
    if (account && method === 'publickey') {
      const key = account.keys.find((k) => k.getPublicSSH().equals(data.key));
      // Without a signature the client only asks whether the key would do.
      if (key && !data.signature) return s.authPKOK(data.keyAlgo, data.key);
      if (key && key.verify(data.blob, data.signature)) return s.authSuccess();
    }
    s.authFailure(METHODS);
  }

  open(info) {
    if (info.type !== 'session') {
      this.stream.channelOpenFail(info.sender, constants.CHANNEL_OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE, 'The demo has session channels only', '');
      return;
    }
    const id = this.nextId++;
    const ch = new Channel(this, id, info);
    this.channels.set(id, ch);
    this.stream.channelOpenConfirm(info.sender, id, WINDOW, PACKET);
  }
}

/** A session channel: flow control both ways, then whatever program runs on it. */
class Channel {
  constructor(conn, id, info) {
    this.conn = conn;
    this.stream = conn.stream;
    this.id = id;
    this.remote = info.sender;
    this.remoteWindow = info.window;
    this.remotePacket = Math.max(1, Math.min(info.packetSize, PACKET));
    this.localWindow = WINDOW;
    this.queue = []; // [Buffer, isStderr]
    this.queued = 0;
    this.pty = null;
    this.program = null;
    this.closing = false;
    this.closed = false;

    const s = this.stream;
    s.on(`CHANNEL_REQUEST:${id}`, (req) => this.request(req));
    s.on(`CHANNEL_DATA:${id}`, (data) => this.received(data));
    s.on(`CHANNEL_EOF:${id}`, () => this.program && this.program.eof && this.program.eof());
    s.on(`CHANNEL_WINDOW_ADJUST:${id}`, (amount) => {
      this.remoteWindow += amount;
      this.flush();
    });
    s.on(`CHANNEL_CLOSE:${id}`, () => {
      if (this.program && this.program.close) this.program.close();
      if (!this.closing) s.channelClose(this.remote);
      this.release();
    });
  }

  request(req) {
    let ok = true;
    if (req.request === 'pty-req') this.pty = { cols: req.cols, rows: req.rows };
    else if (req.request === 'window-change' || req.request === 'env' || req.request === 'signal') ok = true;
    else if (this.program) ok = false; // one program per channel
    else if (req.request === 'shell') this.program = shell(this);
    else if (req.request === 'exec') this.program = exec(this, req.command);
    else if (req.request === 'subsystem' && req.subsystem === 'sftp') this.program = sftp(this);
    else ok = false;
    if (req.wantReply) {
      if (ok) this.stream.channelSuccess(this.remote);
      else this.stream.channelFailure(this.remote);
    }
    if (ok && this.program && this.program.start) {
      const start = this.program.start;
      this.program.start = null;
      start();
    }
  }

  received(data) {
    this.localWindow -= data.length;
    if (this.program && this.program.data) this.program.data(data);
    this.adjust();
  }

  /** Grants the client more window, but not while our own output piles up. */
  adjust() {
    if (this.closed || this.localWindow >= WINDOW / 2 || this.queued >= WINDOW) return;
    this.stream.channelWindowAdjust(this.remote, WINDOW - this.localWindow);
    this.localWindow = WINDOW;
  }

  write(data, isStderr = false) {
    if (this.closing || !data.length) return;
    this.queue.push([data, isStderr]);
    this.queued += data.length;
    this.flush();
  }

  /** Sends what the window and the stream allow; the rest waits. */
  flush() {
    const s = this.stream;
    while (this.queue.length && this.remoteWindow > 0 && !this.conn.waiting) {
      const [data, isStderr] = this.queue[0];
      const n = Math.min(data.length, this.remoteWindow, this.remotePacket);
      if (n === data.length) this.queue.shift();
      else this.queue[0][0] = data.subarray(n);
      this.queued -= n;
      this.remoteWindow -= n;
      const more = isStderr ? s.channelExtData(this.remote, data.subarray(0, n), 1) : s.channelData(this.remote, data.subarray(0, n));
      if (!more) this.conn.waiting = true;
    }
    if (!this.queue.length && this.onDrained) {
      const done = this.onDrained;
      this.onDrained = null;
      done();
    }
    this.adjust();
  }

  /** Once all output is out: the exit status, EOF and close. */
  exit(code) {
    if (this.closing) return;
    this.onDrained = () => {
      const s = this.stream;
      s.exitStatus(this.remote, code);
      s.channelEOF(this.remote);
      s.channelClose(this.remote);
      this.closing = true;
    };
    this.flush();
  }

  release() {
    this.closed = true;
    this.conn.channels.delete(this.id);
    for (const ev of ['REQUEST', 'DATA', 'EOF', 'WINDOW_ADJUST', 'CLOSE']) this.stream.removeAllListeners(`CHANNEL_${ev}:${this.id}`);
  }
}

/** A shell that answers each line; `exit` ends it. With a pty it also echoes keystrokes. */
function shell(ch) {
  const nl = ch.pty ? '\r\n' : '\n';
  let line = '';
  const prompt = () => ch.write(Buffer.from('demo$ '));
  const run = (text) => {
    const cmd = text.trim();
    if (cmd === 'exit') return ch.exit(0);
    if (cmd) ch.write(Buffer.from(`you said: ${cmd}${nl}`));
    prompt();
  };
  return {
    start() {
      ch.write(Buffer.from(`Welcome to the ssh2-streams-native demo. Type a line, or exit.${nl}`));
      prompt();
    },
    data(data) {
      for (const c of data.toString('utf8')) {
        if (c === '\r' || c === '\n') {
          if (ch.pty) ch.write(Buffer.from('\r\n'));
          if (c === '\n' && ch.pty && line === '') continue; // \r\n from a pty client
          run(line);
          line = '';
        } else if (c === '\x7f' || c === '\b') {
          if (line) {
            line = line.slice(0, -1);
            if (ch.pty) ch.write(Buffer.from('\b \b'));
          }
        } else if (c === '\x04' && !line) {
          ch.exit(0);
        } else {
          line += c;
          if (ch.pty) ch.write(Buffer.from(c));
        }
      }
    },
    eof: () => ch.exit(0),
  };
}

/** exec: echo, cat (stdin back), sha256sum (of stdin); anything else exits 127. */
function exec(ch, command) {
  const [name, ...args] = String(command).trim().split(/\s+/);
  if (name === 'echo') return { start: () => (ch.write(Buffer.from(`${args.join(' ')}\n`)), ch.exit(0)) };
  if (name === 'cat') return { data: (d) => ch.write(Buffer.from(d)), eof: () => ch.exit(0) };
  if (name === 'sha256sum') {
    const hash = crypto.createHash('sha256');
    return {
      data: (d) => hash.update(d),
      eof: () => {
        ch.write(Buffer.from(`${hash.digest('hex')}  -\n`));
        ch.exit(0);
      },
    };
  }
  return {
    start() {
      ch.write(Buffer.from(`demo: ${name}: command not found (try echo, cat or sha256sum)\n`), true);
      ch.exit(127);
    },
  };
}

/** The sftp subsystem: an SFTPStream server over the folder, carried by the channel. */
function sftp(ch) {
  const stream = new SFTPStream({ server: true });
  serve(stream, ch.conn.sftpRoot);
  stream.on('data', (d) => ch.write(d));
  stream.on('error', (err) => {
    ch.conn.log(`sftp: ${err.message}`);
    ch.exit(1);
  });
  stream.on('end', () => ch.exit(0));
  return {
    data: (d) => stream.write(d),
    eof: () => stream.end(),
    close: () => stream.end(),
  };
}

module.exports = { startServer, WINDOW, PACKET };
