//! SSH signature algorithms (RFC 4253 6.6, RFC 5656 3.1.2, RFC 8332,
//! RFC 8709): the one table of which names exist, which key type signs
//! under each and with which hash, and the host certificate names that
//! sign as one of them. Everything else reads it: the host-key
//! registry (`transport::algorithms::SERVER_HOST_KEY`), what a server lists
//! in server-sig-algs and which of its keys serves a negotiated name
//! (`transport::engine`), the client's choice of user-auth signature and the
//! server's PK_OK echo (`ssh::session`), and RSA's hash in `keys`.

/// One signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigAlg {
    /// The name on the wire: in KEXINIT's host-key list, a signature blob,
    /// a publickey user-auth request.
    pub name: &'static str,
    /// The type of the key that signs under this name (its key blob's name).
    pub key_type: &'static str,
    /// The hash, as 0.4.10's `key.sign(data, hash)` names hashes. Ed25519's
    /// SHA-512 is part of the algorithm, not a choice.
    pub hash: &'static str,
    /// Offered when the app names no host-key algorithms; the others are
    /// accepted when it asks for them by name.
    pub by_default: bool,
}

const fn alg(name: &'static str, key_type: &'static str, hash: &'static str) -> SigAlg {
    SigAlg {
        name,
        key_type,
        hash,
        by_default: true,
    }
}

/// Strongest first, as OpenSSH 9 orders them: the order a server lists
/// them in server-sig-algs and offers its RSA key under the three RSA
/// names. The defaults come first (checked below at compile time).
pub const ALL: [SigAlg; 8] = [
    alg("ssh-ed25519", "ssh-ed25519", "sha512"),
    alg("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", "sha256"),
    alg("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", "sha384"),
    alg("ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521", "sha512"),
    alg("rsa-sha2-512", "ssh-rsa", "sha512"),
    alg("rsa-sha2-256", "ssh-rsa", "sha256"),
    alg("ssh-rsa", "ssh-rsa", "sha1"),
    SigAlg {
        by_default: false,
        ..alg("ssh-dss", "ssh-dss", "sha1")
    },
];

/// Every name of `ALL`, in its order.
pub const NAMES: [&str; ALL.len()] = {
    let mut out = [""; ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        out[i] = ALL[i].name;
        i += 1;
    }
    out
};

/// How many entries of `ALL` are defaults; the rest must all be extras.
const DEFAULT_COUNT: usize = {
    let mut n = 0;
    while n < ALL.len() && ALL[n].by_default {
        n += 1;
    }
    let mut i = n;
    while i < ALL.len() {
        assert!(
            !ALL[i].by_default,
            "signature::ALL lists its defaults first"
        );
        i += 1;
    }
    n
};

/// The names offered by default, then those accepted only by name.
pub const DEFAULT_NAMES: &[&str] = NAMES.split_at(DEFAULT_COUNT).0;
pub const EXTRA_NAMES: &[&str] = NAMES.split_at(DEFAULT_COUNT).1;

/// A certificate host-key algorithm (PROTOCOL.certkeys): the server shows
/// its certificate, a blob named `cert_type`, and signs the exchange as the
/// certified key under `base`. Accepted when named, never offered by a
/// client by default (OpenSSH's ssh offers them first only for a host with
/// an `@cert-authority` line); a server that has a host certificate offers
/// them ahead of its plain names (`transport::engine::kex`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertAlg {
    pub name: &'static str,
    pub cert_type: &'static str,
    pub base: &'static str,
}

const fn cert(name: &'static str, cert_type: &'static str, base: &'static str) -> CertAlg {
    CertAlg {
        name,
        cert_type,
        base,
    }
}

const ED25519_CERT: &str = "ssh-ed25519-cert-v01@openssh.com";
const RSA_CERT: &str = "ssh-rsa-cert-v01@openssh.com";

/// In OpenSSH 9's order (its HostKeyAlgorithms default, plus ssh-rsa's
/// certificate for the SHA-1 RSA name this table keeps).
pub const CERTS: [CertAlg; 7] = [
    cert(ED25519_CERT, ED25519_CERT, "ssh-ed25519"),
    cert(
        "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256",
    ),
    cert(
        "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384",
    ),
    cert(
        "ecdsa-sha2-nistp521-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521",
    ),
    cert(
        "rsa-sha2-512-cert-v01@openssh.com",
        RSA_CERT,
        "rsa-sha2-512",
    ),
    cert(
        "rsa-sha2-256-cert-v01@openssh.com",
        RSA_CERT,
        "rsa-sha2-256",
    ),
    cert(RSA_CERT, RSA_CERT, "ssh-rsa"),
];

/// Every name of `CERTS`, in its order.
pub const CERT_NAMES: [&str; CERTS.len()] = {
    let mut out = [""; CERTS.len()];
    let mut i = 0;
    while i < CERTS.len() {
        out[i] = CERTS[i].name;
        i += 1;
    }
    out
};

