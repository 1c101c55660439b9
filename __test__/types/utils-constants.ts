// utils (0.4.10's and the seed API's) and constants, typed.
import { utils, constants, ParsedKey } from '../..';

const parsed = utils.parseKey(Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----'), null);
if (parsed instanceof Error) {
  // The seed API: decrypt what parseKey returned for an encrypted key.
  const key: ParsedKey = utils.decryptKey(parsed, 'passphrase');
  void key;
} else {
  const key: ParsedKey = Array.isArray(parsed) ? parsed[0] : parsed;
  const pub: ParsedKey = utils.genPublicKey(key);
  const sig = key.sign('data', 'sha512');
  const ok = Buffer.isBuffer(sig) ? pub.verify('data', sig, 'sha512') : sig;
  void [ok, key.type, key.comment, key.isPrivateKey(), key.getPublicPEM(), pub.equals(key)];
}

// OpenSSH certificates, server side: fields and the CA check.
const cert = utils.parseKey(Buffer.from([0, 0, 0, 1, 120]));
if (!(cert instanceof Error) && !Array.isArray(cert) && cert.isCertificate() && cert.certificate) {
  const c = cert.certificate;
  const serial: bigint = c.serial;
  const until: number = c.validBefore;
  const verdict: true | Error = cert.verifyCertificate([cert], { principal: 'alice', now: new Date() });
  void [serial, until, c.principals[0], c.criticalOptions['force-command'], verdict];
}

// Host certificates, client side: the blob against @cert-authority lines.
const hostVerdict: true | Error = utils.checkHostCertificate(Buffer.alloc(0), '@cert-authority *.example.com ssh-ed25519 AAAA', {
  hostname: 'a.example.com',
  port: 2222,
  now: new Date(),
});
void hostVerdict;
// @ts-expect-error: the host name is required
utils.checkHostCertificate(Buffer.alloc(0), [], {});

const buf = Buffer.from([0, 0, 0, 3, 97, 98, 99]);
const n: number | false = utils.readInt(buf, 0);
const s = utils.readString(buf, 0, 'utf8');
const raw = utils.readString(buf, 0);
void [n, s, raw];
const iv = Buffer.alloc(12);
utils.iv_inc(iv);
void [utils.sigSSHToASN1(buf, 'ssh-dss'), utils.DSASigBERToBare(buf), utils.ECDSASigASN1ToSSH(buf)];

const A = constants.ALGORITHMS;
const lists: string[][] = [A.KEX, A.SUPPORTED_KEX, A.SERVER_HOST_KEY, A.CIPHER, A.HMAC, A.COMPRESS];
const code: number = constants.DISCONNECT_REASON.BY_APPLICATION;
const name: string = constants.MESSAGE[94];
const info = constants.CIPHER_INFO['aes128-gcm@openssh.com'];
const mac = constants.HMAC_INFO['hmac-sha2-256'];
void [lists, code, name, info.authLen, mac.actualLen, constants.SIGNALS.includes('TERM'), constants.EDDSA_SUPPORTED];
void [constants.CHANNEL_OPEN_FAILURE.CONNECT_FAILED, constants.TERMINAL_MODE.ECHO, constants.CHANNEL_EXTENDED_DATATYPE.STDERR];
void [constants.BUGS.BAD_DHGEX, constants.BUGGY_IMPLS.length, constants.SSH_TO_OPENSSL['aes128-ctr']];

// @ts-expect-error: parseKey takes key data, not a path object
utils.parseKey({ path: '~/.ssh/id_ed25519' });
// @ts-expect-error: the algorithm lists are string arrays
const wrong: number[] = constants.ALGORITHMS.CIPHER;
void wrong;
