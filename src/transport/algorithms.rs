//! The registry of algorithm names: the one source of truth for what the
//! engine negotiates, read by the transport and exported to JS as
//! `constants.ALGORITHMS`. `default` is offered when the app names none
//! (strongest first, as OpenSSH 9 orders them); `extra` is accepted when the
//! app asks for it by name.

use crate::crypto::signature;

/// One category of negotiated algorithm.
#[derive(Debug, Clone, Copy)]
pub struct AlgorithmList {
    pub default: &'static [&'static str],
    pub extra: &'static [&'static str],
}

impl AlgorithmList {
    /// Every supported name: the defaults, then the extras.
    pub fn supported(&self) -> impl Iterator<Item = &'static str> {
        self.default.iter().chain(self.extra.iter()).copied()
    }

    pub fn is_supported(&self, name: &str) -> bool {
        self.supported().any(|n| n == name)
    }
}

pub const KEX: AlgorithmList = AlgorithmList {
    default: &[
        "mlkem768x25519-sha256",
        "sntrup761x25519-sha512@openssh.com",
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group-exchange-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512",
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group14-sha1",
    ],
    extra: &[
        "diffie-hellman-group-exchange-sha1",
        "diffie-hellman-group1-sha1",
    ],
};

/// Host-key algorithms are signature algorithms: crypto::signature's table.
pub const SERVER_HOST_KEY: AlgorithmList = AlgorithmList {
    default: signature::DEFAULT_NAMES,
    extra: signature::EXTRA_NAMES,
};

pub const CIPHER: AlgorithmList = AlgorithmList {
    default: &[
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
        "aes128-gcm",
        "aes256-gcm",
    ],
    extra: &[
        "aes256-cbc",
        "aes192-cbc",
        "aes128-cbc",
        "blowfish-cbc",
        "3des-cbc",
        "arcfour256",
        "arcfour128",
        "cast128-cbc",
        "arcfour",
    ],
};

pub const MAC: AlgorithmList = AlgorithmList {
    default: &[
        "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com",
        "hmac-sha1-etm@openssh.com",
        "hmac-sha2-256",
        "hmac-sha2-512",
        "hmac-sha1",
    ],
    extra: &[
        "hmac-md5",
        "hmac-sha2-256-96",
        "hmac-sha2-512-96",
        "hmac-ripemd160",
        "hmac-sha1-96",
        "hmac-md5-96",
    ],
};

pub const COMPRESSION: AlgorithmList = AlgorithmList {
    default: &["none", "zlib@openssh.com", "zlib"],
    extra: &[],
};
