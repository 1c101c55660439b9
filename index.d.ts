// Types for ssh2-streams-native: the public API of ssh2-streams@0.4.10
// (plus the seed README's privateKey/passphrase, decryptKey, genPublicKey).

/// <reference types="node" />

import { Duplex, Readable, Transform, Writable } from 'stream';

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
  /** Whether this is an OpenSSH certificate (a line or wire blob). */
  isCertificate(): boolean;
  /** A certificate's fields; undefined for other keys. */
  certificate?: CertificateInfo;
  /** True, or an Error naming why the certificate is refused. */
  verifyCertificate(caKeys: Array<ParsedKey | Buffer | string>, options?: { principal?: string; now?: number | Date }): true | Error;
}

/** An OpenSSH certificate's fields (docs/API.md, User certificates). */
export interface CertificateInfo {
  readonly type: 'user' | 'host';
  readonly keyType: string;
  readonly keyId: string;
  readonly serial: bigint;
  readonly principals: readonly string[];
  /** Seconds since the epoch; Infinity for "forever". */
  readonly validAfter: number;
  readonly validBefore: number;
  readonly criticalOptions: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, string>>;
  readonly caKey: ParsedKey | null;
}

/** What `utils.checkHostCertificate` checks a host certificate for. */
export interface HostCertificateOptions {
  /** The name the client connects to: matched against the known_hosts host patterns and the certificate's principals. */
  hostname: string;
  /** The port, when not 22: known_hosts patterns are then matched against `[hostname]:port`, as ssh does. */
  port?: number;
  /** Seconds since the epoch, or a Date; default the clock. */
  now?: number | Date;
}

/** The callback of SSH2Stream's 'fingerprint' event, carrying the key blob it decides on. */
export interface HostKeyVerify {
  (accept: boolean): void;
  readonly hostKey: Buffer;
}

// ---------------------------------------------------------------- events

/** Any listener: what the string-indexed fallback overloads take. */
export type Listener = (...args: any[]) => void;

/**
 * An event name that is not one of the typed names of `Events`: unknown
 * names still type-check (as with 0.4.10, which had no types), while a
 * documented name must be given a listener of the documented shape.
 */
export type UntypedEvent<E, Events> = E extends keyof Events ? never : E;

/** The events every stream has (Node's own). */
export interface StreamEvents {
  close(): void;
  data(chunk: Buffer): void;
  drain(): void;
  end(): void;
  error(err: Error): void;
  finish(): void;
  pause(): void;
  pipe(src: Readable): void;
  readable(): void;
  resume(): void;
  unpipe(src: Readable): void;
}

// ---------------------------------------------------------------- SSH2Stream

/** The error SSH2Stream emits: `level` for handshake and protocol faults, `code` a DISCONNECT reason code. */
export interface SSH2StreamError extends Error {
  level?: 'handshake' | 'protocol' | string;
  code?: number;
}

/** What the value of a USERAUTH_REQUEST listener's last argument can be. */
export type UserauthMethodData = string | PublicKeyAuthData | Buffer | undefined;

