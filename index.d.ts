// Types for ssh2-streams-native: the public API of ssh2-streams@0.4.10
// (plus the seed README's privateKey/passphrase, decryptKey, genPublicKey).

/// <reference types="node" />

import { Duplex, Readable, Writable } from 'stream';

// ---------------------------------------------------------------- keys

export type KeyHash = 'sha1' | 'sha256' | 'sha512';

/** A key returned by `utils.parseKey`. */
export interface ParsedKey {
  /** 'ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', ... */
  type: string;
  comment: string;
  /** A signature in 0.4.10's form (raw RSA/Ed25519, DER DSA/ECDSA), or an Error. */
  sign(data: Buffer | string, hash?: KeyHash): Buffer | Error;
  verify(data: Buffer | string, signature: Buffer, hash?: KeyHash): boolean | Error;
  isPrivateKey(): boolean;
  getPrivatePEM(): string | null;
  getPublicPEM(): string;
  getPublicSSH(): Buffer;
  equals(other: ParsedKey | Buffer | string): boolean;
}

// ---------------------------------------------------------------- SSH2Stream

export interface Algorithms {
  kex?: string[];
  serverHostKey?: string[];
  cipher?: string[];
  hmac?: string[];
  compress?: string[];
}

export interface SSH2StreamConfig {
  server?: boolean;
  /** Server: host keys by type: parsed keys or key data. */
  hostKeys?: { [keyType: string]: ParsedKey | Buffer | string };
  /** Server, seed API: one host key and its passphrase. */
  privateKey?: Buffer | string;
  passphrase?: Buffer | string;
  /** Server: text sent before the identification line. */
  greeting?: string;
  /** Server: USERAUTH_BANNER text sent once the userauth service is accepted. */
  banner?: string;
  /** Software part of the identification string. */
  ident?: string;
  maxPacketSize?: number;
  highWaterMark?: number;
  algorithms?: Algorithms;
  debug?: (msg: string) => void;
}

export interface HeaderInfo {
  identRaw: string;
  versions: { protocol: string; software: string };
  comments?: string;
  greeting?: string;
}

export interface ChannelOpenInfo {
  type: string;
  sender: number;
  window: number;
  packetSize: number;
  data: {
    destIP?: string;
    destPort?: number;
    srcIP?: string;
    srcPort?: number;
    socketPath?: string;
  };
}

export interface ChannelOpenConfirmationInfo {
  recipient: number;
  sender: number;
  window: number;
  packetSize: number;
  data?: Buffer;
}

export interface ChannelOpenFailureInfo {
  recipient: number;
  reasonCode: number;
  reason?: string;
  description: string;
  lang: string;
}

export interface ChannelRequestInfo {
  recipient: number;
  request: string;
  wantReply: boolean;
  [field: string]: unknown;
}

export interface PublicKeyAuthData {
  keyAlgo: string;
  key: Buffer;
  signature?: Buffer;
  blob?: Buffer;
  localHostname?: string;
  localUsername?: string;
}

export interface Prompt {
  prompt: string;
  echo?: boolean;
}

export interface TcpipConfig {
  srcIP: string;
  srcPort: number;
  dstIP: string;
  dstPort: number;
}

export interface ForwardedTcpipConfig {
  boundAddr: string;
  boundPort: number;
  remoteAddr: string;
  remotePort: number;
}

export interface X11ForwardConfig {
  single?: boolean;
  protocol: string | Buffer;
  cookie: string | Buffer;
  screen?: number;
}

export type SignCallback = (blob: Buffer, done: (signature: Buffer) => void) => void;

export declare class SSH2Stream extends Duplex {
  constructor(config?: SSH2StreamConfig);

  readonly server: boolean;
  bytesSent: number;
  bytesReceived: number;
  remoteBugs: number;
  maxPacketSize: number;
  banner?: string;
  config: { ident: string; algorithms: Algorithms; hostKeys?: SSH2StreamConfig['hostKeys'] };
  debug: (msg: string) => void;

