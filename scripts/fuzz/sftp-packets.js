'use strict';
// Hostile SFTP v3 packets (uint32 length, type, body) for the connection
// fuzzer: requests to a server, responses to a client, hellos with
// extensions named after prototype properties, attrs with hostile flags
// and counts, and frames at and past each side's packet limit.

const { NAMES, u32, u64, str, hostileU32, hostileText, encode, name } = require('./dictionary');

const SERVER_MAX = 34001; // what a server takes, type byte included (src/sftp/session.rs)
const CLIENT_MAX = 256 * 1024; // what a client takes
const EXTS = ['posix-rename@openssh.com', 'statvfs@openssh.com', 'fstatvfs@openssh.com', 'hardlink@openssh.com', 'fsync@openssh.com', 'lsetstat@openssh.com', 'expand-path@openssh.com', 'copy-data', 'limits@openssh.com'];

function attrs(r) {
  if (r.chance(0.3)) return Buffer.concat([u32(hostileU32(r)), r.bytes(r.int(40))]);
  const flags = r.chance(0.5) ? r.int(16) | (r.chance(0.3) ? 0x80000000 : 0) : hostileU32(r);
  const parts = [u32(flags)];
  if (flags & 1) parts.push(u64(hostileU32(r), hostileU32(r)));
  if (flags & 2) parts.push(u32(hostileU32(r)), u32(hostileU32(r)));
  if (flags & 4) parts.push(u32(hostileU32(r)));
  if (flags & 8) parts.push(u32(hostileU32(r)), u32(hostileU32(r)));
  if (flags & 0x80000000) {
    const n = r.chance(0.5) ? r.int(4) : hostileU32(r);
    parts.push(u32(n));
    for (let i = 0; i < Math.min(n, 4); i++) parts.push(str(name(r, NAMES)), str(hostileText(r)));
  }
  return Buffer.concat(parts);
}

/** A frame around `body`, its length true, or (rarely) past `max`. */
function frame(r, body, max) {
  if (r.chance(0.03)) {
    const len = r.pick([max + 1, max + 1000, 0x7fffffff, 0x80000000, 0xffffffff]);
    return { buf: Buffer.concat([u32(len), body.subarray(0, 64)]), overLimit: true };
  }
  if (r.chance(0.03)) {
    // Exactly at the limit: the body padded with garbage.
    const pad = Math.max(0, max - body.length);
    body = Buffer.concat([body, Buffer.alloc(pad, 0x41)]).subarray(0, max);
  }
  return { buf: Buffer.concat([u32(body.length), body]), overLimit: false };
}

function hello(r, type) {
  const fields = [Buffer.from([type]), r.chance(0.8) ? 3 : hostileU32(r)];
  const n = r.int(6);
  for (let i = 0; i < n; i++) fields.push(name(r, [...EXTS, ...NAMES]), hostileText(r));
  return encode(r, fields, 0.05);
}

/** A request to a server; `id` is the request id to use. */
function request(r, id) {
  const type = r.chance(0.95) ? 1 + r.int(20) : r.pick([200, 0, 101, 255, r.int(256)]);
  const path = () => name(r, ['/', '.', 'a', '/tmp/x']);
  const handle = () => (r.chance(0.6) ? Buffer.from([0, 0, 0, 0]) : hostileText(r));
  let fields;
  switch (type) {
    case 1:
      return encode(r, [Buffer.from([1]), 3, ...[name(r, EXTS), hostileText(r)]], 0.2);
    case 3:
      fields = [path(), hostileU32(r), attrs(r)];
      break;
    case 4:
    case 8:
    case 12:
      fields = [handle()];
      break;
    case 5:
      fields = [handle(), u64(hostileU32(r), hostileU32(r)), hostileU32(r)];
      break;
    case 6:
      fields = [handle(), u64(hostileU32(r), hostileU32(r)), str(r.bytes(r.int(200)))];
      break;
    case 9:
    case 14:
      fields = [path(), attrs(r)];
      break;
    case 10:
      fields = [handle(), attrs(r)];
      break;
    case 18:
    case 20:
      fields = [path(), path()];
      break;
    case 200:
      fields = [name(r, [...EXTS, ...NAMES]), path(), r.bytes(r.int(40))];
      break;
    default:
      fields = [path()];
  }
  return encode(r, [Buffer.from([type]), id, ...fields], 0.15);
}

/** A response to a client; `id` is the request id to answer. */
function response(r, id) {
  const type = r.chance(0.9) ? r.pick([101, 102, 103, 104, 105, 201]) : r.pick([2, 3, 17, 200, 0, 255, r.int(256)]);
  let fields;
  switch (type) {
    case 2:
      return hello(r, 2);
    case 101:
      fields = [r.chance(0.6) ? r.int(9) : hostileU32(r), hostileText(r), hostileText(r)];
      break;
    case 102:
      fields = [hostileText(r)];
      break;
    case 103:
      fields = [str(r.bytes(r.chance(0.9) ? r.int(300) : r.pick([32768, 65536, CLIENT_MAX - 13])))];
      break;
    case 104: {
      const n = r.chance(0.6) ? r.int(4) : hostileU32(r);
      fields = [n];
      for (let i = 0; i < Math.min(n, 4); i++) fields.push(hostileText(r), hostileText(r), attrs(r));
      break;
    }
    case 105:
      fields = [attrs(r)];
      break;
    default:
      fields = [r.bytes(r.int(40))];
  }
  return encode(r, [Buffer.from([type]), id, ...fields], 0.15);
}

module.exports = { SERVER_MAX, CLIENT_MAX, frame, hello, request, response };
