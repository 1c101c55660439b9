// @ts-check
'use strict';
// SSH2Stream's write methods, with 0.4.10's argument handling and defaults.
// Each hands typed values to the native session, which builds and seals the
// message; the boolean each returns is the backpressure signal of push().

const { SIGNALS, DISCONNECT_REASON } = require('../constants');
const keys = require('../keys');
const utils = require('../utils');
const { modesToBytes, modesFromBytes } = require('./terminal-modes');

const CLIENT_ONLY = 'Client-only method called in server mode';
const SERVER_ONLY = 'Server-only method called in client mode';

// wantReply defaults to true unless explicitly false-ish other than undefined.
const reply = (wantReply) => wantReply === undefined || wantReply === true;
/** @type {(v: unknown, enc?: BufferEncoding) => Buffer} */
const bytes = (v, enc = 'utf8') => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), enc));

function clientOnly(self) {
  if (self.server) throw new Error(CLIENT_ONLY);
}
function serverOnly(self) {
  if (!self.server) throw new Error(SERVER_ONLY);
}

/** @satisfies {ThisType<import('../ssh')>} */
const common = {
  disconnect(reason) {
    if (DISCONNECT_REASON[reason] === undefined || typeof reason !== 'number') reason = DISCONNECT_REASON.BY_APPLICATION;
    this.debug(`DEBUG: Outgoing: Writing DISCONNECT (${DISCONNECT_REASON[reason]})`);
    this._sent(this._native.disconnect(reason));
    this._end();
    return false;
  },
  ping() {
    this.debug('DEBUG: Outgoing: Writing ping (GLOBAL_REQUEST: keepalive@openssh.com)');
    return this._sent(this._native.ping());
  },
  rekey() {
    return this._sent(this._native.rekey());
  },
  requestSuccess(data) {
    return this._sent(this._native.requestSuccess(Buffer.isBuffer(data) ? data : undefined));
  },
  requestFailure() {
    return this._sent(this._native.requestFailure());
  },
  channelSuccess(chan) {
    return this._sent(this._native.channelSuccess(chan >>> 0));
  },
  channelFailure(chan) {
    return this._sent(this._native.channelFailure(chan >>> 0));
  },
  channelEOF(chan) {
    return this._sent(this._native.channelEof(chan >>> 0));
  },
  channelClose(chan) {
    return this._sent(this._native.channelClose(chan >>> 0));
  },
  channelWindowAdjust(chan, amount) {
    return this._sent(this._native.channelWindowAdjust(chan >>> 0, amount >>> 0));
  },
  channelData(chan, data) {
    return this._deferOut(this._native.channelData(chan >>> 0, bytes(data)));
  },
  channelExtData(chan, data, type) {
    return this._deferOut(this._native.channelExtData(chan >>> 0, bytes(data), type >>> 0));
  },
  channelOpenConfirm(remoteChan, localChan, initWindow, maxPacket) {
    return this._sent(
      this._native.channelOpenConfirm(remoteChan >>> 0, localChan >>> 0, initWindow >>> 0, maxPacket >>> 0)
    );
  },
  channelOpenFail(remoteChan, reason, desc, lang) {
    return this._sent(
      this._native.channelOpenFail(
        remoteChan >>> 0,
        reason >>> 0,
        typeof desc === 'string' ? desc : '',
        typeof lang === 'string' ? lang : ''
      )
    );
  },
};

