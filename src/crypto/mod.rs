//! The algorithms behind the transport, each named as SSH names it: packet
//! ciphers and MACs (what protects a packet: per algorithm an opening key
//! and a sealing key, `packet_io`), key agreement and its groups, and the
//! big-number arithmetic under DH and the legacy key types.
//! Everything comes from aws-lc (aws-lc-rs, or aws-lc-sys where the safe API
//! stops). The transport and the key code use this module; it uses neither.

pub mod bignum;
pub mod chacha;
pub mod cipher_mac;
pub mod cleartext;
pub mod cpu;
mod dh_groups;
pub mod evp;
pub mod gcm;
pub mod kex;
pub mod keystream;
pub mod mac;
pub mod packet_io;
pub mod signature;

use evp::EvpAlg;

/// A packet cipher, by SSH name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherSpec {
    /// aes128-gcm@openssh.com / aes256-gcm@openssh.com (and the RFC 5647
    /// names, which 0.4.10 treated the same): RFC 5647 with OpenSSH's
    /// length-as-AAD framing.
    AesGcm { key_len: usize },
    /// chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305).
    ChaCha20Poly1305,
    /// A block or stream cipher used with a separate MAC.
    Evp(EvpAlg),
}

impl CipherSpec {
    pub fn from_name(name: &str) -> Option<CipherSpec> {
        Some(match name {
            "aes128-gcm@openssh.com" | "aes128-gcm" => CipherSpec::AesGcm { key_len: 16 },
            "aes256-gcm@openssh.com" | "aes256-gcm" => CipherSpec::AesGcm { key_len: 32 },
            "chacha20-poly1305@openssh.com" => CipherSpec::ChaCha20Poly1305,
            "aes128-ctr" => CipherSpec::Evp(EvpAlg::Aes128Ctr),
            "aes192-ctr" => CipherSpec::Evp(EvpAlg::Aes192Ctr),
            "aes256-ctr" => CipherSpec::Evp(EvpAlg::Aes256Ctr),
            "aes128-cbc" => CipherSpec::Evp(EvpAlg::Aes128Cbc),
            "aes192-cbc" => CipherSpec::Evp(EvpAlg::Aes192Cbc),
            "aes256-cbc" => CipherSpec::Evp(EvpAlg::Aes256Cbc),
            "3des-cbc" => CipherSpec::Evp(EvpAlg::TripleDesCbc),
            "blowfish-cbc" => CipherSpec::Evp(EvpAlg::BlowfishCbc),
            "cast128-cbc" => CipherSpec::Evp(EvpAlg::Cast128Cbc),
            "arcfour" | "arcfour128" => CipherSpec::Evp(EvpAlg::Rc4 { key_len: 16 }),
            "arcfour256" => CipherSpec::Evp(EvpAlg::Rc4 { key_len: 32 }),
            _ => return None,
        })
    }

    /// AEAD ciphers authenticate the packet themselves; no MAC is used.
    pub fn is_aead(self) -> bool {
        !matches!(self, CipherSpec::Evp(_))
    }

    pub fn key_len(self) -> usize {
        match self {
            CipherSpec::AesGcm { key_len } => key_len,
            CipherSpec::ChaCha20Poly1305 => 64,
            CipherSpec::Evp(a) => a.key_len(),
        }
    }

    pub fn iv_len(self) -> usize {
        match self {
            CipherSpec::AesGcm { .. } => 12,
            CipherSpec::ChaCha20Poly1305 => 0,
            CipherSpec::Evp(a) => a.iv_len(),
        }
    }

    /// The size the encrypted part is padded to a multiple of.
    pub fn block_len(self) -> usize {
        match self {
            CipherSpec::AesGcm { .. } => 16,
            CipherSpec::ChaCha20Poly1305 => 8,
            CipherSpec::Evp(a) => a.block_len(),
        }
    }

    pub fn tag_len(self) -> usize {
        match self {
            CipherSpec::AesGcm { .. } | CipherSpec::ChaCha20Poly1305 => 16,
            CipherSpec::Evp(_) => 0,
        }
    }
}

/// Whether the engine implements a name the registry lists, by category
/// ("kex", "serverHostKey", "cipher", "hmac", "compress").
pub fn implemented(category: &str, name: &str) -> bool {
    match category {
        "kex" => kex::KexSpec::from_name(name).is_some(),
        "serverHostKey" => signature::is_host_key_algorithm(name),
        "cipher" => CipherSpec::from_name(name).is_some(),
        "hmac" => mac::MacSpec::from_name(name).is_some(),
        "compress" => matches!(name, "none" | "zlib" | "zlib@openssh.com"),
        _ => false,
    }
}

/// crypto sits below the layers that use it: it reads no module of theirs,
/// so an algorithm can be tested, and later moved, on its own.
#[cfg(test)]
mod layering_tests {
    #[test]
    fn crypto_uses_no_layer_above_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/crypto");
        // Built here so this file does not name them itself.
        let above: Vec<String> = ["transport", "ssh", "sftp", "keys", "node"]
            .iter()
            .flat_map(|m| [format!("crate::{m}"), format!("super::super::{m}")])
            .collect();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("src/crypto is readable") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("a source file");
            for (n, line) in text.lines().enumerate() {
                for a in &above {
                    assert!(
                        !line.contains(a.as_str()),
                        "{}:{}: crypto must not use {a}",
                        path.display(),
                        n + 1
                    );
                }
            }
        }
        assert!(files >= 8, "read {files} files of src/crypto");
    }
}

#[cfg(test)]
mod rng_tests {
    // aws-lc's own test hook; the ids are those of
    // crypto/fipsmodule/rand/entropy/internal.h.
    extern "C" {
        fn aws_lc_0_47_0_get_entropy_source_method_id_FOR_TESTING() -> std::os::raw::c_int;
    }
    const OPT_OUT_CPU_JITTER_ENTROPY_SOURCE: std::os::raw::c_int = 2;

    /// .cargo/config.toml builds aws-lc without CPU jitter entropy (~30 ms
    /// of CPU at each process's first random draw): seeds come from the OS.
    #[test]
    fn random_seeds_come_from_the_os_not_cpu_jitter() {
        let mut b = [0u8; 16];
        aws_lc_rs::rand::fill(&mut b).expect("the OS has entropy");
        // SAFETY: a plain getter with no arguments.
        let id = unsafe { aws_lc_0_47_0_get_entropy_source_method_id_FOR_TESTING() };
        assert_eq!(id, OPT_OUT_CPU_JITTER_ENTROPY_SOURCE);
    }
}