/** Every documented SSH2Stream event and its listener. */
export interface SSH2StreamEvents extends StreamEvents {
  error(err: SSH2StreamError): void;
  /** Write methods returned false and the stream wants more again. */
  continue(): void;
  /** The peer's identification line was read. */
  header(header: HeaderInfo): void;
  /** The first key exchange finished: authentication may start (client: ask for 'ssh-userauth'). */
  ready(): void;
  /**
   * Client: the server's host key (a certificate's blob under a certificate
   * algorithm), to accept with verify(true) or refuse with verify(false).
   * `verify.hostKey` is the same blob, for ssh2@0.8's hostVerifier, which
   * is handed `verify` but only a hash of the key.
   */
  fingerprint(hostKey: Buffer, verify: HostKeyVerify): void;
  /** The peer's KEXINIT arrived (a key exchange starts). */
  KEXINIT(): void;
  /** Client: the server's key exchange reply (before 'fingerprint'); internal, seen by ssh2's tests. */
  KEXDH_REPLY(info: KexdhReplyInfo): void;
  /** New keys are in use in both directions; bytesSent/bytesReceived restart from 0. */
  NEWKEYS(): void;
  /** After every chunk of input that held at least one packet. */
  packet(): void;
  /** The peer said goodbye; an 'error' follows unless the reason is BY_APPLICATION, then 'end'. */
  DISCONNECT(reason: string, code: number, description: string, lang: string): void;
  /** An SSH_MSG_DEBUG from the peer. */
  DEBUG(message: string, lang: string): void;
  /** Server: the client asks for a service ('ssh-userauth'); answer with serviceAccept(). */
  SERVICE_REQUEST(serviceName: string): void;
  /** Client: the server accepted the service. */
  SERVICE_ACCEPT(serviceName: string): void;
  /**
   * Server: a login attempt. `methodData`: the password (string) for
   * 'password', a PublicKeyAuthData for 'publickey' and 'hostbased', the
   * submethods string for 'keyboard-interactive', undefined for 'none', the
   * raw bytes (Buffer) for other methods.
   */
  USERAUTH_REQUEST(username: string, serviceName: string, method: string, methodData: UserauthMethodData): void;
  /** Client: authentication succeeded. */
  USERAUTH_SUCCESS(): void;
  /** Client: the attempt failed; `methodsLeft` are the methods that can continue. */
  USERAUTH_FAILURE(methodsLeft: string[], partialSuccess: boolean): void;
  /** Client: the server would accept a signature by the queried public key. */
  USERAUTH_PK_OK(): void;
  /** Client: the server's banner text. */
  USERAUTH_BANNER(message: string, lang: string): void;
  /** Client: the server wants a new password (answer with authPassword(user, old, new)). */
  USERAUTH_PASSWD_CHANGEREQ(prompt: string, lang: string): void;
  /** Client: keyboard-interactive prompts (answer with authInfoRes()). */
  USERAUTH_INFO_REQUEST(name: string, instructions: string, lang: string, prompts: Prompt[]): void;
  /** Server: the client's keyboard-interactive answers. */
  USERAUTH_INFO_RESPONSE(responses: string[]): void;
  /**
   * A global request. `requestData`: TcpipForwardRequest for
   * '(cancel-)tcpip-forward', StreamLocalForwardRequest for
   * '(cancel-)streamlocal-forward@openssh.com', undefined for
   * 'no-more-sessions@openssh.com', the raw bytes (Buffer) otherwise. A
   * request that wants a reply and has no listener is refused.
   */
  GLOBAL_REQUEST(
    requestName: string,
    wantReply: boolean,
    requestData: TcpipForwardRequest | StreamLocalForwardRequest | Buffer | undefined
  ): void;
  /** Our global request succeeded; `responseData` is set when the reply carried any (e.g. the bound port). */
  REQUEST_SUCCESS(responseData?: Buffer): void;
  REQUEST_FAILURE(): void;
  /** The peer opens a channel. With no listener, the open is refused. */
  CHANNEL_OPEN(info: ChannelOpenInfo): void;
  [event: `CHANNEL_OPEN_CONFIRMATION:${number}`]: (info: ChannelOpenConfirmationInfo) => void;
  [event: `CHANNEL_OPEN_FAILURE:${number}`]: (info: ChannelOpenFailureInfo) => void;
  [event: `CHANNEL_DATA:${number}`]: (data: Buffer) => void;
  [event: `CHANNEL_EXTENDED_DATA:${number}`]: (type: number, data: Buffer) => void;
  [event: `CHANNEL_WINDOW_ADJUST:${number}`]: (bytesToAdd: number) => void;
  [event: `CHANNEL_SUCCESS:${number}`]: () => void;
  [event: `CHANNEL_FAILURE:${number}`]: () => void;
  [event: `CHANNEL_EOF:${number}`]: () => void;
  [event: `CHANNEL_CLOSE:${number}`]: () => void;
  [event: `CHANNEL_REQUEST:${number}`]: (info: ChannelRequestInfo) => void;
}


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
  /** OpenSSH's RekeyLimit: bytes per key and direction before rekeying by ourselves ('64K', '500M', '1G'); lowers the cipher's limit. */
  rekeyLimit?: number | string;
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

/**
 * What a 'CHANNEL_REQUEST:<n>' listener gets. `request` says which of the
 * optional fields are set:
 * - 'pty-req': term, cols, rows, width, height, modes (by mode name)
 * - 'window-change': cols, rows, width, height
 * - 'x11-req': single, protocol, cookie (a latin1 string), screen
 * - 'env': key, val
 * - 'exec': command
 * - 'subsystem': subsystem
 * - 'signal': signal (with its 'SIG' prefix)
 * - 'xon-xoff': clientControl
 * - 'exit-status': code
 * - 'exit-signal': signal (without 'SIG'), coredump, description, lang
 * - 'shell', 'auth-agent-req@openssh.com' and unknown requests: nothing more
 */