/** @satisfies {ThisType<import('../ssh')>} */
const client = {
  service(svcName) {
    clientOnly(this);
    this.debug(`DEBUG: Outgoing: Writing SERVICE_REQUEST (${svcName})`);
    return this._sent(this._native.serviceRequest(String(svcName)));
  },
  tcpipForward(bindAddr, bindPort, wantReply) {
    clientOnly(this);
    return this._sent(this._native.tcpipForward(String(bindAddr), bindPort >>> 0, reply(wantReply), false));
  },
  cancelTcpipForward(bindAddr, bindPort, wantReply) {
    clientOnly(this);
    return this._sent(this._native.tcpipForward(String(bindAddr), bindPort >>> 0, reply(wantReply), true));
  },
  openssh_streamLocalForward(socketPath, wantReply) {
    clientOnly(this);
    return this._sent(this._native.streamLocalForward(String(socketPath), reply(wantReply), false));
  },
  openssh_cancelStreamLocalForward(socketPath, wantReply) {
    clientOnly(this);
    return this._sent(this._native.streamLocalForward(String(socketPath), reply(wantReply), true));
  },
  openssh_noMoreSessions(wantReply) {
    clientOnly(this);
    return this._sent(this._native.noMoreSessions(reply(wantReply)));
  },
  directTcpip(chan, initWindow, maxPacket, cfg) {
    clientOnly(this);
    return this._sent(
      this._native.openTcpip(
        'direct-tcpip',
        chan >>> 0,
        initWindow >>> 0,
        maxPacket >>> 0,
        String(cfg.dstIP),
        cfg.dstPort >>> 0,
        String(cfg.srcIP),
        cfg.srcPort >>> 0
      )
    );
  },
  openssh_directStreamLocal(chan, initWindow, maxPacket, cfg) {
    clientOnly(this);
    return this._sent(
      this._native.openStreamLocal(
        'direct-streamlocal@openssh.com',
        chan >>> 0,
        initWindow >>> 0,
        maxPacket >>> 0,
        String(cfg.socketPath)
      )
    );
  },
  session(chan, initWindow, maxPacket) {
    clientOnly(this);
    return this._sent(this._native.openSimple('session', chan >>> 0, initWindow >>> 0, maxPacket >>> 0));
  },
  windowChange(chan, rows, cols, height, width) {
    clientOnly(this);
    return this._sent(this._native.reqWindowChange(chan >>> 0, cols >>> 0, rows >>> 0, width >>> 0, height >>> 0));
  },
  pty(chan, rows, cols, height, width, term, modes, wantReply) {
    clientOnly(this);
    if (!term || !term.length) term = 'vt100';
    let modeBytes;
    if (Buffer.isBuffer(modes)) modeBytes = modes;
    else if (Array.isArray(modes)) modeBytes = Buffer.from(modes);
    else if (modes && typeof modes === 'object') modeBytes = modesToBytes(modes);
    if (!modeBytes || !modeBytes.length) modeBytes = Buffer.from([0]);
    return this._sent(
      this._native.reqPty(
        chan >>> 0,
        String(term),
        cols >>> 0,
        rows >>> 0,
        width >>> 0,
        height >>> 0,
        modeBytes,
        reply(wantReply)
      )
    );
  },
  shell(chan, wantReply) {
    clientOnly(this);
    return this._sent(this._native.reqSimple(chan >>> 0, 'shell', reply(wantReply)));
  },
  exec(chan, cmd, wantReply) {
    clientOnly(this);
    return this._sent(this._native.reqString(chan >>> 0, 'exec', bytes(cmd), reply(wantReply)));
  },
  signal(chan, signal) {
    clientOnly(this);
    signal = String(signal).toUpperCase();
    if (signal.slice(0, 3) === 'SIG') signal = signal.substring(3);
    if (SIGNALS.indexOf(signal) === -1) throw new Error(`Invalid signal: ${signal}`);
    return this._sent(this._native.reqString(chan >>> 0, 'signal', Buffer.from(signal), false));
  },
  env(chan, key, val, wantReply) {
    clientOnly(this);
    return this._sent(this._native.reqEnv(chan >>> 0, String(key), bytes(val), reply(wantReply)));
  },
  x11Forward(chan, cfg, wantReply) {
    clientOnly(this);
    return this._sent(
      this._native.reqX11(
        chan >>> 0,
        !!cfg.single,
        bytes(cfg.protocol),
        bytes(cfg.cookie, 'latin1'),
        (cfg.screen || 0) >>> 0,
        reply(wantReply)
      )
    );
  },
  subsystem(chan, name, wantReply) {
    clientOnly(this);
    return this._sent(this._native.reqString(chan >>> 0, 'subsystem', bytes(name), reply(wantReply)));
  },
  openssh_agentForward(chan, wantReply) {
    clientOnly(this);
    return this._sent(this._native.reqSimple(chan >>> 0, 'auth-agent-req@openssh.com', reply(wantReply)));
  },
  authPassword(username, password, newPassword) {
    clientOnly(this);
    return this._sent(
      this._native.authPassword(String(username), String(password), newPassword === undefined ? undefined : String(newPassword))
    );
  },
  authPK(username, pubKey, cbSign) {
    clientOnly(this);
    const { type, blob } = publicKeyOf(pubKey);
    if (typeof cbSign !== 'function') {
      return this._sent(this._native.authPkQuery(String(username), type, blob));
    }
    // The engine picks the signature algorithm (rsa-sha2-* when the server's
    // server-sig-algs allows it) and tags the data, so the app's plain
    // key.sign(data) signs with the hash the server expects.
    const req = this._native.authPkSignData(String(username), type, blob);
    tagForSigning(req);
    cbSign(req.data, (signature) => {
      const sig = toSSHSignature(signature, type);
      this._sent(this._native.authPkSigned(String(username), req.algo, blob, sig));
    });
    return true;
  },
  authHostbased(username, pubKey, hostname, userlocal, cbSign) {
    clientOnly(this);
    const { type, blob } = publicKeyOf(pubKey);
    const req = this._native.authHostbasedSignData(String(username), type, blob, String(hostname), String(userlocal));
    tagForSigning(req);
    cbSign(req.data, (signature) => {
      const sig = toSSHSignature(signature, type);
      this._sent(
        this._native.authHostbasedSigned(String(username), req.algo, blob, String(hostname), String(userlocal), sig)
      );
    });
    return true;
  },
  authKeyboard(username) {
    clientOnly(this);
    return this._sent(this._native.authKeyboard(String(username)));
  },
  authNone(username) {
    clientOnly(this);
    return this._sent(this._native.authNone(String(username)));
  },
  authInfoRes(responses) {
    clientOnly(this);
    return this._sent(this._native.authInfoRes((responses || []).map(String)));
  },
};

