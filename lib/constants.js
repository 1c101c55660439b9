// @ts-check
'use strict';
// Protocol constants with the names and values ssh2-streams@0.4.10 exported.
// The negotiable algorithm lists come from the engine's registry
// (src/transport/algorithms.rs), the one place they are kept.

const native = require('./binding');

/** Adds the reverse mapping (value -> name) that 0.4.10's tables carry. */
function withReverse(table) {
  for (const name of Object.keys(table)) table[table[name]] = name;
  return table;
}

// RFC 4250 section 4.1.
const MESSAGE = withReverse({
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  KEXINIT: 20,
  NEWKEYS: 21,
  USERAUTH_REQUEST: 50,
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  USERAUTH_BANNER: 53,
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_EXTENDED_DATA: 95,
  CHANNEL_EOF: 96,
  CHANNEL_CLOSE: 97,
  CHANNEL_REQUEST: 98,
  CHANNEL_SUCCESS: 99,
  CHANNEL_FAILURE: 100,
});
// Numbers whose meaning depends on the kex method or auth method in use:
// no reverse mapping for these.
Object.assign(MESSAGE, {
  KEXDH_INIT: 30,
  KEXDH_REPLY: 31,
  KEXDH_GEX_REQUEST: 34,
  KEXDH_GEX_GROUP: 31,
  KEXDH_GEX_INIT: 32,
  KEXDH_GEX_REPLY: 33,
  KEXECDH_INIT: 30,
  KEXECDH_REPLY: 31,
  USERAUTH_PASSWD_CHANGEREQ: 60,
  USERAUTH_PK_OK: 60,
  USERAUTH_INFO_REQUEST: 60,
  USERAUTH_INFO_RESPONSE: 61,
});

const DYNAMIC_KEXDH_MESSAGE = { 31: 'KEXDH_GEX_GROUP', 33: 'KEXDH_GEX_REPLY' };
const KEXDH_MESSAGE = { 30: 'KEXDH_INIT', 31: 'KEXDH_REPLY' };

// The reason names (RFC 4250 4.2.2 and 4.3) are the engine's tables, by
// code - 1; 0.4.10 exported them as name -> code (and back).
const tables = native.protocolTables();

/** `names[i]` is code i + 1: 0.4.10's name -> code table, with the reverse. */
function fromNames(names) {
  const table = {};
  names.forEach((name, i) => {
    table[name] = i + 1;
  });
  return withReverse(table);
}

const DISCONNECT_REASON = fromNames(tables.disconnectReasons);
const CHANNEL_OPEN_FAILURE = fromNames(tables.openFailureReasons);

// RFC 4254 section 8 (opcodes of encoded terminal modes).
const TERMINAL_MODE = withReverse({
  TTY_OP_END: 0,
  VINTR: 1,
  VQUIT: 2,
  VERASE: 3,
  VKILL: 4,
  VEOF: 5,
  VEOL: 6,
  VEOL2: 7,
  VSTART: 8,
  VSTOP: 9,
  VSUSP: 10,
  VDSUSP: 11,
  VREPRINT: 12,
  VWERASE: 13,
  VLNEXT: 14,
  VFLUSH: 15,
  VSWTCH: 16,
  VSTATUS: 17,
  VDISCARD: 18,
  IGNPAR: 30,
  PARMRK: 31,
  INPCK: 32,
  ISTRIP: 33,
  INLCR: 34,
  IGNCR: 35,
  ICRNL: 36,
  IUCLC: 37,
  IXON: 38,
  IXANY: 39,
  IXOFF: 40,
  IMAXBEL: 41,
  ISIG: 50,
  ICANON: 51,
  XCASE: 52,
  ECHO: 53,
  ECHOE: 54,
  ECHOK: 55,
  ECHONL: 56,
  NOFLSH: 57,
  TOSTOP: 58,
  IEXTEN: 59,
  ECHOCTL: 60,
  ECHOKE: 61,
  PENDIN: 62,
  OPOST: 70,
  OLCUC: 71,
  ONLCR: 72,
  OCRNL: 73,
  ONOCR: 74,
  ONLRET: 75,
  CS7: 90,
  CS8: 91,
  PARENB: 92,
  PARODD: 93,
  TTY_OP_ISPEED: 128,
  TTY_OP_OSPEED: 129,
});

// RFC 4254 section 5.2.
const CHANNEL_EXTENDED_DATATYPE = withReverse({ STDERR: 1 });

