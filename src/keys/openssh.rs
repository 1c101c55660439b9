//! OpenSSH's own private key format, openssh-key-v1 (PROTOCOL.key): plain,
//! or encrypted with bcrypt_pbkdf and AES (ctr, cbc, gcm).

use super::error::{fail, KeyError, KeyResult};
use super::private::PrivateKey;
use super::public::Curve;
use super::sys::{self, FileCipher};
use super::{pem, Key};
use crate::wire::Reader;
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
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
    let block = pem::parse(text)?;
    let Ok(block) = block else {
        return text
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
            .then(|| fail(MALFORMED));
    };
    if block.label != "OPENSSH PRIVATE KEY" {
        return None;
    }
    Some(parse_body(&block.body, passphrase))
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
    for _ in 0..count {
        let key_type = r.utf8().map_err(bad)?;
        let private = match key_type {
            "ssh-rsa" => {
                let n = r.mpint_positive().map_err(bad)?;
                let e = r.mpint_positive().map_err(bad)?;
                let d = r.mpint_positive().map_err(bad)?;
                let iqmp = r.mpint_positive().map_err(bad)?;
                let p = r.mpint_positive().map_err(bad)?;
                let q = r.mpint_positive().map_err(bad)?;
                PrivateKey::rsa(n, e, d, iqmp, p, q)?
            }
            "ssh-dss" => {
                let p = r.mpint_positive().map_err(bad)?;
                let q = r.mpint_positive().map_err(bad)?;
                let g = r.mpint_positive().map_err(bad)?;
                let y = r.mpint_positive().map_err(bad)?;
                let x = r.mpint_positive().map_err(bad)?;
                PrivateKey::dsa(p, q, g, y, x)?
            }
            "ssh-ed25519" => {
                let public = r.string().map_err(bad)?;
                let secret = r.string().map_err(bad)?;
                if public.len() != 32 || secret.len() != 64 || &secret[32..] != public {
                    return fail(MALFORMED);
                }
                PrivateKey::ed25519(&secret[..32])?
            }
            t if t.starts_with("ecdsa-sha2-") => {
                let curve = Curve::from_ssh_name(r.utf8().map_err(bad)?)
                    .filter(|c| c.key_type() == t)
                    .ok_or_else(|| KeyError::new(MALFORMED))?;
                let point = r.string().map_err(bad)?;
                let d = r.mpint().map_err(bad)?;
                PrivateKey::ecdsa(curve, d, Some(point))?
            }
            other => return fail(format!("Unsupported OpenSSH private key type: {other}")),
        };
        let comment = r.text().map_err(bad)?.into_owned();
        keys.push(Key::from_private(private, comment));
    }
    // The rest is padding 1, 2, 3, ... (PROTOCOL.key).
    for (i, &b) in r.rest().iter().enumerate() {
        if b as usize != (i + 1) % 255 {
            return fail(MALFORMED);
        }
    }
    Ok(keys)
}
