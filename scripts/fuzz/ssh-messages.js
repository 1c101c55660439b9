'use strict';
// Hostile SSH message payloads (message number + fields) for the
// connection fuzzer, pre-auth and post-auth, to either role. Each builder
// takes the PRNG and the channel numbers the victim knows (`chans`), so
// some messages aim at live channels and some at none.

const { NAMES, u32, str, hostileU32, hostileText, encode, name } = require('./dictionary');

const AUTH_METHODS = ['none', 'password', 'publickey', 'hostbased', 'keyboard-interactive'];
const GLOBAL = ['tcpip-forward', 'cancel-tcpip-forward', 'keepalive@openssh.com', 'no-more-sessions@openssh.com', 'hostkeys-00@openssh.com', 'hostkeys-prove-00@openssh.com', 'streamlocal-forward@openssh.com', 'cancel-streamlocal-forward@openssh.com'];
const OPENS = ['session', 'direct-tcpip', 'forwarded-tcpip', 'x11', 'auth-agent@openssh.com', 'direct-streamlocal@openssh.com', 'forwarded-streamlocal@openssh.com'];
const CHAN_REQS = ['pty-req', 'x11-req', 'env', 'shell', 'exec', 'subsystem', 'window-change', 'xon-xoff', 'signal', 'exit-status', 'exit-signal', 'auth-agent-req@openssh.com', 'keepalive@openssh.com', 'eow@openssh.com'];
const KEX = ['curve25519-sha256', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256', 'ext-info-c', 'kex-strict-c-v00@openssh.com'];
const ALGOS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-256', 'ssh-rsa', 'aes128-ctr', 'chacha20-poly1305@openssh.com', 'hmac-sha2-256', 'none', 'zlib@openssh.com'];

const msg = (r, type, fields, p) => Buffer.concat([Buffer.from([type]), encode(r, fields, p)]);
const recipient = (r, chans) => (chans.length && r.chance(0.6) ? r.pick(chans) : hostileU32(r));
const nameList = (r, known) => {
  const n = r.int(6);
  const out = [];
  for (let i = 0; i < n; i++) out.push(r.chance(0.5) ? r.pick(known) : r.pick(NAMES));
  return r.chance(0.1) ? ','.repeat(r.int(40)) : out.join(',');
};

function userauth(r) {
  const method = name(r, AUTH_METHODS);
  const head = [name(r, ['u', 'root', '']), name(r, ['ssh-connection']), method];
  switch (method) {
    case 'password':
      return msg(r, 50, [...head, r.chance(0.3), hostileText(r), hostileText(r)]);
    case 'publickey':
      return msg(r, 50, [...head, r.chance(0.5), name(r, ALGOS), str(name(r, ALGOS)), hostileText(r)]);
    case 'hostbased':
      return msg(r, 50, [...head, name(r, ALGOS), str(name(r, ALGOS)), hostileText(r), hostileText(r), hostileText(r)]);
    case 'keyboard-interactive':
      return msg(r, 50, [...head, '', name(r, ['pam', ''])]);
    default:
      return msg(r, 50, head);
  }
}

function infoResponse(r) {
  const n = r.chance(0.5) ? r.int(4) : hostileU32(r);
  const fields = [n];
  for (let i = 0; i < Math.min(n, 5); i++) fields.push(hostileText(r));
  return msg(r, 61, fields);
}

function infoRequest(r) {
  const n = r.chance(0.5) ? r.int(4) : hostileU32(r);
  const fields = [hostileText(r), hostileText(r), '', n];
  for (let i = 0; i < Math.min(n, 5); i++) fields.push(hostileText(r), r.chance(0.5));
  return msg(r, 60, fields);
}

function kexinit(r) {
  const lists = [];
  for (let i = 0; i < 10; i++) lists.push(nameList(r, i === 0 ? KEX : ALGOS));
  return msg(r, 20, [r.bytes(16), ...lists, r.chance(0.2), 0], 0.1);
}

function channelRequest(r, chans) {
  const type = name(r, CHAN_REQS);
  const head = [recipient(r, chans), type, r.chance(0.7)];
  switch (type) {
    case 'pty-req':
      return msg(r, 98, [...head, hostileText(r), hostileU32(r), hostileU32(r), hostileU32(r), hostileU32(r), r.chance(0.5) ? Buffer.concat([u32(5), Buffer.from([1, 0, 0, 0, 0])]) : str(r.bytes(r.int(50)))]);
    case 'x11-req':
      return msg(r, 98, [...head, r.chance(0.5), hostileText(r), hostileText(r), hostileU32(r)]);
    case 'env':
      return msg(r, 98, [...head, name(r, ['LANG', 'PATH']), hostileText(r)]);
    case 'exec':
    case 'subsystem':
      return msg(r, 98, [...head, name(r, ['sftp', 'ls'])]);
    case 'window-change':
      return msg(r, 98, [...head, hostileU32(r), hostileU32(r), hostileU32(r), hostileU32(r)]);
    case 'signal':
      return msg(r, 98, [...head, name(r, ['INT', 'KILL', 'TERM'])]);
    case 'exit-status':
      return msg(r, 98, [...head, hostileU32(r)]);
    case 'exit-signal':
      return msg(r, 98, [...head, name(r, ['INT', 'KILL']), r.chance(0.5), hostileText(r), '']);
    case 'xon-xoff':
      return msg(r, 98, [...head, r.chance(0.5)]);
    default:
      return msg(r, 98, head);
  }
}

function channelOpen(r) {
  const type = name(r, OPENS);
  const head = [type, hostileU32(r), hostileU32(r), hostileU32(r)];
  if (/tcpip/.test(type)) return msg(r, 90, [...head, hostileText(r), hostileU32(r), hostileText(r), hostileU32(r)]);
  if (/streamlocal/.test(type)) return msg(r, 90, [...head, hostileText(r), hostileText(r), hostileU32(r)]);
  if (type === 'x11') return msg(r, 90, [...head, hostileText(r), hostileU32(r)]);
  return msg(r, 90, head);
}

/** Transport-layer messages, valid in any state. */
function transport(r) {
  switch (r.int(7)) {
    case 0:
      return msg(r, 1, [hostileU32(r), hostileText(r), hostileText(r)]);
    case 1:
      return msg(r, 2, [hostileText(r)]);
    case 2:
      return msg(r, 3, [hostileU32(r)]);
    case 3:
      return msg(r, 4, [r.chance(0.5), hostileText(r), hostileText(r)]);
    case 4:
      return kexinit(r);
    case 5:
      // Unknown or out-of-place message numbers, with random bodies.
      return Buffer.concat([Buffer.from([r.int(256)]), r.bytes(r.int(48))]);
    default:
      return Buffer.from([r.pick([1, 2, 3, 4, 5, 6, 20, 21, 30, 31, 50, 51, 52, 60, 80, 90, 98])]);
  }
}

/** Before USERAUTH_SUCCESS: to a server (`toServer`) or to a client. */
function preAuth(r, toServer) {
  if (r.chance(0.25)) return transport(r);
  if (toServer) {
    switch (r.int(4)) {
      case 0:
        return msg(r, 5, [name(r, ['ssh-userauth', 'ssh-connection'])]);
      case 1:
        return infoResponse(r);
      default:
        return userauth(r);
    }
  }
  switch (r.int(5)) {
    case 0:
      return msg(r, 6, [name(r, ['ssh-userauth'])]);
    case 1:
      return msg(r, 51, [nameList(r, AUTH_METHODS), r.chance(0.3)]);
    case 2:
      return msg(r, 53, [hostileText(r), hostileText(r)]);
    case 3:
      return infoRequest(r);
    default:
      return msg(r, 60, [name(r, ALGOS), str(hostileText(r))]);
  }
}

/** After USERAUTH_SUCCESS, to either role; `chans` are the victim's channel numbers. */
function postAuth(r, chans) {
  switch (r.int(14)) {
    case 0:
      return transport(r);
    case 1:
      return msg(r, 80, [name(r, GLOBAL), r.chance(0.6), hostileText(r), hostileU32(r)]);
    case 2:
      return msg(r, r.pick([81, 82]), r.chance(0.5) ? [hostileU32(r)] : []);
    case 3:
    case 4:
      return channelOpen(r);
    case 5:
      return msg(r, 91, [recipient(r, chans), hostileU32(r), hostileU32(r), hostileU32(r)]);
    case 6:
      return msg(r, 92, [recipient(r, chans), hostileU32(r), hostileText(r), hostileText(r)]);
    case 7:
      return msg(r, 93, [recipient(r, chans), hostileU32(r)]);
    case 8:
      return msg(r, 94, [recipient(r, chans), str(r.bytes(r.int(300)))]);
    case 9:
      return msg(r, 95, [recipient(r, chans), hostileU32(r), str(r.bytes(r.int(300)))]);
    case 10:
      return msg(r, r.pick([96, 97, 99, 100]), [recipient(r, chans)]);
    case 11:
      return r.chance(0.5) ? userauth(r) : msg(r, 5, [name(r, ['ssh-userauth', 'ssh-connection'])]);
    default:
      return channelRequest(r, chans);
  }
}

module.exports = { preAuth, postAuth };
