//! Key files and key objects: OpenSSH (openssh-key-v1, plain and
//! bcrypt-encrypted), PEM (PKCS#1, DSA, SEC1, PKCS#8, legacy-encrypted and
//! PBES2-encrypted), PuTTY PPK v2/v3, OpenSSH public key lines (and
//! certificates) and RFC 4716 public keys; types ssh-rsa, ssh-dss,
//! ecdsa-sha2-nistp256/384/521 and ssh-ed25519.
//!
//! The API the rest of the engine uses:
//! - [`parse`]`(data, passphrase)` → the keys in a file (`Vec<Key>`), or the
//!   error 0.4.10 gave;
//! - [`Key::from_public_blob`] for keys that arrive on the wire;
//! - [`Key::sign`]`(sig_algo, data)` → the signature blob's inner signature
//!   (raw RSA; 40-byte r||s for DSA; mpint r, mpint s for ECDSA; 64 bytes
//!   Ed25519), and [`Key::verify`] for the same form;
//! - [`Key::generate`] for ed25519, ecdsa and rsa keys.
//!
//! What the `ssh-key` crate reads: public key blobs (`PublicKey::from_blob`,
//! so also the blobs inside public key lines, RFC 4716 and PPK files, and
//! the key a certificate certifies), each private key's fields in an
//! OpenSSH file (`openssh::private_key`), and whole certificates
//! (`cert_check`). What it does not, and so is read here: PEM and PKCS#8
//! files and RFC 4716 (it has no such reader), the openssh-key-v1 envelope
//! and the ECDSA scalar in it, PPK files and the public key line's split
//! (each file says why). Signing, verifying and decrypting are aws-lc's.
//!
//! Key derivation for encrypted files is slow by design and runs only in
//! `parse`: bcrypt_pbkdf costs about 7.4 ms per round on the 2-core build
//! machine (OpenSSH's default of 16 rounds: 118 ms; 64 rounds: 475 ms,
//! medians of 5); PPK v3's Argon2 runs with the file's own memory and pass
//! settings (capped at 1 GiB and 1000 passes).

mod bounds;
pub mod cert_check;
pub mod certified;
mod der;
pub mod error;
mod mpint;
mod openssh;
mod pem;
mod pem_keys;
mod ppk;
mod private;
mod public;
mod public_text;
mod signers;
mod sys;

pub use certified::CERT_SUFFIX;
pub use error::{KeyError, KeyResult};
pub use private::PrivateKey;
pub use public::{Curve, PublicKey};

/// A parsed key: public, or public and private.
pub struct Key {
    /// The key's type name ("ssh-rsa", ...; a certificate's is the type of
    /// the key it certifies).
    pub key_type: String,
    pub comment: String,
    pub public: PublicKey,
    /// The public key blob as the source gave it (a certificate stays one).
    pub public_blob: Vec<u8>,
    pub private: Option<PrivateKey>,
    /// What `getPrivatePEM()` returns, when it differs from what the
    /// components would give (0.4.10 kept old-format files' own bytes).
    pub private_pem_override: Option<String>,
    /// The private key's signing contexts, kept after the first signature.
    signers: signers::Signers,
}

/// The hash 0.4.10 used for a key type's `sign()`/`verify()` by default.
fn default_hash(public: &PublicKey) -> Option<&'static str> {
    match public {
        PublicKey::Rsa { .. } | PublicKey::Dsa { .. } => Some("sha1"),
        PublicKey::Ecdsa { curve, .. } => Some(curve.hash_name()),
        PublicKey::Ed25519 { .. } => None,
    }
}

impl Key {
    pub fn from_private(private: PrivateKey, comment: String) -> Key {
        let public = private.public();
        Key {
            key_type: public.key_type().to_owned(),
            comment,
            public_blob: public.to_blob(),
            public,
            private: Some(private),
            private_pem_override: None,
            signers: Default::default(),
        }
    }

    pub fn from_public(public: PublicKey, comment: String) -> Key {
        Key {
            key_type: public.key_type().to_owned(),
            comment,
            public_blob: public.to_blob(),
            public,
            private: None,
            private_pem_override: None,
            signers: Default::default(),
        }
    }

    /// A key from an SSH public key blob (certificates included).
    pub fn from_public_blob(blob: &[u8]) -> KeyResult<Key> {
        let public = PublicKey::from_blob(blob)?;
        Ok(Key {
            key_type: public.key_type().to_owned(),
            comment: String::new(),
            public,
            public_blob: blob.to_vec(),
            private: None,
            private_pem_override: None,
            signers: Default::default(),
        })
    }

    pub fn generate(key_type: &str, bits: u32) -> KeyResult<Key> {
        Ok(Key::from_private(
            PrivateKey::generate(key_type, bits)?,
            String::new(),
        ))
    }

    pub fn key_type(&self) -> &str {
        &self.key_type
    }

    pub fn public_blob(&self) -> &[u8] {
        &self.public_blob
    }

    /// The blob `getPublicSSH()` gives: the certificate attached to this
    /// private key, if any, else the key's own (a certificate line on its
    /// own reads as the key it certifies, as 0.4.10 read it).
    pub fn presented_blob(&self) -> Vec<u8> {
        if certified::is_certified(self) {
            self.public_blob.clone()
        } else {
            self.public.to_blob()
        }
    }

    pub fn is_private(&self) -> bool {
        self.private.is_some()
    }

