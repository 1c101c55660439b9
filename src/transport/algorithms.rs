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

/// Host-key algorithms are signature algorithms: crypto::signature's table
/// (the certificate names are extras: named by an app, or offered by a
/// server that has a host certificate).
pub const SERVER_HOST_KEY: AlgorithmList = AlgorithmList {
    default: signature::DEFAULT_NAMES,
    extra: &signature::HOST_KEY_EXTRA_NAMES,
};

/// The ciphers, for a CPU with AES-GCM in hardware: AES-GCM first, as
/// ssh2@1.17 orders them on such a CPU; there aws-lc seals and opens it
/// faster than chacha20-poly1305 (both are AEADs OpenSSH prefers to the
/// rest). See `cipher()`. A static, not a const: `cipher()` must give one
/// address (a const is copied where it is used, and the copies made by
/// differently inlined callers compared unequal once the crate grew).
static CIPHER_AES_GCM_FIRST: AlgorithmList = AlgorithmList {
    default: &[
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "chacha20-poly1305@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
        "aes128-gcm",
        "aes256-gcm",
    ],
    extra: LEGACY_CIPHERS,
};

/// The ciphers elsewhere: OpenSSH's own order, chacha20-poly1305 first,
/// which software AES cannot match.
static CIPHER_CHACHA_FIRST: AlgorithmList = AlgorithmList {
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
    extra: LEGACY_CIPHERS,
};

/// Accepted when named, never offered by default: CBC modes (the length is
/// decrypted before the MAC is checked) and arcfour.
const LEGACY_CIPHERS: &[&str] = &[
    "aes256-cbc",
    "aes192-cbc",
    "aes128-cbc",
    "blowfish-cbc",
    "3des-cbc",
    "arcfour256",
    "arcfour128",
    "cast128-cbc",
    "arcfour",
];

/// The cipher list for this machine: the fastest safe cipher first.
pub fn cipher() -> &'static AlgorithmList {
    cipher_for(crate::crypto::cpu::aes_gcm_in_hardware())
}

/// The cipher list for a CPU with (`true`) or without AES-GCM in hardware.
pub fn cipher_for(aes_gcm_in_hardware: bool) -> &'static AlgorithmList {
    if aes_gcm_in_hardware {
        &CIPHER_AES_GCM_FIRST
    } else {
        &CIPHER_CHACHA_FIRST
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cipher_order_follows_the_cpu() {
        let with = cipher_for(true);
        let without = cipher_for(false);
        assert_eq!(with.default[0], "aes128-gcm@openssh.com");
        assert_eq!(without.default[0], "chacha20-poly1305@openssh.com");
        // The same names either way, and the same accepted extras.
        let mut a: Vec<_> = with.default.to_vec();
        let mut b: Vec<_> = without.default.to_vec();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        assert_eq!(with.extra, without.extra);
        // This machine's list is one of the two.
        assert!(std::ptr::eq(cipher(), with) || std::ptr::eq(cipher(), without));
    }
}
