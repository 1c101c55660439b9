//! SSH signature algorithms (RFC 4253 6.6, RFC 5656 3.1.2, RFC 8332,
//! RFC 8709): the one table of which names exist, which key type signs
//! under each and with which hash. Everything else reads it: the host-key
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

pub fn find(name: &str) -> Option<&'static SigAlg> {
    ALL.iter().find(|a| a.name == name)
}

/// The key type that signs under `name` ("ssh-rsa" for "rsa-sha2-256").
pub fn key_type_of(name: &str) -> Option<&'static str> {
    find(name).map(|a| a.key_type)
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
}