/** @satisfies {ThisType<import('../ssh')>} */
const server = {
  serviceAccept(svcName) {
    serverOnly(this);
    this._sent(this._native.serviceAccept(String(svcName)));
    if (this.banner && svcName === 'ssh-userauth') {
      const banner = this.banner;
      this.banner = undefined; // shown once
      this._sent(this._native.userauthBanner(banner));
    }
  },
  forwardedTcpip(chan, initWindow, maxPacket, cfg) {
    serverOnly(this);
    return this._sent(
      this._native.openTcpip(
        'forwarded-tcpip',
        chan >>> 0,
        initWindow >>> 0,
        maxPacket >>> 0,
        String(cfg.boundAddr),
        cfg.boundPort >>> 0,
        String(cfg.remoteAddr),
        cfg.remotePort >>> 0
      )
    );
  },
  x11(chan, initWindow, maxPacket, cfg) {
    serverOnly(this);
    return this._sent(
      this._native.openX11(chan >>> 0, initWindow >>> 0, maxPacket >>> 0, String(cfg.originAddr), cfg.originPort >>> 0)
    );
  },
  openssh_authAgent(chan, initWindow, maxPacket) {
    serverOnly(this);
    return this._sent(
      this._native.openSimple('auth-agent@openssh.com', chan >>> 0, initWindow >>> 0, maxPacket >>> 0)
    );
  },
  openssh_forwardedStreamLocal(chan, initWindow, maxPacket, cfg) {
    serverOnly(this);
    return this._sent(
      this._native.openStreamLocal(
        'forwarded-streamlocal@openssh.com',
        chan >>> 0,
        initWindow >>> 0,
        maxPacket >>> 0,
        String(cfg.socketPath)
      )
    );
  },
  exitStatus(chan, status) {
    serverOnly(this);
    return this._sent(this._native.reqExitStatus(chan >>> 0, status >>> 0));
  },
  exitSignal(chan, name, coreDumped, msg) {
    serverOnly(this);
    return this._sent(this._native.reqExitSignal(chan >>> 0, String(name), !!coreDumped, msg ? String(msg) : ''));
  },
  authFailure(authMethods, isPartial) {
    serverOnly(this);
    if (typeof authMethods === 'boolean') {
      isPartial = authMethods;
      authMethods = undefined;
    }
    const list = (authMethods || []).filter((m) => String(m).toLowerCase() !== 'none').map(String);
    return this._sent(this._native.authFailure(list, isPartial === true));
  },
  authSuccess() {
    serverOnly(this);
    return this._sent(this._native.authSuccess());
  },
  authPKOK(keyAlgo, key) {
    serverOnly(this);
    return this._sent(this._native.authPkOk(String(keyAlgo), bytes(key)));
  },
  authPasswdChg(prompt, lang) {
    serverOnly(this);
    return this._sent(this._native.authPasswdChg(String(prompt), lang ? String(lang) : ''));
  },
  authInfoReq(name, instructions, prompts) {
    serverOnly(this);
    const list = (prompts || []).map((p) => ({ prompt: String(p.prompt), echo: !!p.echo }));
    return this._sent(this._native.authInfoReq(name ? String(name) : '', instructions ? String(instructions) : '', list));
  },
};

