// Every documented SSH2Stream event, with the listener types index.d.ts
// gives them, on each of the listener-adding methods; unknown names fall back
// to untyped listeners; wrong listener types are errors.
import { SSH2Stream, SSH2StreamError, ChannelRequestInfo, HeaderInfo, Prompt, PublicKeyAuthData } from '../..';

const client = new SSH2Stream();
const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': 'pem' } });

// Transport.
client.on('header', (h: HeaderInfo) => void [h.identRaw, h.versions.protocol, h.versions.software, h.comments, h.greeting]);
client.once('ready', () => client.service('ssh-userauth'));
client.on('fingerprint', (hostKey, verify) => verify(hostKey.length === 51));
client.on('fingerprint', (hostKey, verify) => verify(verify.hostKey.equals(hostKey)));
client.on('KEXINIT', () => undefined);
client.on('KEXDH_REPLY', (info) => void [info.hostkey.length, info.firstKex === true]);
client.on('NEWKEYS', () => void [client.bytesSent, client.bytesReceived]);
client.on('packet', () => undefined);
client.on('DISCONNECT', (reason: string, code: number, description: string, lang: string) => void [reason, code, description, lang]);
client.on('DEBUG', (message, lang) => void [message.length, lang.length]);
client.on('error', (err: SSH2StreamError) => void [err.message, err.level, err.code]);
client.on('continue', () => undefined);
client.on('end', () => undefined);
client.on('close', () => undefined);
client.on('data', (chunk: Buffer) => void chunk.length);
client.on('drain', () => undefined);

// Services and authentication.
server.on('SERVICE_REQUEST', (name) => server.serviceAccept(name));
client.on('SERVICE_ACCEPT', (name: string) => client.authNone(name));
server.on('USERAUTH_REQUEST', (username, service, method, data) => {
  if (method === 'password' && typeof data === 'string') return server.authSuccess();
  if (method === 'publickey' && data && typeof data === 'object' && !Buffer.isBuffer(data)) {
    const pk: PublicKeyAuthData = data;
    if (!pk.signature) return server.authPKOK(pk.keyAlgo, pk.key);
  }
  void [username, service];
  return server.authFailure(['password', 'publickey'], false);
});
client.on('USERAUTH_SUCCESS', () => client.session(0, 2 * 1024 * 1024, 32768));
client.on('USERAUTH_FAILURE', (methodsLeft, partial) => void [methodsLeft.join(','), partial === true]);
client.on('USERAUTH_PK_OK', () => undefined);
client.on('USERAUTH_BANNER', (message, lang) => void [message, lang]);
client.on('USERAUTH_PASSWD_CHANGEREQ', (prompt, lang) => void [prompt, lang, client.authPassword('me', 'old', 'new')]);
client.on('USERAUTH_INFO_REQUEST', (name, instructions, lang, prompts: Prompt[]) => {
  void [name, instructions, lang];
  client.authInfoRes(prompts.map((p) => (p.echo ? 'me' : 'secret')));
});
server.on('USERAUTH_INFO_RESPONSE', (responses: string[]) => void responses[0]);
server.authInfoReq('name', 'instructions', [{ prompt: 'Password: ', echo: false }]);

// Global requests.
server.on('GLOBAL_REQUEST', (name, wantReply, data) => {
  if (name === 'tcpip-forward' && data && 'bindPort' in data) void [data.bindAddr, data.bindPort];
  else if (data && 'socketPath' in data) void data.socketPath;
  else if (Buffer.isBuffer(data)) void data.length;
  if (wantReply) server.requestSuccess(Buffer.from([0, 0, 0, 22]));
});
client.on('REQUEST_SUCCESS', (data?: Buffer) => void (data ? data.readUInt32BE(0) : 0));
client.on('REQUEST_FAILURE', () => undefined);

// Channels: names built from numbers are template literal types.
const chan: number = 0;
server.on('CHANNEL_OPEN', (info) => {
  void [info.type, info.window, info.packetSize, info.data.srcIP, info.data.destPort, info.data.socketPath];
  server.channelOpenConfirm(info.sender, chan, 2 * 1024 * 1024, 32768);
});
client.once(`CHANNEL_OPEN_CONFIRMATION:${chan}`, (info) => void [info.recipient, info.sender, info.window, info.packetSize]);
client.once(`CHANNEL_OPEN_FAILURE:${chan}`, (info) => void [info.reasonCode, info.reason, info.description, info.lang]);
client.on(`CHANNEL_DATA:${chan}`, (data) => void data.readUInt8(0));
client.addListener(`CHANNEL_EXTENDED_DATA:${chan}`, (type, data) => void [type + 1, data.length]);
client.prependListener(`CHANNEL_WINDOW_ADJUST:${chan}`, (bytesToAdd) => void (bytesToAdd + 1));
client.prependOnceListener('CHANNEL_SUCCESS:0', () => undefined);
client.on('CHANNEL_FAILURE:0', () => undefined);
client.on('CHANNEL_EOF:0', () => client.channelEOF(0));
client.on('CHANNEL_CLOSE:0', () => client.channelClose(0));
server.on('CHANNEL_REQUEST:0', (info: ChannelRequestInfo) => {
  switch (info.request) {
    case 'pty-req':
      return void [info.term, info.cols, info.rows, info.modes && info.modes.VINTR];
    case 'exec':
      return void [info.command, info.wantReply && server.channelSuccess(0)];
    case 'exit-signal':
      return void [info.signal, info.coredump, info.description];
    default:
      return void info.recipient;
  }
});
client.on('CHANNEL_REQUEST:0', (info) => void (info.request === 'exit-status' ? info.code : undefined));
const onData = (data: Buffer) => void data;
client.on('CHANNEL_DATA:1', onData);
client.off('CHANNEL_DATA:1', onData);
client.removeListener('CHANNEL_DATA:1', onData);

// Names index.d.ts does not know: any listener, as with 0.4.10.
client.on('KEXDH_GEX_GROUP', (...args: any[]) => void args);
client.on('CHANNEL_DATA:not-a-number', (x: number) => void x);
const dynamicName: string = 'whatever';
client.on(dynamicName, (a: string, b: number) => void [a, b]);
client.on(Symbol('s'), () => undefined);

// Wrong listener types for documented names are errors.
// @ts-expect-error: channel data is a Buffer, not a string
client.on('CHANNEL_DATA:0', (data: string) => void data);
// @ts-expect-error: the fingerprint is a Buffer
client.once('fingerprint', (hostKey: string, verify: (ok: boolean) => void) => verify(!!hostKey));
// @ts-expect-error: USERAUTH_FAILURE's first argument is the list of methods
client.on('USERAUTH_FAILURE', (methodsLeft: number) => void methodsLeft);
// @ts-expect-error: CHANNEL_OPEN gives an info object
server.prependListener('CHANNEL_OPEN', (type: string, sender: number) => void [type, sender]);
// @ts-expect-error: the extended data type comes first, as a number
client.addListener('CHANNEL_EXTENDED_DATA:0', (data: Buffer, type: Buffer) => void [data, type]);