export interface ChannelRequestInfo {
  recipient: number;
  request: string;
  wantReply: boolean;
  term?: string;
  cols?: number;
  rows?: number;
  width?: number;
  height?: number;
  modes?: { [mode: string]: number };
  single?: boolean;
  protocol?: string;
  cookie?: string;
  screen?: number;
  key?: string;
  val?: string;
  command?: string;
  subsystem?: string;
  signal?: string;
  clientControl?: boolean;
  code?: number;
  coredump?: boolean;
  description?: string;
  lang?: string;
}

/** GLOBAL_REQUEST data for 'tcpip-forward' and 'cancel-tcpip-forward'. */
export interface TcpipForwardRequest {
  bindAddr: string;
  bindPort: number;
}

/** GLOBAL_REQUEST data for the streamlocal(-cancel) forward requests. */
export interface StreamLocalForwardRequest {
  socketPath: string;
}

/** KEXDH_REPLY (client): the server's host key blob and whether this is the first key exchange. */
export interface KexdhReplyInfo {
  hostkey: Buffer;
  firstKex: boolean;
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

  // Typed listeners for the documented events; any other name takes any listener.
  on<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  on<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
  once<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  once<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
  addListener<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  addListener<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
  prependListener<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  prependListener<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
  prependOnceListener<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  prependOnceListener<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
  off<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  off<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
  removeListener<E extends keyof SSH2StreamEvents>(event: E, listener: SSH2StreamEvents[E]): this;
  removeListener<E extends string | symbol>(event: UntypedEvent<E, SSH2StreamEvents>, listener: Listener): this;
}

// ---------------------------------------------------------------- SFTPStream

export interface Attributes {
  /** A number, or a string of octal digits. */
  mode?: number | string;
  /** Older name for `mode`. */
  permissions?: number | string;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: number | Date;
  mtime?: number | Date;
}

export declare class Stats implements Attributes {
  constructor(initial?: Attributes);
  mode?: number;
  /** The same as `mode` (an older name). */
  permissions?: number;
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

/** One entry of a NAME reply a server sends. */
export interface NameEntry {
  filename: string;
  longname?: string;
  attrs?: Attributes;
}

export interface FileEntry {
  filename: string;
  longname: string;
  attrs: Stats;
}

export interface TransferOptions {
  /** Requests in flight at once. Default 64. */
  concurrency?: number;
  /** Bytes per request. Default 32768. */
  chunkSize?: number;
  /** The source's size, when known: skips its fstat. */
  fileSize?: number;
  step?: (totalTransferred: number, chunk: number, total: number) => void;
  /** Mode for the destination file (number, or octal string). */
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

/** Every documented SFTPStream event and its listener. */
export interface SFTPStreamEvents extends StreamEvents {
  /** Both ends: the VERSION exchange is done; requests may be sent. */
  ready(): void;
  /** A method returned false and the stream wants more again. */
  continue(): void;
  // Server: one event per request; answer each with status/handle/data/name/attrs.
  // A request with no listener is answered OP_UNSUPPORTED.
  OPEN(reqID: number, filename: string, flags: number, attrs: Stats): void;
  READ(reqID: number, handle: Buffer, offset: number, length: number): void;
  WRITE(reqID: number, handle: Buffer, offset: number, data: Buffer): void;
  FSTAT(reqID: number, handle: Buffer): void;
  FSETSTAT(reqID: number, handle: Buffer, attrs: Stats): void;
  CLOSE(reqID: number, handle: Buffer): void;
  OPENDIR(reqID: number, path: string): void;
  READDIR(reqID: number, handle: Buffer): void;
  LSTAT(reqID: number, path: string): void;
  STAT(reqID: number, path: string): void;
  REMOVE(reqID: number, path: string): void;
  RMDIR(reqID: number, path: string): void;
  REALPATH(reqID: number, path: string): void;
  READLINK(reqID: number, path: string): void;
  SETSTAT(reqID: number, path: string, attrs: Stats): void;
  MKDIR(reqID: number, path: string, attrs: Stats): void;
  RENAME(reqID: number, oldPath: string, newPath: string): void;
  SYMLINK(reqID: number, linkPath: string, targetPath: string): void;
  /** An extended request (any name); answer with extendedReply() or status(). */
  EXTENDED(reqID: number, request: string, data: Buffer): void;
}

export interface SFTPStreamConfig {
  server?: boolean;
  highWaterMark?: number;
  debug?: (msg: string) => void;
  /** Server: extensions to advertise in VERSION, { name: data }; their requests arrive as 'EXTENDED'. */
  extensions?: { [name: string]: string };
}

/**
 * An SFTP v3 client (the default) or server, as a Transform stream to pipe
 * to and from an SSH channel: `sftp.pipe(channel).pipe(sftp)`.
 */
export declare class SFTPStream extends Transform {
  /** `remoteIdentRaw`: the peer's SSH identification line (OpenSSH peers get larger packets and their SYMLINK order). */
  constructor(config?: SFTPStreamConfig, remoteIdentRaw?: string);
  constructor(remoteIdentRaw: string);

