//! OpenSSH's own private key format, openssh-key-v1 (PROTOCOL.key): plain,
//! or encrypted with bcrypt_pbkdf and AES (ctr, cbc, gcm).
//!
//! Each key's fields are decoded by `ssh-key` (`private_key`). The
//! envelope around them is read here, not by `ssh-key`'s
//! `PrivateKey::from_openssh`, because that one:
//! - reads only files of exactly one key, where 0.4.10 read any count
//!   (none gave an empty array) (`tests::ssh_key_reads_one_key_only`);
//! - decrypts with RustCrypto's ciphers (its `encryption` feature), and
//!   this engine's crypto stays on aws-lc;
//! - has its own messages ("invalid label: 'blowfish-cbc'"), not the
//!   ones 0.4.10 gave and apps match ("Unsupported cipher for OpenSSH
//!   key: blowfish-cbc") (`tests::ssh_key_messages_are_not_0410s`).

use super::error::{fail, KeyError, KeyResult};
use super::private::PrivateKey;
use super::public::Curve;
use super::sys::{self, FileCipher};
use super::{mpint, pem, Key};
use crate::wire::Reader;
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ssh_key::encoding::Decode;
use ssh_key::private::{DsaKeypair, Ed25519Keypair, RsaKeypair};
use ssh_key::public::EcdsaPublicKey;
use ssh_key::Mpint;
use std::borrow::Cow;
use zeroize::Zeroizing;

const MAGIC: &[u8] = b"openssh-key-v1\0";
const MALFORMED: &str = "Malformed OpenSSH private key";

/// How the private section is encrypted.
enum Cipher {
    File(FileCipher),
    Gcm(&'static aead::Algorithm),
}

impl Cipher {
    fn by_name(name: &str) -> Option<Cipher> {
        Some(match name {
            "aes128-ctr" => Cipher::File(FileCipher::Aes128Ctr),
            "aes192-ctr" => Cipher::File(FileCipher::Aes192Ctr),
            "aes256-ctr" => Cipher::File(FileCipher::Aes256Ctr),
            "aes128-cbc" => Cipher::File(FileCipher::Aes128Cbc),
            "aes192-cbc" => Cipher::File(FileCipher::Aes192Cbc),
            "aes256-cbc" => Cipher::File(FileCipher::Aes256Cbc),
            "aes128-gcm@openssh.com" => Cipher::Gcm(&aead::AES_128_GCM),
            "aes256-gcm@openssh.com" => Cipher::Gcm(&aead::AES_256_GCM),
            _ => return None,
        })
    }

    fn key_len(&self) -> usize {
        match self {
            Cipher::File(c) => c.key_len(),
            Cipher::Gcm(a) => a.key_len(),
        }
    }

    fn iv_len(&self) -> usize {
        match self {
            Cipher::File(c) => c.iv_len(),
            Cipher::Gcm(_) => 12,
        }
    }

    fn block_len(&self) -> usize {
        match self {
            Cipher::File(c) => c.block_len(),
            Cipher::Gcm(_) => 16,
        }
    }

    fn tag_len(&self) -> usize {
        match self {
            Cipher::File(_) => 0,
            Cipher::Gcm(_) => 16,
        }
    }
}

/// None when `text` is not an OpenSSH private key file.
pub fn parse(text: &str, passphrase: Option<&[u8]>) -> Option<KeyResult<Vec<Key>>> {
    // The label first: another PEM file is not decoded twice (here, and
    // again by the PEM reader).
    if !text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----") {
        return None;
    }
    Some(match pem::parse(text)? {
        Ok(block) => parse_body(&block.body, passphrase),
        Err(_) => fail(MALFORMED),
    })
}