// RFC 4254 section 6.10: signal names without "SIG".
const SIGNALS = ['ABRT', 'ALRM', 'FPE', 'HUP', 'ILL', 'INT', 'QUIT', 'SEGV', 'TERM', 'USR1', 'USR2', 'KILL', 'PIPE'];

// Block, key, IV and tag sizes in bytes, the RC4 keystream discard, and
// whether the cipher is a stream cipher, as 0.4.10 described each name.
function cipherInfo(blockLen, keyLen, ivLen, authLen, discardLen, stream) {
  return { blockLen, keyLen, ivLen: ivLen === 0 ? blockLen : ivLen, authLen, discardLen, stream };
}
const CIPHER_INFO = {};
for (const [names, info] of /** @type {Array<[string[], ReturnType<typeof cipherInfo>]>} */ ([
  [['aes128-gcm', 'aes128-gcm@openssh.com'], cipherInfo(16, 16, 12, 16, 0, false)],
  [['aes256-gcm', 'aes256-gcm@openssh.com'], cipherInfo(16, 32, 12, 16, 0, false)],
  [['aes128-cbc', 'camellia128-cbc', 'camellia128-cbc@openssh.com'], cipherInfo(16, 16, 0, 0, 0, false)],
  [['aes192-cbc', 'camellia192-cbc', 'camellia192-cbc@openssh.com'], cipherInfo(16, 24, 0, 0, 0, false)],
  [['aes256-cbc', 'rijndael-cbc@lysator.liu.se', 'camellia256-cbc', 'camellia256-cbc@openssh.com'], cipherInfo(16, 32, 0, 0, 0, false)],
  [['3des-cbc'], cipherInfo(8, 24, 0, 0, 0, false)],
  [['blowfish-cbc', 'idea-cbc', 'cast128-cbc'], cipherInfo(8, 16, 0, 0, 0, false)],
  [['aes128-ctr', 'camellia128-ctr', 'camellia128-ctr@openssh.com'], cipherInfo(16, 16, 0, 0, 0, false)],
  [['aes192-ctr', 'camellia192-ctr', 'camellia192-ctr@openssh.com'], cipherInfo(16, 24, 0, 0, 0, false)],
  [['aes256-ctr', 'camellia256-ctr', 'camellia256-ctr@openssh.com'], cipherInfo(16, 32, 0, 0, 0, false)],
  [['3des-ctr'], cipherInfo(8, 24, 0, 0, 0, false)],
  [['blowfish-ctr', 'cast128-ctr'], cipherInfo(8, 16, 0, 0, 0, false)],
  [['arcfour', 'arcfour128'], cipherInfo(8, 16, 0, 0, 1536, true)],
  [['arcfour256'], cipherInfo(8, 32, 0, 0, 1536, true)],
  [['arcfour512'], cipherInfo(8, 64, 0, 0, 1536, true)],
  // Beyond 0.4.10: 64 bytes of key material, 8-byte blocks, a 16-byte tag
  // (PROTOCOL.chacha20poly1305); the sequence number is the nonce.
  [['chacha20-poly1305@openssh.com'], cipherInfo(8, 64, 0, 16, 0, true)],
])) {
  for (const name of names) CIPHER_INFO[name] = info;
}