  readonly server: boolean;
  debug: (msg: string) => void;

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
  readData(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null | undefined, bytesRead: number, buffer: Buffer, position: number) => void): boolean;
  /**
   * Writes `length` bytes of `buffer` from `offset` at file `position`; more
   * than one packet holds is sent in pieces, each after the last is acked.
   * The callback's second argument is the offset in `buffer` written up to.
   * A zero `length` sends nothing and returns undefined.
   */
  writeData(
    handle: Buffer,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback?: (err: Error | null | undefined, writtenUpTo?: number) => void
  ): boolean;
  fstat(handle: Buffer, callback: (err: Error | null | undefined, stats: Stats) => void): boolean;
  fsetstat(handle: Buffer, attributes: Attributes, callback: Cb): boolean;
  futimes(handle: Buffer, atime: number | Date, mtime: number | Date, callback: Cb): boolean;
  fchown(handle: Buffer, uid: number, gid: number, callback: Cb): boolean;
  fchmod(handle: Buffer, mode: number | string, callback: Cb): boolean;
  opendir(path: string, callback: (err: Error | null | undefined, handle: Buffer) => void): boolean;
  /**
   * A path: the whole listing (opendir, READDIR until EOF, close). A handle
   * from opendir(): the next batch; the end is an error with code
   * STATUS_CODE.EOF. '.' and '..' are left out unless `options.full`.
   */
  readdir(location: string | Buffer, callback: (err: Error | null | undefined, list: FileEntry[]) => void): boolean;
  readdir(location: string | Buffer, options: { full?: boolean }, callback: (err: Error | null | undefined, list: FileEntry[]) => void): boolean;
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
  /** Throws for a code that is not in STATUS_CODE. */
  status(reqID: number, statusCode: number, message?: string, lang?: string): boolean;
  handle(reqID: number, handle: Buffer): boolean;
  data(reqID: number, data: Buffer | string, encoding?: BufferEncoding): boolean;
  name(reqID: number, names: NameEntry[] | NameEntry): boolean;
  attrs(reqID: number, attrs: Attributes): boolean;

  // Typed listeners for the documented events; any other name takes any listener.
  on<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  on<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
  once<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  once<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
  addListener<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  addListener<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
  prependListener<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  prependListener<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
  prependOnceListener<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  prependOnceListener<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
  off<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  off<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
  removeListener<E extends keyof SFTPStreamEvents>(event: E, listener: SFTPStreamEvents[E]): this;
  removeListener<E extends string | symbol>(event: UntypedEvent<E, SFTPStreamEvents>, listener: Listener): this;
}

// ---------------------------------------------------------------- utils

export declare const utils: {
  /**
   * Parses a private or public key. An array for OpenSSH-format private key
   * files (one key each), an Error (returned, not thrown) when the data is
   * not a key or the passphrase is missing or wrong.
   */
  parseKey(data: Buffer | string, passphrase?: Buffer | string | null): ParsedKey | ParsedKey[] | Error;
  /** Seed API: decrypts, in place, what parseKey gave for an encrypted key without a passphrase. */
  decryptKey(parsed: ParsedKey | Error, passphrase: Buffer | string): ParsedKey;
  /** Seed API: the public half of a parsed key, as parseKey gives one. */
  genPublicKey(parsed: ParsedKey): ParsedKey;
  /**
   * A client's check of a host certificate blob (or line) against
   * known_hosts text (its `@cert-authority` and `@revoked` lines) or CA
   * keys: true, or an Error naming the first reason it fails. Throws a
   * TypeError without `options.hostname`.
   */
  checkHostCertificate(hostKey: Buffer | string, caKeysOrKnownHosts: string | Buffer | ParsedKey | Array<ParsedKey | Buffer | string>, options: HostCertificateOptions): true | Error;
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
