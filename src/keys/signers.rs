//! A private key's signing contexts, built at its first signature and kept
//! with the key. Building them is most of what signing costs: aws-lc's RSA
//! object computes its Montgomery contexts and blinding on first use, and
//! an ECDSA or Ed25519 key pair re-derives and checks the public point. A
//! host key signs once per handshake, so this is per connection.

use super::error::{KeyError, KeyResult};
use super::sys::RsaSigner;
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair};
use std::sync::OnceLock;

/// Empty until first used; shared by every session the key serves.
#[derive(Default)]
pub struct Signers {
    pub(super) rsa: OnceLock<KeyResult<RsaSigner>>,
    /// ECDSA with r||s output (the SSH form) and with DER output (0.4.10's
    /// `key.sign()`).
    pub(super) ecdsa_fixed: OnceLock<KeyResult<EcdsaKeyPair>>,
    pub(super) ecdsa_asn1: OnceLock<KeyResult<EcdsaKeyPair>>,
    pub(super) ed25519: OnceLock<KeyResult<Ed25519KeyPair>>,
}

/// The context in `cell`, built by `build` the first time. A key that
/// cannot sign fails the same way every time.
pub(super) fn cached<T>(
    cell: &OnceLock<KeyResult<T>>,
    build: impl FnOnce() -> KeyResult<T>,
) -> KeyResult<&T> {
    cell.get_or_init(build)
        .as_ref()
        .map_err(|e| KeyError::new(e.0.clone()))
}

#[cfg(test)]
mod tests {
    use crate::keys::Key;

    #[test]
    fn a_key_builds_its_signing_context_once_and_keeps_it() {
        for (key_type, bits, algo) in [
            ("ssh-rsa", 2048, "rsa-sha2-256"),
            ("ecdsa-sha2-nistp256", 0, "ecdsa-sha2-nistp256"),
            ("ssh-ed25519", 0, "ssh-ed25519"),
        ] {
            let key = Key::generate(key_type, bits).unwrap();
            let s = &key.signers;
            let built = || {
                s.rsa.get().is_some() as u8
                    + s.ecdsa_fixed.get().is_some() as u8
                    + s.ed25519.get().is_some() as u8
            };
            assert_eq!(built(), 0, "{key_type}: nothing before the first signature");
            let first = key.sign(algo, b"exchange hash").unwrap();
            assert_eq!(built(), 1, "{key_type}: its one context after it");
            let second = key.sign(algo, b"exchange hash").unwrap();
            assert!(key.verify(algo, b"exchange hash", &first));
            assert!(key.verify(algo, b"exchange hash", &second));
            assert!(!key.verify(algo, b"another hash", &second));
        }
    }
}
