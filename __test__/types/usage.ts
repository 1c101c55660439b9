// Compiled by `npm run test:types` (tsc --strict --noEmit): the way apps use
// the package must type-check against index.d.ts, and misuse must not.
import { SSH2Stream, SFTPStream, utils, constants, ParsedKey, Stats } from '../..';

const parsed = utils.parseKey('ssh-ed25519 AAAA comment', 'pass');
if (!(parsed instanceof Error) && !Array.isArray(parsed)) {
  const key: ParsedKey = parsed;
  const sig = key.sign(Buffer.from('data'), 'sha256');
  if (Buffer.isBuffer(sig)) {
    const ok: boolean | Error = key.verify(Buffer.from('data'), sig);
    void ok;
  }
  const pem: string | null = key.getPrivatePEM();
  const blob: Buffer = key.getPublicSSH();
  void [pem, blob, utils.genPublicKey(key), key.equals(blob)];
}

const server = new SSH2Stream({
  server: true,
  hostKeys: { 'ssh-ed25519': Buffer.from('key') },
  banner: 'hello',
  rekeyLimit: '500M',
  algorithms: { cipher: ['aes128-gcm@openssh.com'], kex: constants.ALGORITHMS.KEX },
});
void new SSH2Stream({ rekeyLimit: 65536 });
const client = new SSH2Stream({ privateKey: 'x', passphrase: 'y', debug: (m: string) => void m });
client.pipe(server).pipe(client);

client.on('header', (h) => void h.versions.software.length);
client.on('fingerprint', (hostKey: Buffer, verify) => verify(hostKey.length > 0));
client.on('ready', () => {
  const more: boolean = client.service('ssh-userauth');
  void more;
});
client.on('USERAUTH_FAILURE', (methods: string[], partial: boolean) => void [methods, partial]);
client.on('CHANNEL_DATA:0', (data: Buffer) => void data.length);
client.on('CHANNEL_EXTENDED_DATA:0', (type: number, data: Buffer) => void [type, data]);
server.on('USERAUTH_REQUEST', (user, svc, method, data) => {
  void [user, svc, method, data];
  server.authFailure(['publickey'], false);
});
server.on('CHANNEL_OPEN', (info) => server.channelOpenConfirm(info.sender, 0, 2 * 1024 * 1024, 32768));
client.authPK('me', Buffer.alloc(10), (blob, done) => done(blob));
client.pty(0, 24, 80, 480, 640, 'xterm', { VINTR: 3 }, true);
client.exec(0, 'uptime');
server.exitStatus(0, 0);

const sftp = new SFTPStream({ server: false });
sftp.fastGet('/remote', '/local', { concurrency: 8, step: (done, chunk, total) => void [done, chunk, total] }, (err) => void err);
sftp.readdir('/', (err, list) => {
  if (!err && list) for (const e of list) void [e.filename, e.attrs.isDirectory()];
});
sftp.stat('/x', (err, stats: Stats) => void [err, stats.size]);
sftp.ext_openssh_statvfs('/', (err, vfs) => void [err, vfs.f_bsize, vfs.f_namemax]);
sftp.ext_openssh_expandPath('~/x', (err, p: string) => void [err, p]);
const rs = sftp.createReadStream('/x', { start: 0, end: 99 });
rs.on('open', (h: Buffer) => void h).on('data', (d) => void d);
void [rs.bytesRead, rs.pending];
const ws = sftp.createWriteStream('/y', { flags: 'a', mode: 0o600 });
ws.on('close', () => void ws.bytesWritten);
const sftpServer = new SFTPStream({ server: true, extensions: { 'example@example.com': '1' } });
sftpServer.on('EXTENDED', (id, name, data) => void sftpServer.extendedReply(id, Buffer.concat([Buffer.from(name), data])));
const flags: number | null = SFTPStream.stringToFlags('r+');
const code: number = SFTPStream.STATUS_CODE.NO_SUCH_FILE;
void [flags, code];

const reason: string = constants.DISCONNECT_REASON[2];
const bugs: number = constants.BUGS.OLD_EXIT;
void [reason, bugs];

// @ts-expect-error: channel numbers are numbers
client.channelData('0', 'x');
// @ts-expect-error: exec needs a command
client.exec(0);
// @ts-expect-error: no such method
client.authWithMagic('me');
// @ts-expect-error: statvfs fields are named as in 0.4.10 (f_bsize)
sftp.ext_openssh_statvfs('/', (err, vfs) => void vfs.bsize);