fn parse_body(data: &[u8], passphrase: Option<&[u8]>) -> KeyResult<Vec<Key>> {
    if data.len() < 31 {
        return fail(MALFORMED);
    }
    if &data[..15] != MAGIC {
        return fail(format!(
            "Unsupported OpenSSH key magic: {}",
            String::from_utf8_lossy(&data[..15])
        ));
    }
    let bad = |_| KeyError::new(MALFORMED);
    let mut r = Reader::new(&data[15..]);
    let cipher_name = r.utf8().map_err(bad)?;
    let cipher =
        match cipher_name {
            "none" => None,
            name => Some(Cipher::by_name(name).ok_or_else(|| {
                KeyError::new(format!("Unsupported cipher for OpenSSH key: {name}"))
            })?),
        };
    let kdf_name = r.utf8().map_err(bad)?;
    match (kdf_name, &cipher) {
        ("none", None) => {}
        ("none", Some(_)) | (_, None) => return fail(MALFORMED),
        ("bcrypt", Some(_)) => {
            if passphrase.is_none_or(|p| p.is_empty()) {
                return fail("Encrypted private OpenSSH key detected, but no passphrase given");
            }
        }
        (other, _) => return fail(format!("Unsupported kdf name for OpenSSH key: {other}")),
    }
    let kdf_options = r.string().map_err(bad)?;
    let key_iv = match &cipher {
        None if !kdf_options.is_empty() => return fail(MALFORMED),
        None => None,
        Some(c) => {
            let mut o = Reader::new(kdf_options);
            let salt = o.string().map_err(bad)?;
            let rounds = o.u32().map_err(bad)?;
            if rounds == 0 {
                return fail(MALFORMED);
            }
            let mut out = Zeroizing::new(vec![0u8; c.key_len() + c.iv_len()]);
            bcrypt_pbkdf::bcrypt_pbkdf(passphrase.unwrap_or_default(), salt, rounds, &mut out)
                .map_err(|_| KeyError::new("Failed to generate information to decrypt key"))?;
            Some(out)
        }
    };
    let count = r.u32().map_err(bad)?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // Each public key takes at least its 4-byte length: a count larger than
    // that allows is malformed, and is refused before anything is sized by it.
    if count as usize > r.remaining() / 4 {
        return fail(MALFORMED);
    }
    for _ in 0..count {
        let public = r.string().map_err(bad)?;
        Reader::new(public).string().map_err(bad)?;
    }
    let sealed = r.string().map_err(bad)?;
    let private: Zeroizing<Vec<u8>> = match (&cipher, &key_iv) {
        (Some(c), Some(key_iv)) => {
            if sealed.len() < c.block_len() || sealed.len() % c.block_len() != 0 {
                return fail(MALFORMED);
            }
            let tag = r.bytes(c.tag_len()).map_err(bad)?;
            let (key, iv) = key_iv.split_at(c.key_len());
            Zeroizing::new(decrypt(c, key, iv, sealed, tag)?)
        }
        _ => Zeroizing::new(sealed.to_vec()),
    };
    if !r.is_empty() {
        return fail(MALFORMED);
    }
    parse_private_section(&private, count, cipher.is_some())
}

fn decrypt(
    cipher: &Cipher,
    key: &[u8],
    iv: &[u8],
    sealed: &[u8],
    tag: &[u8],
) -> KeyResult<Vec<u8>> {
    match cipher {
        Cipher::File(c) => {
            sys::decrypt(*c, key, iv, sealed, false).ok_or_else(|| KeyError::new(MALFORMED))
        }
        Cipher::Gcm(alg) => {
            let bad = || KeyError::new("OpenSSH key integrity check failed -- bad passphrase?");
            let key = LessSafeKey::new(UnboundKey::new(alg, key).map_err(|_| bad())?);
            let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| bad())?;
            let mut buf = [sealed, tag].concat();
            let plain = key
                .open_in_place(nonce, Aad::empty(), &mut buf)
                .map_err(|_| bad())?;
            Ok(plain.to_vec())
        }
    }
}