/// The host-key names accepted only when named: the extras of `ALL`, then
/// the certificate names.
pub const HOST_KEY_EXTRA_NAMES: [&str; ALL.len() - DEFAULT_COUNT + CERTS.len()] = {
    let mut out = [""; ALL.len() - DEFAULT_COUNT + CERTS.len()];
    let mut i = 0;
    while i < ALL.len() - DEFAULT_COUNT {
        out[i] = ALL[DEFAULT_COUNT + i].name;
        i += 1;
    }
    let mut j = 0;
    while j < CERTS.len() {
        out[i + j] = CERTS[j].name;
        j += 1;
    }
    out
};

/// The certificate algorithm named `name`.
pub fn find_cert(name: &str) -> Option<&'static CertAlg> {
    CERTS.iter().find(|a| a.name == name)
}

/// The certificate algorithms of a certificate type, strongest first.
pub fn for_cert_type(cert_type: &str) -> impl Iterator<Item = &'static CertAlg> + '_ {
    CERTS.iter().filter(move |a| a.cert_type == cert_type)
}

/// Whether `name` is a host-key algorithm: a signature or certificate one.
pub fn is_host_key_algorithm(name: &str) -> bool {
    find(name).is_some() || find_cert(name).is_some()
}

/// The blob type a host key shows under host-key algorithm `name` (the
/// key type, or the certificate type), for a name of either table.
pub fn host_key_type_of(name: &str) -> Option<&'static str> {
    key_type_of(name).or_else(|| find_cert(name).map(|c| c.cert_type))
}

pub fn find(name: &str) -> Option<&'static SigAlg> {
    ALL.iter().find(|a| a.name == name)
}

/// The key type that signs under `name` ("ssh-rsa" for "rsa-sha2-256").
pub fn key_type_of(name: &str) -> Option<&'static str> {
    find(name).map(|a| a.key_type)
}

/// Whether `key_type` is a key type this engine signs and verifies with
/// (a key type of `ALL`).
pub fn is_key_type(key_type: &str) -> bool {
    for_key_type(key_type).next().is_some()
}

/// The algorithms a key of `key_type` signs under, strongest first.
pub fn for_key_type(key_type: &str) -> impl Iterator<Item = &'static SigAlg> + '_ {
    ALL.iter().filter(move |a| a.key_type == key_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_key_types_and_hashes() {
        assert_eq!(
            NAMES.join(","),
            "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,\
             rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss"
        );
        assert_eq!(DEFAULT_NAMES, &NAMES[..7]);
        assert_eq!(EXTRA_NAMES, &["ssh-dss"]);
        let key_types = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"];
        let more = ["ecdsa-sha2-nistp521", "ssh-rsa", "ssh-dss"];
        assert!(key_types.iter().chain(&more).all(|t| is_key_type(t)));
        assert!(!is_key_type("rsa-sha2-256") && !is_key_type("ssh-ed448"));
        assert_eq!(key_type_of("rsa-sha2-256"), Some("ssh-rsa"));
        assert_eq!(
            key_type_of("ecdsa-sha2-nistp384"),
            Some("ecdsa-sha2-nistp384")
        );
        assert_eq!(key_type_of("ssh-rsa-cert-v01@openssh.com"), None);
        assert_eq!(find("rsa-sha2-512").map(|a| a.hash), Some("sha512"));
        assert_eq!(find("ssh-rsa").map(|a| a.hash), Some("sha1"));
        let rsa: Vec<&str> = for_key_type("ssh-rsa").map(|a| a.name).collect();
        assert_eq!(rsa, ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
        let ed: Vec<&str> = for_key_type("ssh-ed25519").map(|a| a.name).collect();
        assert_eq!(ed, ["ssh-ed25519"]);
    }

    #[test]
    fn certificate_names_sign_as_their_base() {
        for c in CERTS {
            let base = find(c.base).expect(c.base);
            assert_eq!(
                c.cert_type.strip_suffix("-cert-v01@openssh.com"),
                Some(base.key_type),
                "{}",
                c.name
            );
            assert!(find(c.name).is_none(), "{} is not a plain name", c.name);
            assert!(is_host_key_algorithm(c.name));
        }
        assert_eq!(HOST_KEY_EXTRA_NAMES[0], "ssh-dss");
        assert_eq!(&HOST_KEY_EXTRA_NAMES[1..], &CERT_NAMES);
        let rsa: Vec<&str> = for_cert_type("ssh-rsa-cert-v01@openssh.com")
            .map(|a| a.base)
            .collect();
        assert_eq!(rsa, ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
        assert_eq!(
            host_key_type_of("rsa-sha2-256-cert-v01@openssh.com"),
            Some("ssh-rsa-cert-v01@openssh.com")
        );
        assert_eq!(host_key_type_of("rsa-sha2-256"), Some("ssh-rsa"));
        assert_eq!(host_key_type_of("nope"), None);
    }
}