  // Both ends
  disconnect(reason?: number): boolean;
  ping(): boolean;
  rekey(): boolean;
  reset(): void;
  requestSuccess(data?: Buffer): boolean;
  requestFailure(): boolean;
  channelSuccess(channel: number): boolean;
  channelFailure(channel: number): boolean;
  channelEOF(channel: number): boolean;
  channelClose(channel: number): boolean;
  channelWindowAdjust(channel: number, amount: number): boolean;
  channelData(channel: number, data: Buffer | string): boolean;
  channelExtData(channel: number, data: Buffer | string, type: number): boolean;
  channelOpenConfirm(remoteChannel: number, localChannel: number, initWindow: number, maxPacket: number): boolean;
  channelOpenFail(remoteChannel: number, reason: number, description?: string, lang?: string): boolean;

  // Client
  service(serviceName: string): boolean;
  tcpipForward(bindAddr: string, bindPort: number, wantReply?: boolean): boolean;
  cancelTcpipForward(bindAddr: string, bindPort: number, wantReply?: boolean): boolean;
  openssh_streamLocalForward(socketPath: string, wantReply?: boolean): boolean;
  openssh_cancelStreamLocalForward(socketPath: string, wantReply?: boolean): boolean;
  openssh_noMoreSessions(wantReply?: boolean): boolean;
  directTcpip(channel: number, initWindow: number, maxPacket: number, config: TcpipConfig): boolean;
  openssh_directStreamLocal(channel: number, initWindow: number, maxPacket: number, config: { socketPath: string }): boolean;
  session(channel: number, initWindow: number, maxPacket: number): boolean;
  windowChange(channel: number, rows: number, cols: number, height: number, width: number): boolean;
  pty(
    channel: number,
    rows: number,
    cols: number,
    height: number,
    width: number,
    terminalType?: string,
    terminalModes?: Buffer | number[] | { [mode: string]: number },
    wantReply?: boolean
  ): boolean;
  shell(channel: number, wantReply?: boolean): boolean;
  exec(channel: number, command: string | Buffer, wantReply?: boolean): boolean;
  signal(channel: number, signalName: string): boolean;
  env(channel: number, key: string, value: string | Buffer, wantReply?: boolean): boolean;
  x11Forward(channel: number, config: X11ForwardConfig, wantReply?: boolean): boolean;
  subsystem(channel: number, name: string, wantReply?: boolean): boolean;
  openssh_agentForward(channel: number, wantReply?: boolean): boolean;
  authPassword(username: string, password: string, newPassword?: string): boolean;
  authPK(username: string, pubKey: ParsedKey | Buffer, cbSign?: SignCallback): boolean;
  authHostbased(username: string, pubKey: ParsedKey | Buffer, localHostname: string, localUsername: string, cbSign: SignCallback): boolean;
  authKeyboard(username: string): boolean;
  authNone(username: string): boolean;
  authInfoRes(responses?: string[]): boolean;

  // Server
  serviceAccept(serviceName: string): void;
  forwardedTcpip(channel: number, initWindow: number, maxPacket: number, config: ForwardedTcpipConfig): boolean;
  x11(channel: number, initWindow: number, maxPacket: number, config: { originAddr: string; originPort: number }): boolean;
  openssh_authAgent(channel: number, initWindow: number, maxPacket: number): boolean;
  openssh_forwardedStreamLocal(channel: number, initWindow: number, maxPacket: number, config: { socketPath: string }): boolean;
  exitStatus(channel: number, exitStatus: number): boolean;
  exitSignal(channel: number, signalName: string, coreDumped: boolean, errorMessage?: string): boolean;
  authFailure(authMethods?: string[] | boolean, isPartial?: boolean): boolean;
  authSuccess(): boolean;
  authPKOK(keyAlgorithm: string, keyData: Buffer): boolean;
  authPasswdChg(prompt: string, lang?: string): boolean;
  authInfoReq(name: string, instructions: string, prompts: Prompt[]): boolean;

  /** 0.4.10's internal send, used by tests that inject raw packets. */
  static _send(stream: SSH2Stream, payload: Buffer, cb?: () => void, bypass?: boolean): boolean;