fn parse_private_section(data: &[u8], count: u32, encrypted: bool) -> KeyResult<Vec<Key>> {
    let bad = |_| KeyError::new(MALFORMED);
    let mut r = Reader::new(data);
    let (Ok(check1), Ok(check2)) = (r.u32(), r.u32()) else {
        return fail(MALFORMED);
    };
    if check1 != check2 {
        return fail(if encrypted {
            "OpenSSH key integrity check failed -- bad passphrase?"
        } else {
            "OpenSSH key integrity check failed"
        });
    }
    let mut keys = Vec::with_capacity(count as usize);
    let mut rest = r.rest();
    for _ in 0..count {
        let mut name = Reader::new(rest);
        let key_type = name.utf8().map_err(bad)?;
        rest = name.rest();
        let private = private_key(key_type, &mut rest)?;
        let mut after = Reader::new(rest);
        // 0.4.10 read the comment as UTF-8, replacing what is not.
        let comment = after.text().map_err(bad)?.into_owned();
        rest = after.rest();
        keys.push(Key::from_private(private, comment));
    }
    // The rest is padding 1, 2, 3, ... (PROTOCOL.key).
    for (i, &b) in rest.iter().enumerate() {
        if b as usize != (i + 1) % 255 {
            return fail(MALFORMED);
        }
    }
    Ok(keys)
}

/// One private key's fields after its type name, decoded by `ssh-key`
/// (which checks an Ed25519 key's two copies of its public half agree);
/// `fields` is left after them.
fn private_key(key_type: &str, fields: &mut &[u8]) -> KeyResult<PrivateKey> {
    let bad = |_| KeyError::new(MALFORMED);
    match key_type {
        "ssh-rsa" => {
            let k: RsaKeypair = decode_numbers(fields, 6)?;
            let (public, private) = (k.public(), k.private());
            PrivateKey::rsa(
                magnitude(public.n())?,
                magnitude(public.e())?,
                magnitude(private.d())?,
                magnitude(private.iqmp())?,
                magnitude(private.p())?,
                magnitude(private.q())?,
            )
        }
        "ssh-dss" => {
            let k: DsaKeypair = decode_numbers(fields, 5)?;
            let public = k.public();
            PrivateKey::dsa(
                magnitude(public.p())?,
                magnitude(public.q())?,
                magnitude(public.g())?,
                magnitude(public.y())?,
                magnitude(k.private().as_mpint())?,
            )
        }
        "ssh-ed25519" => {
            let k = Ed25519Keypair::decode(fields).map_err(bad)?;
            PrivateKey::ed25519(&Zeroizing::new(k.private.to_bytes())[..])
        }
        t if t.starts_with("ecdsa-sha2-") => {
            // ssh-key reads the curve and point. Not the scalar: its
            // EcdsaPrivateKey refuses a P-256 scalar shorter than 32 bytes,
            // which is how OpenSSH writes one below 2^248 (a key in 256;
            // `tests::short_p256_scalar`), and 0.4.10's getPrivatePEM()
            // shows the scalar's bytes as the file has them.
            let public = EcdsaPublicKey::decode(fields).map_err(bad)?;
            let curve = Curve::from_ssh_key(public.curve());
            if curve.key_type() != t {
                return fail(MALFORMED);
            }
            let mut r = Reader::new(fields);
            let d = r.mpint().map_err(|_| KeyError::new(MALFORMED))?;
            *fields = r.rest();
            PrivateKey::ecdsa(curve, d, Some(public.as_sec1_bytes()))
        }
        other => fail(format!("Unsupported OpenSSH private key type: {other}")),
    }
}