    pub fn public_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.public.to_spki())
    }

    pub fn private_pem(&self) -> Option<String> {
        if let Some(p) = &self.private_pem_override {
            return Some(p.clone());
        }
        self.private.as_ref().map(PrivateKey::to_pem)
    }

    /// SSH-form signature for signature algorithm `sig_algo`.
    pub fn sign(&self, sig_algo: &str, data: &[u8]) -> KeyResult<Vec<u8>> {
        match &self.private {
            Some(p) => p.sign_ssh(&self.signers, sig_algo, data),
            None => error::fail("No private key available"),
        }
    }

    /// Checks an SSH-form signature made with `sig_algo`.
    pub fn verify(&self, sig_algo: &str, data: &[u8], signature: &[u8]) -> bool {
        self.public.verify_ssh(sig_algo, data, signature)
    }

    /// 0.4.10's `key.sign(data)`: raw RSA/Ed25519, DER DSA/ECDSA; `hash`
    /// ("sha1", "sha256", "sha512") overrides RSA's default SHA-1.
    pub fn sign_native(&self, hash: Option<&str>, data: &[u8]) -> KeyResult<Vec<u8>> {
        match &self.private {
            Some(p) => p.sign_native(&self.signers, hash.or(default_hash(&self.public)), data),
            None => error::fail("No private key available"),
        }
    }

    /// 0.4.10's `key.verify(data, signature)`.
    pub fn verify_native(&self, hash: Option<&str>, data: &[u8], signature: &[u8]) -> bool {
        self.public
            .verify_native(hash.or(default_hash(&self.public)), data, signature)
    }
}

/// What `parse` found: 0.4.10 gave an array for OpenSSH-format private key
/// files (which may hold several keys) and a single key otherwise.
pub enum Parsed {
    One(Box<Key>),
    Many(Vec<Key>),
}

impl Parsed {
    pub fn into_vec(self) -> Vec<Key> {
        match self {
            Parsed::One(k) => vec![*k],
            Parsed::Many(v) => v,
        }
    }
}

/// Inputs above this size are refused before any parsing (a key file is a
/// few KiB; 16384-bit RSA in PPK is under 20 KiB).
pub const MAX_KEY_FILE: usize = 1 << 20;

/// Parses key data as 0.4.10's `parseKey` did, trying each format in its
/// order: OpenSSH private, PEM private, PPK, OpenSSH public, RFC 4716. A
/// private key followed by its certificate line gives the key with the
/// certificate attached (`certified`).
pub fn parse(data: &[u8], passphrase: Option<&[u8]>) -> KeyResult<Parsed> {
    if data.len() > MAX_KEY_FILE {
        return error::fail("Key data is too large");
    }
    // from_utf8's check is several times faster than from_utf8_lossy's on
    // the valid UTF-8 every key text is; the result is the same.
    let text = match std::str::from_utf8(data) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(data),
    };
    let text = text.trim();
    let Some((key_text, cert_line)) = certified::split(text) else {
        return parse_text(text, passphrase);
    };
    let mut parsed = parse_text(key_text, passphrase)?;
    match &mut parsed {
        Parsed::One(key) => certified::attach(std::slice::from_mut(&mut **key), cert_line)?,
        Parsed::Many(keys) => certified::attach(keys, cert_line)?,
    }
    Ok(parsed)
}

/// One key text in any of the formats (no certificate line after it).
fn parse_text(text: &str, passphrase: Option<&[u8]>) -> KeyResult<Parsed> {
    if let Some(r) = openssh::parse(text, passphrase) {
        return r.map(Parsed::Many);
    }
    if let Some(r) = pem_keys::parse(text, passphrase) {
        return r.map(|k| Parsed::One(Box::new(k)));
    }
    if let Some(r) = ppk::parse(text, passphrase) {
        return r.map(|k| Parsed::One(Box::new(k)));
    }
    if let Some(r) = public_text::parse_openssh(text) {
        return r.map(|k| Parsed::One(Box::new(k)));
    }
    if let Some(r) = public_text::parse_rfc4716(text) {
        return r.map(|k| Parsed::One(Box::new(k)));
    }
    error::fail("Unsupported key format")
}

/// Hex text (surrounding spaces ignored) to bytes.
fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng as rng;

    #[test]
    fn parse_never_panics_on_mutated_input() {
        let iters: usize = crate::fuzz_iters(3_000);
        let mut next = rng(0x5eed_1234_abcd_ef01);
        // Seeds in each format: OpenSSH private (via a generated key's PEM
        // text re-wrapped), public line, PEM.
        let key = Key::generate("ecdsa-sha2-nistp256", 0).unwrap();
        let pem = key.private_pem().unwrap();
        let line = format!(
            "ecdsa-sha2-nistp256 {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                key.public_blob()
            )
        );
        // And the key followed by a certificate line (its blob, relabelled:
        // the attach path reads it as a certificate of the key).
        let mut cert = crate::wire::Writer::new();
        cert.string(b"ecdsa-sha2-nistp256-cert-v01@openssh.com")
            .string(b"nonce");
        key.public.write_fields(&mut cert);
        let certified = format!(
            "{pem}\necdsa-sha2-nistp256-cert-v01@openssh.com {}\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, cert.into_vec())
        );
        assert!(parse(certified.as_bytes(), None).is_ok());
        let seeds: Vec<Vec<u8>> = vec![pem.into_bytes(), line.into_bytes(), certified.into_bytes()];
        for i in 0..iters {
            let mut input = seeds[i % seeds.len()].clone();
            let flips = 1 + next() % 4;
            for _ in 0..flips {
                let at = (next() as usize) % input.len();
                match next() % 3 {
                    0 => input[at] ^= 1 << (next() % 8),
                    1 => input.truncate(at.max(1)),
                    _ => input.insert(at, next() as u8),
                }
            }
            let _ = parse(
                &input,
                if i % 2 == 0 {
                    Some(b"pw".as_slice())
                } else {
                    None
                },
            );
        }
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = vec![b'A'; MAX_KEY_FILE + 1];
        assert_eq!(parse(&big, None).err().unwrap().0, "Key data is too large");
    }
}