  on(event: 'header', listener: (header: HeaderInfo) => void): this;
  on(event: 'ready' | 'continue' | 'NEWKEYS' | 'packet' | 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error & { level?: string; code?: number }) => void): this;
  on(event: 'fingerprint', listener: (hostKey: Buffer, verify: (ok: boolean) => void) => void): this;
  on(event: 'DISCONNECT', listener: (reason: string, code: number, description: string, lang: string) => void): this;
  on(event: 'DEBUG', listener: (message: string, lang: string) => void): this;
  on(event: 'SERVICE_REQUEST' | 'SERVICE_ACCEPT', listener: (serviceName: string) => void): this;
  on(
    event: 'USERAUTH_REQUEST',
    listener: (username: string, serviceName: string, method: string, methodData?: string | PublicKeyAuthData | Buffer) => void
  ): this;
  on(event: 'USERAUTH_SUCCESS' | 'USERAUTH_PK_OK', listener: () => void): this;
  on(event: 'USERAUTH_FAILURE', listener: (methodsLeft: string[], partialSuccess: boolean) => void): this;
  on(event: 'USERAUTH_BANNER' | 'USERAUTH_PASSWD_CHANGEREQ', listener: (message: string, lang: string) => void): this;
  on(event: 'USERAUTH_INFO_REQUEST', listener: (name: string, instructions: string, lang: string, prompts: Prompt[]) => void): this;
  on(event: 'USERAUTH_INFO_RESPONSE', listener: (responses: string[]) => void): this;
  on(event: 'GLOBAL_REQUEST', listener: (requestName: string, wantReply: boolean, requestData?: unknown) => void): this;
  on(event: 'REQUEST_SUCCESS', listener: (responseData?: Buffer) => void): this;
  on(event: 'REQUEST_FAILURE', listener: () => void): this;
  on(event: 'CHANNEL_OPEN', listener: (info: ChannelOpenInfo) => void): this;
  on(event: `CHANNEL_OPEN_CONFIRMATION:${number}`, listener: (info: ChannelOpenConfirmationInfo) => void): this;
  on(event: `CHANNEL_OPEN_FAILURE:${number}`, listener: (info: ChannelOpenFailureInfo) => void): this;
  on(event: `CHANNEL_DATA:${number}`, listener: (data: Buffer) => void): this;
  on(event: `CHANNEL_EXTENDED_DATA:${number}`, listener: (type: number, data: Buffer) => void): this;
  on(event: `CHANNEL_WINDOW_ADJUST:${number}`, listener: (bytesToAdd: number) => void): this;
  on(event: `CHANNEL_SUCCESS:${number}` | `CHANNEL_FAILURE:${number}` | `CHANNEL_EOF:${number}` | `CHANNEL_CLOSE:${number}`, listener: () => void): this;
  on(event: `CHANNEL_REQUEST:${number}`, listener: (info: ChannelRequestInfo) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

// ---------------------------------------------------------------- SFTPStream

export interface Attributes {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: number | Date;
  mtime?: number | Date;
}

export declare class Stats implements Attributes {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: number;
  mtime?: number;
  isDirectory(): boolean;
  isFile(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

export interface FileEntry {
  filename: string;
  longname: string;
  attrs: Stats;
}

export interface TransferOptions {
  concurrency?: number;
  chunkSize?: number;
  step?: (totalTransferred: number, chunk: number, total: number) => void;
  mode?: number | string;
}

export interface ReadStreamOptions {
  flags?: string;
  encoding?: BufferEncoding | null;
  handle?: Buffer | null;
  mode?: number;
  autoClose?: boolean;
  start?: number;
  end?: number;
  highWaterMark?: number;
}

export interface WriteStreamOptions {
  flags?: string;
  encoding?: BufferEncoding | null;
  mode?: number;
  autoClose?: boolean;
  start?: number;
}

export interface StatVFS {
  f_bsize: number;
  f_frsize: number;
  f_blocks: number;
  f_bfree: number;
  f_bavail: number;
  f_files: number;
  f_ffree: number;
  f_favail: number;
  f_sid: number;
  f_flag: number;
  f_namemax: number;
}

/** limits@openssh.com, once the server answered it (client side). */
export interface SFTPLimits {
  maxPacketLength: number;
  maxReadLength: number;
  maxWriteLength: number;
  maxOpenHandles: number;
}

/** What createReadStream gives: an fs.ReadStream over an SFTP handle. */
export interface SFTPReadStream extends Readable {
  path: string;
  flags: string;
  mode: number;
  start: number | undefined;
  end: number;
  pos: number;
  bytesRead: number;
  handle: Buffer | null;
  readonly pending: boolean;
  close(callback?: (err?: Error | null) => void): void;
  on(event: 'open', listener: (handle: Buffer) => void): this;
  on(event: 'ready' | 'close' | 'end', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** What createWriteStream gives: an fs.WriteStream over an SFTP handle. */
export interface SFTPWriteStream extends Writable {
  path: string;
  flags: string;
  mode: number;
  start: number | undefined;
  pos: number;
  bytesWritten: number;
  handle: Buffer | null;
  readonly pending: boolean;
  close(callback?: (err?: Error | null) => void): void;
  destroySoon(): void;
  on(event: 'open', listener: (handle: Buffer) => void): this;
  on(event: 'ready' | 'close' | 'finish', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

type Cb = (err?: Error | null) => void;

export interface SFTPStreamConfig {
  server?: boolean;
  highWaterMark?: number;
  debug?: (msg: string) => void;
  /** Server: extensions to advertise in VERSION, { name: data }; their requests arrive as 'EXTENDED'. */
  extensions?: { [name: string]: string };
}

export declare class SFTPStream extends Duplex {
  constructor(config?: SFTPStreamConfig, remoteIdentRaw?: string);

  static STATUS_CODE: {
    OK: 0;
    EOF: 1;
    NO_SUCH_FILE: 2;
    PERMISSION_DENIED: 3;
    FAILURE: 4;
    BAD_MESSAGE: 5;
    NO_CONNECTION: 6;
    CONNECTION_LOST: 7;
    OP_UNSUPPORTED: 8;
    [name: string]: number;
  };
  static OPEN_MODE: { READ: 1; WRITE: 2; APPEND: 4; CREAT: 8; TRUNC: 16; EXCL: 32; [name: string]: number };
  static stringToFlags(flags: string): number | null;
  static flagsToString(flags: number): string | null;
  static Stats: typeof Stats;

  // Client
  fastGet(remotePath: string, localPath: string, options: TransferOptions, callback: Cb): void;
  fastGet(remotePath: string, localPath: string, callback: Cb): void;
  fastPut(localPath: string, remotePath: string, options: TransferOptions, callback: Cb): void;
  fastPut(localPath: string, remotePath: string, callback: Cb): void;
  readFile(path: string | Buffer, options: { encoding?: BufferEncoding | null; flag?: string } | string, callback: (err: Error | null | undefined, data: Buffer | string) => void): void;
  readFile(path: string | Buffer, callback: (err: Error | null | undefined, data: Buffer) => void): void;
  writeFile(path: string, data: Buffer | string, options: { encoding?: BufferEncoding; mode?: number; flag?: string } | string, callback?: Cb): void;
  writeFile(path: string, data: Buffer | string, callback?: Cb): void;
  appendFile(path: string, data: Buffer | string, options: { encoding?: BufferEncoding; mode?: number; flag?: string } | string, callback?: Cb): void;
  appendFile(path: string, data: Buffer | string, callback?: Cb): void;
  exists(path: string, callback: (exists: boolean) => void): void;
  createReadStream(path: string, options?: ReadStreamOptions | string): SFTPReadStream;
  createWriteStream(path: string, options?: WriteStreamOptions | string): SFTPWriteStream;
  open(filename: string, flags: string | number, attrs: Attributes | number | string, callback: (err: Error | null | undefined, handle: Buffer) => void): boolean;
  open(filename: string, flags: string | number, callback: (err: Error | null | undefined, handle: Buffer) => void): boolean;
  close(handle: Buffer, callback: Cb): boolean;
  read(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null | undefined, bytesRead: number, buffer: Buffer, position: number) => void): boolean;
  read(size?: number): any;
  readData(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null | undefined, bytesRead: number, buffer: Buffer, position: number) => void): boolean;
  write(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, callback: Cb): boolean;
  write(chunk: any, cb?: (error: Error | null | undefined) => void): boolean;
  write(chunk: any, encoding: BufferEncoding, cb?: (error: Error | null | undefined) => void): boolean;
  writeData(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, callback: Cb): boolean;
  fstat(handle: Buffer, callback: (err: Error | null | undefined, stats: Stats) => void): boolean;
  fsetstat(handle: Buffer, attributes: Attributes, callback: Cb): boolean;
  futimes(handle: Buffer, atime: number | Date, mtime: number | Date, callback: Cb): boolean;
  fchown(handle: Buffer, uid: number, gid: number, callback: Cb): boolean;
  fchmod(handle: Buffer, mode: number | string, callback: Cb): boolean;
  opendir(path: string, callback: (err: Error | null | undefined, handle: Buffer) => void): boolean;
  readdir(location: string | Buffer, callback: (err: Error | null | undefined, list: FileEntry[] | false) => void): boolean;
  /** opts.full: keep '.' and '..'. */
  readdir(location: string | Buffer, options: { full?: boolean }, callback: (err: Error | null | undefined, list: FileEntry[] | false) => void): boolean;
  unlink(path: string, callback: Cb): boolean;
  rename(srcPath: string, destPath: string, callback: Cb): boolean;
  mkdir(path: string, attributes: Attributes, callback: Cb): boolean;
  mkdir(path: string, callback: Cb): boolean;
  rmdir(path: string, callback: Cb): boolean;
  stat(path: string, callback: (err: Error | null | undefined, stats: Stats) => void): boolean;
  lstat(path: string, callback: (err: Error | null | undefined, stats: Stats) => void): boolean;
  setstat(path: string, attributes: Attributes, callback: Cb): boolean;
  utimes(path: string, atime: number | Date, mtime: number | Date, callback: Cb): boolean;
  chown(path: string, uid: number, gid: number, callback: Cb): boolean;
  chmod(path: string, mode: number | string, callback: Cb): boolean;
  readlink(path: string, callback: (err: Error | null | undefined, target: string) => void): boolean;
  symlink(targetPath: string, linkPath: string, callback: Cb): boolean;
  realpath(path: string, callback: (err: Error | null | undefined, absPath: string) => void): boolean;
  ext_openssh_rename(srcPath: string, destPath: string, callback: Cb): boolean;
  ext_openssh_statvfs(path: string, callback: (err: Error | null | undefined, fsInfo: StatVFS) => void): boolean;
  ext_openssh_fstatvfs(handle: Buffer, callback: (err: Error | null | undefined, fsInfo: StatVFS) => void): boolean;
  ext_openssh_hardlink(targetPath: string, linkPath: string, callback: Cb): boolean;
  ext_openssh_fsync(handle: Buffer, callback: Cb): boolean;
  /** lsetstat@openssh.com: setstat that does not follow a final symlink. */
  ext_openssh_lsetstat(path: string, attributes: Attributes, callback: Cb): boolean;
  /** expand-path@openssh.com: realpath that also expands `~`. */
  ext_openssh_expandPath(path: string, callback: (err: Error | null | undefined, absPath: string) => void): boolean;
  /** copy-data: a server-side copy of `length` bytes (0: to EOF) between two open handles. */
  ext_copy_data(srcHandle: Buffer, srcOffset: number, length: number, dstHandle: Buffer, dstOffset: number, callback: Cb): boolean;

  // Server
  /** Extensions to advertise in VERSION (before the client's INIT arrives). */
  setExtensions(extensions: { [name: string]: string }): void;
  /** The reply to an 'EXTENDED' request the app handled itself. */
  extendedReply(reqID: number, data: Buffer): boolean;
  status(reqID: number, statusCode: number, message?: string): boolean;
  handle(reqID: number, handle: Buffer): boolean;
  data(reqID: number, data: Buffer | string, encoding?: BufferEncoding): boolean;
  name(reqID: number, names: Array<{ filename: string; longname: string; attrs?: Attributes }>): boolean;
  attrs(reqID: number, attrs: Attributes): boolean;

  on(event: 'ready' | 'continue' | 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'OPEN', listener: (reqID: number, filename: string, flags: number, attrs: Attributes) => void): this;
  on(event: 'READ', listener: (reqID: number, handle: Buffer, offset: number, length: number) => void): this;
  on(event: 'WRITE', listener: (reqID: number, handle: Buffer, offset: number, data: Buffer) => void): this;
  on(event: 'FSTAT' | 'CLOSE' | 'READDIR', listener: (reqID: number, handle: Buffer) => void): this;
  on(event: 'FSETSTAT', listener: (reqID: number, handle: Buffer, attrs: Attributes) => void): this;
  on(event: 'OPENDIR' | 'LSTAT' | 'STAT' | 'REMOVE' | 'RMDIR' | 'REALPATH' | 'READLINK', listener: (reqID: number, path: string) => void): this;
  on(event: 'SETSTAT' | 'MKDIR', listener: (reqID: number, path: string, attrs: Attributes) => void): this;
  on(event: 'RENAME', listener: (reqID: number, oldPath: string, newPath: string) => void): this;
  on(event: 'SYMLINK', listener: (reqID: number, linkPath: string, targetPath: string) => void): this;
  on(event: 'EXTENDED', listener: (reqID: number, request: string, data: Buffer) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

// ---------------------------------------------------------------- utils

export declare const utils: {
  parseKey(data: Buffer | string, passphrase?: Buffer | string): ParsedKey | ParsedKey[] | Error;
  /** Seed API: decrypts, in place, what parseKey gave for an encrypted key without a passphrase. */
  decryptKey(parsed: ParsedKey | Error, passphrase: Buffer | string): ParsedKey;
  /** Seed API: the public half of a parsed key, as parseKey gives one. */
  genPublicKey(parsed: ParsedKey): ParsedKey;
  readInt(buffer: Buffer, start: number, stream?: { _cleanup(cb?: unknown): void }, cb?: unknown): number | false;
  readString(buffer: Buffer, start?: number, encoding?: BufferEncoding | Buffer, stream?: object, cb?: unknown, maxLen?: number): Buffer | string | false;
  iv_inc(iv: Buffer): void;
  sigSSHToASN1(signature: Buffer, type: string, stream?: object, cb?: unknown): Buffer | false;
  DSASigBERToBare(signature: Buffer): Buffer;
  ECDSASigASN1ToSSH(signature: Buffer): Buffer | false;
};

// ---------------------------------------------------------------- constants

type Table = { [name: string]: number } & { [code: number]: string };

export declare const constants: {
  MESSAGE: Table;
  DYNAMIC_KEXDH_MESSAGE: { [code: number]: string };
  KEXDH_MESSAGE: { [code: number]: string };
  DISCONNECT_REASON: Table;
  CHANNEL_OPEN_FAILURE: Table;
  TERMINAL_MODE: Table;
  CHANNEL_EXTENDED_DATATYPE: Table;
  SIGNALS: string[];
  CIPHER_INFO: {
    [name: string]: { blockLen: number; keyLen: number; ivLen: number; authLen: number; discardLen: number; stream: boolean };
  };
  HMAC_INFO: { [name: string]: { len: number; actualLen: number } };
  ALGORITHMS: {
    KEX: string[];
    KEX_BUF: Buffer;
    SUPPORTED_KEX: string[];
    SERVER_HOST_KEY: string[];
    SERVER_HOST_KEY_BUF: Buffer;
    SUPPORTED_SERVER_HOST_KEY: string[];
    CIPHER: string[];
    CIPHER_BUF: Buffer;
    SUPPORTED_CIPHER: string[];
    HMAC: string[];
    HMAC_BUF: Buffer;
    SUPPORTED_HMAC: string[];
    COMPRESS: string[];
    COMPRESS_BUF: Buffer;
    SUPPORTED_COMPRESS: string[];
  };
  SSH_TO_OPENSSL: { [name: string]: string };
  BUGS: { BAD_DHGEX: number; OLD_EXIT: number; DYN_RPORT_BUG: number };
  BUGGY_IMPLS: Array<[string | RegExp, number]>;
  EDDSA_SUPPORTED: boolean;
  CURVE25519_SUPPORTED: boolean;
};