// MAC output length and the length sent (the -96 forms truncate).
const HMAC_INFO = {};
for (const [name, len, actualLen] of [
  ['hmac-md5', 16, 16],
  ['hmac-md5-96', 16, 12],
  ['hmac-ripemd160', 20, 20],
  ['hmac-sha1', 20, 20],
  ['hmac-sha1-96', 20, 12],
  ['hmac-sha2-256', 32, 32],
  ['hmac-sha2-256-96', 32, 12],
  ['hmac-sha2-512', 64, 64],
  ['hmac-sha2-512-96', 64, 12],
]) {
  HMAC_INFO[name] = { len, actualLen };
}
// The -etm@openssh.com forms have the sizes of their plain forms.
for (const base of ['hmac-sha1', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-md5', 'hmac-sha1-96', 'hmac-md5-96']) {
  HMAC_INFO[`${base}-etm@openssh.com`] = { ...HMAC_INFO[base] };
}

// The OpenSSL names 0.4.10 mapped SSH algorithm names to.
const SSH_TO_OPENSSL = {
  'ecdh-sha2-nistp256': 'prime256v1',
  'ecdh-sha2-nistp384': 'secp384r1',
  'ecdh-sha2-nistp521': 'secp521r1',
  'aes128-gcm': 'aes-128-gcm',
  'aes256-gcm': 'aes-256-gcm',
  'aes128-gcm@openssh.com': 'aes-128-gcm',
  'aes256-gcm@openssh.com': 'aes-256-gcm',
  '3des-cbc': 'des-ede3-cbc',
  'blowfish-cbc': 'bf-cbc',
  'aes256-cbc': 'aes-256-cbc',
  'aes192-cbc': 'aes-192-cbc',
  'aes128-cbc': 'aes-128-cbc',
  'idea-cbc': 'idea-cbc',
  'cast128-cbc': 'cast-cbc',
  'rijndael-cbc@lysator.liu.se': 'aes-256-cbc',
  arcfour128: 'rc4',
  arcfour256: 'rc4',
  arcfour512: 'rc4',
  arcfour: 'rc4',
  'camellia128-cbc': 'camellia-128-cbc',
  'camellia192-cbc': 'camellia-192-cbc',
  'camellia256-cbc': 'camellia-256-cbc',
  'camellia128-cbc@openssh.com': 'camellia-128-cbc',
  'camellia192-cbc@openssh.com': 'camellia-192-cbc',
  'camellia256-cbc@openssh.com': 'camellia-256-cbc',
  '3des-ctr': 'des-ede3',
  'blowfish-ctr': 'bf-ecb',
  'aes256-ctr': 'aes-256-ctr',
  'aes192-ctr': 'aes-192-ctr',
  'aes128-ctr': 'aes-128-ctr',
  'cast128-ctr': 'cast5-ecb',
  'camellia128-ctr': 'camellia-128-ecb',
  'camellia192-ctr': 'camellia-192-ecb',
  'camellia256-ctr': 'camellia-256-ecb',
  'camellia128-ctr@openssh.com': 'camellia-128-ecb',
  'camellia192-ctr@openssh.com': 'camellia-192-ecb',
  'camellia256-ctr@openssh.com': 'camellia-256-ecb',
  'hmac-sha1-96': 'sha1',
  'hmac-sha1': 'sha1',
  'hmac-sha2-256': 'sha256',
  'hmac-sha2-256-96': 'sha256',
  'hmac-sha2-512': 'sha512',
  'hmac-sha2-512-96': 'sha512',
  'hmac-md5-96': 'md5',
  'hmac-md5': 'md5',
  'hmac-ripemd160': 'ripemd160',
};

// The peer's known bugs, found by the engine from the software version in
// its ident (src/transport/quirks.rs, the one table) and shown on
// SSH2Stream#remoteBugs; 0.4.10 exported the flags and the rules.
const BUGS = {};
for (const { name, bug } of tables.buggyImpls) BUGS[name] = bug;
/** @type {Array<[string | RegExp, number]>} */
const BUGGY_IMPLS = tables.buggyImpls.map(({ pattern, regex, bug }) => [regex ? new RegExp(pattern) : pattern, bug]);

/**
 * 0.4.10's ALGORITHMS shape from the engine's registry: KEX (what is
 * offered by default), KEX_BUF (the same as a comma-joined Buffer) and
 * SUPPORTED_KEX (everything an app may ask for), likewise for the rest.
 */
function algorithms() {
  const reg = native.algorithms();
  const out = {};
  /** @type {Array<[string, import('./native').NameList]>} */
  const lists = [
    ['KEX', reg.kex],
    ['SERVER_HOST_KEY', reg.serverHostKey],
    ['CIPHER', reg.cipher],
    ['HMAC', reg.hmac],
    ['COMPRESS', reg.compress],
  ];
  for (const [key, list] of lists) {
    out[key] = list.default.slice();
    out[`${key}_BUF`] = Buffer.from(list.default.join(','), 'ascii');
    out[`SUPPORTED_${key}`] = list.default.concat(list.extra);
  }
  return out;
}

module.exports = {
  MESSAGE,
  DYNAMIC_KEXDH_MESSAGE,
  KEXDH_MESSAGE,
  DISCONNECT_REASON,
  CHANNEL_OPEN_FAILURE,
  TERMINAL_MODE,
  CHANNEL_EXTENDED_DATATYPE,
  SIGNALS,
  CIPHER_INFO,
  HMAC_INFO,
  ALGORITHMS: algorithms(),
  SSH_TO_OPENSSL,
  BUGS,
  BUGGY_IMPLS,
  // The engine always has Ed25519 and Curve25519 (aws-lc-rs).
  EDDSA_SUPPORTED: true,
  CURVE25519_SUPPORTED: true,
};