/// Decodes the `count` numbers at the front of `fields` as a `T`, made
/// canonical for `ssh-key` (`mpint`); a copy made for that is wiped after
/// use (they are the private key). `fields` is left after them.
fn decode_numbers<T: Decode<Error = ssh_key::Error>>(
    fields: &mut &[u8],
    count: usize,
) -> KeyResult<T> {
    let malformed = |_| KeyError::new(MALFORMED);
    let (tidy, used) = mpint::canonical(fields, count).ok_or_else(|| KeyError::new(MALFORMED))?;
    *fields = &fields[used..];
    match tidy {
        Cow::Borrowed(numbers) => T::decode(&mut &numbers[..]).map_err(malformed),
        Cow::Owned(copy) => T::decode(&mut &Zeroizing::new(copy)[..]).map_err(malformed),
    }
}

/// A positive number's big-endian magnitude.
fn magnitude(m: &Mpint) -> KeyResult<&[u8]> {
    m.as_positive_bytes()
        .ok_or_else(|| KeyError::new(MALFORMED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Writer;

    /// An unencrypted openssh-key-v1 body: cipher name `cipher`, the
    /// public key blobs, and the private keys' fields and comments.
    fn envelope(cipher: &str, publics: &[&[u8]], keys: &[u8]) -> Vec<u8> {
        let mut section = Writer::new();
        section.u32(7).u32(7).raw(keys);
        let mut section = section.into_vec();
        let mut pad = 1;
        while !section.len().is_multiple_of(8) {
            section.push(pad);
            pad += 1;
        }
        let mut w = Writer::new();
        w.raw(MAGIC)
            .string(cipher.as_bytes())
            .string(b"none")
            .string(b"");
        w.u32(publics.len() as u32);
        for public in publics {
            w.string(public);
        }
        w.string(&section);
        w.into_vec()
    }

    /// `envelope` holding Ed25519 `keys`, each with its comment.
    fn body(cipher: &str, keys: &[(&Key, &str)]) -> Vec<u8> {
        let mut fields = Writer::new();
        for (key, comment) in keys {
            let PrivateKey::Ed25519 { seed, public } = key.private.as_ref().unwrap() else {
                unreachable!()
            };
            let mut pair = seed.to_vec();
            pair.extend_from_slice(public);
            fields
                .string(b"ssh-ed25519")
                .string(public)
                .string(&pair)
                .string(comment.as_bytes());
        }
        let publics: Vec<&[u8]> = keys.iter().map(|(k, _)| k.public_blob()).collect();
        envelope(cipher, &publics, fields.as_slice())
    }

    /// An RSA key's numbers in openssh-key-v1's order: n, e, d, iqmp, p, q.
    fn rsa_numbers(key: &Key) -> [&[u8]; 6] {
        let PrivateKey::Rsa {
            n,
            e,
            d,
            p,
            q,
            iqmp,
            ..
        } = key.private.as_ref().unwrap()
        else {
            unreachable!()
        };
        [n, e, d, iqmp, p, q]
    }

    #[test]
    fn rsa_numbers_with_leading_zeros() {
        let key = Key::generate("ssh-rsa", 2048).unwrap();
        let [n, e, d, iqmp, p, q] = rsa_numbers(&key);
        let mut padded_e = vec![0];
        padded_e.extend_from_slice(e);
        let mut fields = Writer::new();
        fields
            .string(b"ssh-rsa")
            .mpint_unsigned(n)
            .string(&padded_e)
            .mpint_unsigned(d)
            .mpint_unsigned(iqmp)
            .mpint_unsigned(p)
            .mpint_unsigned(q)
            .string(b"padded");
        let data = envelope("none", &[key.public_blob()], fields.as_slice());
        assert!(ssh_key::PrivateKey::from_bytes(&data).is_err());
        let keys = parse_body(&data, None).unwrap();
        assert_eq!(keys[0].public, key.public);
        let sig = keys[0].sign("rsa-sha2-256", b"m").unwrap();
        assert!(key.verify("rsa-sha2-256", b"m", &sig));
    }

    #[test]
    fn ssh_key_reads_one_key_only() {
        let (a, b) = (
            Key::generate("ssh-ed25519", 0).unwrap(),
            Key::generate("ssh-ed25519", 0).unwrap(),
        );
        let one = body("none", &[(&a, "first")]);
        assert!(ssh_key::PrivateKey::from_bytes(&one).is_ok());
        let two = body("none", &[(&a, "first"), (&b, "second")]);
        assert!(ssh_key::PrivateKey::from_bytes(&two).is_err());
        let keys = parse_body(&two, None).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            (keys[0].comment.as_str(), keys[1].comment.as_str()),
            ("first", "second")
        );
        assert_eq!(keys[0].public, a.public);
        assert_eq!(keys[1].public, b.public);
        assert!(ssh_key::PrivateKey::from_bytes(&body("none", &[])).is_err());
        assert!(parse_body(&body("none", &[]), None).unwrap().is_empty());
    }

    #[test]
    fn ssh_key_messages_are_not_0410s() {
        let key = Key::generate("ssh-ed25519", 0).unwrap();
        let data = body("blowfish-cbc", &[(&key, "")]);
        let theirs = ssh_key::PrivateKey::from_bytes(&data)
            .unwrap_err()
            .to_string();
        assert_eq!(theirs, "invalid label: 'blowfish-cbc'");
        assert_eq!(
            parse_body(&data, None).err().unwrap().0,
            "Unsupported cipher for OpenSSH key: blowfish-cbc"
        );
    }

    #[test]
    fn mutated_bodies_never_panic() {
        // The binary body, where ssh-key's decoders meet the bytes (a
        // mutated base64 text mostly stops at the base64).
        let iters: usize = crate::fuzz_iters(20_000);
        let mut next = crate::test_rng(0x09e2_55e1_f00d_0001);
        let text = include_str!("../../__test__/fixtures/keys/openssh_ecdsa256_short_scalar");
        let ecdsa = pem::parse(text.trim()).unwrap().unwrap().body;
        let (a, b) = (
            Key::generate("ssh-ed25519", 0).unwrap(),
            Key::generate("ssh-ed25519", 0).unwrap(),
        );
        let two = body("none", &[(&a, "first"), (&b, "second")]);
        let rsa = Key::generate("ssh-rsa", 1024).unwrap();
        let mut fields = Writer::new();
        fields.string(b"ssh-rsa");
        for m in rsa_numbers(&rsa) {
            fields.mpint_unsigned(m);
        }
        fields.string(b"c");
        let rsa = envelope("none", &[rsa.public_blob()], fields.as_slice());
        let seeds = [ecdsa, two, rsa];
        for i in 0..iters {
            let mut input = seeds[i % seeds.len()].clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % input.len();
                match next() % 3 {
                    0 => input[at] ^= 1 << (next() % 8),
                    1 => input.truncate(at.max(1)),
                    _ => input.insert(at, next() as u8),
                }
            }
            let _ = parse_body(&input, None);
        }
    }

    #[test]
    fn short_p256_scalar() {
        // ssh-keygen's P-256 key whose scalar is below 2^248: OpenSSH
        // writes it as a 31-byte mpint, and ssh-key refuses the file.
        let text = include_str!("../../__test__/fixtures/keys/openssh_ecdsa256_short_scalar");
        let line = include_str!("../../__test__/fixtures/keys/openssh_ecdsa256_short_scalar.pub");
        assert!(ssh_key::PrivateKey::from_openssh(text).is_err());
        let keys = parse(text.trim(), None).unwrap().unwrap();
        let PrivateKey::Ecdsa { d, .. } = keys[0].private.as_ref().unwrap() else {
            unreachable!()
        };
        assert_eq!(d.len(), 31);
        let public = super::super::public_text::parse_openssh(line.trim())
            .unwrap()
            .unwrap();
        assert_eq!(keys[0].public, public.public);
        let sig = keys[0].sign("ecdsa-sha2-nistp256", b"data").unwrap();
        assert!(public.verify("ecdsa-sha2-nistp256", b"data", &sig));
    }
}