/** { type, blob } of a key object (0.4.10's) or a raw public key blob. */
function publicKeyOf(pubKey) {
  if (pubKey && typeof pubKey.getPublicSSH === 'function') return { type: pubKey.type, blob: pubKey.getPublicSSH() };
  const blob = bytes(pubKey);
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return { type: blob.toString('latin1', 4, 4 + len), blob };
}

// A Map, not an object: algorithm names come from the peer, and a name like
// `__proto__` or `toString` must find nothing (issue 16).
const HASH_OF_ALGO = new Map([
  ['rsa-sha2-256', 'sha256'],
  ['rsa-sha2-512', 'sha512'],
]);

// A certificate signs as the key it certifies (PROTOCOL.certkeys):
// rsa-sha2-512-cert-v01@openssh.com hashes as rsa-sha2-512.
const CERT_SUFFIX = '-cert-v01@openssh.com';
const uncertified = (name) => (name.endsWith(CERT_SUFFIX) ? name.slice(0, -CERT_SUFFIX.length) : name);

function tagForSigning(req) {
  const hash = HASH_OF_ALGO.get(uncertified(req.algo));
  if (hash) keys.tagHash(req.data, hash);
}

/** The app's signature (0.4.10's key.sign output, DER for ECDSA/DSA) in SSH form. */
function toSSHSignature(signature, keyType) {
  const sig = bytes(signature);
  keyType = uncertified(keyType);
  if (keyType === 'ssh-dss') return utils.DSASigBERToBare(sig);
  if (keyType.startsWith('ecdsa-sha2-')) return utils.ECDSASigASN1ToSSH(sig);
  return sig;
}

/**
 * Emits USERAUTH_REQUEST with 0.4.10's arguments. For a signed publickey or
 * hostbased request the engine gives the signature without its algorithm
 * wrapper; here it becomes what 0.4.10's key.verify() takes (ASN.1 for
 * ECDSA/DSA), and an rsa-sha2 signature is tagged with its hash and reported
 * under the key's own type, so `ctx.key.algo === pubKey.type` and
 * `pubKey.verify(blob, signature)` keep working in ssh2@0.8 apps. Every
 * signature also carries the algorithm name the peer gave: verify() is false
 * for a key that does not sign under it. The name is looked up in a Map, so
 * a peer's `__proto__` or `toString` is just an unknown name.
 */
function emitUserauthRequest(self, ev) {
  const [, username, service, method, data] = ev;
  let methodData = data;
  if ((method === 'publickey' || method === 'hostbased') && data) {
    // A certificate (PROTOCOL.certkeys) signs as the key it certifies, and
    // rsa-sha2-*-cert-v01 is reported as ssh-rsa-cert-v01, as plain RSA is.
    const signsAs = uncertified(data.keyAlgo);
    const isCert = signsAs !== data.keyAlgo;
    const hash = HASH_OF_ALGO.get(signsAs);
    const keyAlgo = hash ? (isCert ? `ssh-rsa${CERT_SUFFIX}` : 'ssh-rsa') : data.keyAlgo;
    let signature = data.signature;
    if (signature) {
      signature = utils.sigSSHToASN1(signature, hash ? 'ssh-rsa' : signsAs);
      if (hash && signature) keys.tagHash(signature, hash);
      // The name the peer gave, so verify() refuses one the key does not sign under.
      if (signature) keys.tagAlgorithm(signature, data.keyAlgo);
    }
    methodData = {
      keyAlgo,
      key: data.key,
      signature: signature || undefined,
      blob: data.blob,
      localHostname: data.localHostname,
      localUsername: data.localUsername,
    };
  }
  self.emit('USERAUTH_REQUEST', username, service, method, methodData);
}

/** Decodes a CHANNEL_REQUEST pty-req's modes as 0.4.10 did (an object by mode name). */
function decodePtyModes(info) {
  if (info && Buffer.isBuffer(info.modes)) info.modes = modesFromBytes(info.modes);
  return info;
}

/** @typedef {typeof common & typeof client & typeof server} Methods what install() adds to SSH2Stream.prototype */

function install(SSH2Stream) {
  Object.assign(SSH2Stream.prototype, common, client, server);
}

module.exports = { install, emitUserauthRequest, decodePtyModes };
