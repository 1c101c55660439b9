'use strict';
// OpenSSH host certificates (issue 19), both ways. Server side: an ssh2@0.8.9
// Server on this package given a host key followed by its host certificate
// offers the certificate algorithm ahead of the plain one, and OpenSSH's ssh
// trusting the CA with an @cert-authority line (StrictHostKeyChecking yes)
// connects; with another CA, or for a name the certificate does not list, it
// refuses. Client side: an ssh2@0.8.9 Client naming certificate algorithms
// gets sshd's HostCertificate in its hostVerifier, and
// utils.checkHostCertificate says true or why not.

const test = require('node:test');
const assert = require('node:assert');
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { utils, SSH2Stream } = require('..');
const { missing, keygen, tmpDir, startSshd } = require('./helpers/openssh');
const { loadSsh2 } = require('../scripts/bench/ssh2-loader');

const skip = missing();
const { Server, Client } = skip ? {} : loadSsh2('ours');
const HOST = 'host.example.com';
const CERT_ALGO = {
  ed25519: 'ssh-ed25519-cert-v01@openssh.com',
  ecdsa: 'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  rsa: 'rsa-sha2-512-cert-v01@openssh.com',
};

/** Signs `key`'s public key as a host (or, `user`, a user) certificate with `ca`; returns the -cert.pub line. */
function certify(ca, key, { principals = HOST, validity = '-1h:+1h', user = false, options = [] } = {}) {
  const args = ['-q', '-s', ca.file, '-I', 'host-id', '-n', principals, '-V', validity, ...options];
  if (!user) args.push('-h');
  execFileSync('ssh-keygen', [...args, `${key.file}.pub`]);
  return fs.readFileSync(`${key.file}-cert.pub`, 'utf8');
}

const blobOf = (line) => Buffer.from(line.trim().split(' ')[1], 'base64');
const caLine = (ca, hosts = HOST) => `@cert-authority ${hosts} ${ca.pub.trim()}\n`;

/** OpenSSH's ssh with `knownHosts` as its only known_hosts and strict checking, as host `alias`. */
function strictSsh(port, knownHosts, alias) {
  const args = [
    '-F', '/dev/null', '-p', String(port),
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', `HostKeyAlias=${alias}`,
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-vvv', 'someone@127.0.0.1', 'true',
  ];
  return new Promise((resolve) => {
    const proc = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30000);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** An ssh2@0.8.9 Server with host key `hostKey` that lets anyone in and exits 42 from any exec. */
async function openServer(t, hostKey) {
  const server = new Server({ hostKeys: [hostKey] }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => ctx.accept());
    conn.on('ready', () =>
      conn.on('session', (accept) =>
        accept().on('exec', (acceptExec) => {
          const stream = acceptExec();
          stream.exit(42);
          stream.end();
        })
      )
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return server.address().port;
}

test('OpenSSH ssh trusting the CA (@cert-authority) connects to an ssh2 Server presenting a host certificate; another CA or another name is refused', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-hostcert-srv-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ca = keygen(dir, 'ca', 'ed25519');
  const otherCa = keygen(dir, 'other_ca', 'ecdsa');
  const trusting = path.join(dir, 'known_hosts');
  fs.writeFileSync(trusting, caLine(ca));
  const other = path.join(dir, 'known_hosts_other');
  fs.writeFileSync(other, caLine(otherCa));
  for (const type of Object.keys(CERT_ALGO)) {
    await t.test(type, async () => {
      const host = keygen(dir, `host_${type}`, type);
      const port = await openServer(t, `${host.priv}\n${certify(ca, host)}`);
      const ok = await strictSsh(port, trusting, HOST);
      assert.strictEqual(ok.code, 42, ok.stderr.slice(-3000));
      assert.match(ok.stderr, new RegExp(`kex: host key algorithm: ${CERT_ALGO[type]}`));
      assert.match(ok.stderr, /Server host certificate: .* ID "host-id"/);
      assert.match(ok.stderr, /matches the .*-CERT host certificate/);
      // Our KEXINIT lists the certificate names first, then the key's own.
      const offered = /peer server KEXINIT proposal[\s\S]*?host key algorithms: (\S+)/.exec(ok.stderr)[1].split(',');
      const expected = {
        ed25519: ['ssh-ed25519-cert-v01@openssh.com', 'ssh-ed25519'],
        ecdsa: ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp256'],
        rsa: [
          'rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'ssh-rsa-cert-v01@openssh.com',
          'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
        ],
      }[type];
      assert.deepStrictEqual(offered, expected);

      const wrongCa = await strictSsh(port, other, HOST);
      assert.notStrictEqual(wrongCa.code, 42);
      assert.match(wrongCa.stderr, /Host key verification failed/);
      const wrongName = await strictSsh(port, trusting, 'other.example.com');
      assert.notStrictEqual(wrongName.code, 42);
      assert.match(wrongName.stderr, /Host key verification failed/);
    });
  }
});

test('an SSH2Stream server with a host certificate and no algorithms named offers it ahead of the defaults; a plain-only list is kept', { skip }, async () => {
  const dir = tmpDir('ssh2sn-hostcert-kexinit-');
  try {
    const ca = keygen(dir, 'ca', 'ed25519');
    const host = keygen(dir, 'host', 'ed25519');
    const key = utils.parseKey(`${host.priv}\n${certify(ca, host)}`);
    /** The host key list of the server's KEXINIT (the packet after its ident line). */
    const offers = (algorithms, hostKey = key) =>
      new Promise((resolve) => {
        const server = new SSH2Stream({ server: true, hostKeys: { 'ssh-ed25519': hostKey }, algorithms });
        let wire = Buffer.alloc(0);
        server.on('data', (d) => {
          wire = Buffer.concat([wire, d]);
          const at = wire.indexOf('\r\n') + 2;
          if (at < 2 || wire.length < at + 4 || wire.length < at + 4 + wire.readUInt32BE(at)) return;
          server.destroy();
          // length, padding length, 20, cookie, then the kex list and the host key list.
          let pos = at + 4 + 1 + 1 + 16;
          const list = () => {
            const n = wire.readUInt32BE(pos);
            pos += 4 + n;
            return wire.toString('latin1', pos - n, pos);
          };
          list();
          resolve(list());
        });
        server.write('SSH-2.0-OpenSSH_9.2\r\n');
      });
    assert.strictEqual(await offers(undefined), 'ssh-ed25519-cert-v01@openssh.com,ssh-ed25519');
    assert.strictEqual(await offers({ serverHostKey: ['ssh-ed25519'] }), 'ssh-ed25519');
    assert.strictEqual(await offers({ serverHostKey: ['ssh-ed25519-cert-v01@openssh.com'] }), 'ssh-ed25519-cert-v01@openssh.com,ssh-ed25519');
    // Without a certificate the default list is what it was.
    assert.strictEqual(await offers(undefined, utils.parseKey(host.priv)), 'ssh-ed25519');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * An ssh2@0.8.9 Client against sshd on `port`; its hostVerifier checks the
 * host key with utils.checkHostCertificate against `knownHosts` for HOST.
 * Resolves to { ready, error, blob, verdict }.
 */
function clientCheck(port, knownHosts, userKey, algorithms) {
  return new Promise((resolve) => {
    const seen = { ready: false, error: null, blob: null, verdict: null };
    const c = new Client();
    c.once('ready', () => {
      seen.ready = true;
      c.end();
      resolve(seen);
    });
    c.once('error', (err) => {
      seen.error = err;
      resolve(seen);
    });
    c.connect({
      host: '127.0.0.1',
      port,
      username: 'root',
      privateKey: userKey,
      algorithms,
      readyTimeout: 20000,
      hostHash: 'sha256',
      hostVerifier: (hash, verify) => {
        seen.blob = verify.hostKey;
        seen.verdict = utils.checkHostCertificate(verify.hostKey, knownHosts, { hostname: HOST });
        return seen.verdict === true;
      },
    });
  });
}

test('an ssh2@0.8.9 Client gets sshd\'s HostCertificate in its hostVerifier; checkHostCertificate accepts it, and refuses each bad one with its reason', { skip }, async (t) => {
  const dir = tmpDir('ssh2sn-hostcert-cli-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ca = keygen(dir, 'ca', 'ed25519');
  const otherCa = keygen(dir, 'other_ca', 'ed25519');
  const user = keygen(dir, 'user', 'ed25519');
  const knownHosts = `# a comment\n${caLine(ca, `*.example.com,!bad.example.com`)}`;
  /** sshd with only `host` as host key, and `cert` as its HostCertificate. */
  const sshdWith = async (host, cert) => {
    const certFile = `${host.file}-host-cert.pub`;
    fs.writeFileSync(certFile, cert);
    const sshd = await startSshd({
      hostKeys: [],
      authorizedKeys: [user.pub.trim()],
      config: [`HostKey ${host.file}`, `HostCertificate ${certFile}`],
    });
    t.after(() => sshd.stop());
    return sshd;
  };

  for (const type of Object.keys(CERT_ALGO)) {
    await t.test(`valid ${type} host certificate`, async () => {
      const host = keygen(dir, `host_${type}`, type);
      const cert = certify(ca, host);
      const sshd = await sshdWith(host, cert);
      const got = await clientCheck(sshd.port, knownHosts, user.priv, { serverHostKey: [CERT_ALGO[type]] });
      assert.strictEqual(got.verdict, true, String(got.verdict));
      assert.ok(got.blob.equals(blobOf(cert)), 'the hostVerifier saw the certificate blob');
      assert.strictEqual(got.ready, true, String(got.error));
      // Naming none: the client does not offer certificate names (as ssh
      // without an @cert-authority line), so sshd shows its plain key.
      const plain = await clientCheck(sshd.port, knownHosts, user.priv, undefined);
      assert.ok(plain.blob.equals(utils.parseKey(host.pub).getPublicSSH()));
      assert.strictEqual(plain.verdict.message, 'host key is not a certificate');
      assert.match(String(plain.error), /host fingerprint verification failed/);
    });
  }

  const cases = [
    ['expired', { validity: '20000101:20000102' }, 'certificate expired'],
    ['not yet valid', { validity: '+1d:+2d' }, 'certificate not yet valid'],
    ['for another host name', { principals: 'other.example.com' }, `hostname "${HOST}" not in the certificate's principals`],
    ['signed by another CA', { ca: otherCa }, 'certificate signed by an untrusted CA'],
    ['a user certificate', { user: true }, 'certificate is not a host certificate'],
  ];
  for (const [name, opts, reason] of cases) {
    await t.test(`${name}: refused`, async () => {
      const host = keygen(dir, `host_${name.replace(/ /g, '_')}`, 'ed25519');
      const cert = certify(opts.ca || ca, host, opts);
      const sshd = await sshdWith(host, cert);
      const got = await clientCheck(sshd.port, knownHosts, user.priv, { serverHostKey: [CERT_ALGO.ed25519] });
      assert.ok(got.blob && got.blob.equals(blobOf(cert)), 'the hostVerifier saw the certificate blob');
      assert.ok(got.verdict instanceof Error, `expected a refusal, got ${got.verdict}`);
      assert.strictEqual(got.verdict.message, reason);
      assert.strictEqual(got.ready, false);
      assert.match(String(got.error), /host fingerprint verification failed/);
    });
  }
});

test('checkHostCertificate: known_hosts host patterns, ports, hashed names, @revoked, CA keys given directly', { skip }, () => {
  const dir = tmpDir('ssh2sn-hostcert-unit-');
  try {
    const ca = keygen(dir, 'ca', 'ed25519');
    const otherCa = keygen(dir, 'other_ca', 'ecdsa');
    const host = keygen(dir, 'host', 'ed25519');
    const line = certify(ca, host, { principals: `${HOST},10.0.0.1` });
    const blob = blobOf(line);
    const check = (cas, opts) => utils.checkHostCertificate(blob, cas, { hostname: HOST, ...opts });
    const why = (cas, opts) => {
      const r = check(cas, opts);
      assert.ok(r instanceof Error, `expected a refusal, got ${r}`);
      return r.message;
    };
    const untrusted = 'certificate signed by an untrusted CA';
    // CA keys directly: parsed keys, lines, blobs, or one of them.
    assert.strictEqual(check([utils.parseKey(otherCa.pub), utils.parseKey(ca.pub)]), true);
    assert.strictEqual(check(ca.pub), true);
    assert.strictEqual(check([blobOf(ca.pub)]), true);
    assert.strictEqual(why([otherCa.pub]), untrusted);
    // The line form of the certificate is taken too.
    assert.strictEqual(utils.checkHostCertificate(line, ca.pub, { hostname: '10.0.0.1' }), true);
    // known_hosts: the CA counts only for hosts its line matches.
    assert.strictEqual(check(caLine(ca, '*.example.com')), true);
    assert.strictEqual(check(caLine(ca, 'HOST.example.com')), true, 'host names match case-insensitively');
    assert.strictEqual(check(caLine(ca, 'h?st.example.*')), true);
    assert.strictEqual(why(caLine(ca, '*.example.org')), untrusted);
    assert.strictEqual(why(caLine(ca, `*.example.com,!${HOST}`)), untrusted);
    assert.strictEqual(why(`${HOST} ${ca.pub}`), untrusted, 'a plain known_hosts line is not a CA');
    assert.strictEqual(why(caLine(otherCa, '*') + `${HOST} ${ca.pub}`), untrusted);
    // Another port is looked up as [host]:port, as ssh does.
    assert.strictEqual(why(caLine(ca, HOST), { port: 2222 }), untrusted);
    assert.strictEqual(check(caLine(ca, `[${HOST}]:2222`), { port: 2222 }), true);
    assert.strictEqual(check(caLine(ca, HOST), { port: 22 }), true);
    // A hashed host name, as ssh-keygen -H writes one (it hashes the
    // names of plain lines only; ssh reads hashed names on any line).
    const hashedFile = path.join(dir, 'hashed');
    fs.writeFileSync(hashedFile, `${HOST} ${ca.pub}`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashedFile], { stdio: 'ignore' });
    const hashedName = fs.readFileSync(hashedFile, 'utf8').split(' ')[0];
    assert.match(hashedName, /^\|1\|/);
    const hashed = caLine(ca, hashedName);
    assert.strictEqual(check(hashed), true);
    assert.strictEqual(why(hashed, { hostname: 'other.example.com' }), untrusted);
    // @revoked: the host key, or the CA.
    assert.strictEqual(why(caLine(ca, '*') + `@revoked * ${host.pub}`), 'host key revoked');
    assert.strictEqual(why(caLine(ca, '*') + `@revoked * ${ca.pub}`), 'CA key revoked');
    assert.strictEqual(check(caLine(ca, '*') + `@revoked * ${otherCa.pub}`), true);
    // `now` moves the window; a principal must be listed exactly.
    assert.strictEqual(why(ca.pub, { now: new Date('2000-01-01T00:00:00Z') }), 'certificate not yet valid');
    assert.strictEqual(why(ca.pub, { now: Date.now() / 1000 + 7200 }), 'certificate expired');
    assert.strictEqual(why(ca.pub, { hostname: 'example.com' }), 'hostname "example.com" not in the certificate\'s principals');
    // A certificate listing no principals is valid for any host, as in ssh.
    const any = keygen(dir, 'any', 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', ca.file, '-h', '-I', 'any', `${any.file}.pub`]);
    assert.strictEqual(utils.checkHostCertificate(fs.readFileSync(`${any.file}-cert.pub`, 'utf8'), ca.pub, { hostname: 'anything' }), true);
    // A plain key, garbage, a tampered certificate.
    assert.strictEqual(utils.checkHostCertificate(utils.parseKey(host.pub).getPublicSSH(), ca.pub, { hostname: HOST }).message, 'host key is not a certificate');
    assert.strictEqual(utils.checkHostCertificate(Buffer.from('garbage'), ca.pub, { hostname: HOST }).message, 'host key is not a certificate');
    const tampered = Buffer.from(blob);
    tampered[tampered.indexOf('host-id')] ^= 1;
    assert.strictEqual(utils.checkHostCertificate(tampered, ca.pub, { hostname: HOST }).message, 'certificate signature invalid');
    for (let n = 0; n < blob.length; n += 3) {
      assert.notStrictEqual(utils.checkHostCertificate(blob.subarray(0, n), ca.pub, { hostname: HOST }), true);
    }
    assert.throws(() => utils.checkHostCertificate(blob, ca.pub, {}), /hostname/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
