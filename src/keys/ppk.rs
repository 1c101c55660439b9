//! PuTTY private key files, versions 2 and 3: plain or aes256-cbc, with the
//! file's MAC checked (HMAC-SHA-1 keyed from the passphrase in v2; Argon2
//! key derivation and HMAC-SHA-256 in v3). The public key blob inside is
//! read by `ssh-key` (`PublicKey::from_blob`).
//!
//! The file itself is read here, not by `ssh-key`'s `ppk` feature
//! (`PrivateKey::from_ppk`), because that one: reads RSA keys only with its
//! `rsa` feature (a second, pure-Rust RSA); hands the file's Argon2 memory
//! setting to Argon2 unchecked, so a hostile file can ask it for up to
//! 4 TiB (`tests::hostile_argon2_memory_is_refused`); takes the passphrase
//! as a `String`, where 0.4.10 took any bytes; refuses a header it does not
//! know; has none of 0.4.10's messages; and would decrypt and MAC with
//! RustCrypto's AES, SHA-1 and HMAC where this engine's crypto stays on
//! aws-lc.

use super::error::{fail, KeyError, KeyResult};
use super::private::PrivateKey;
use super::public::PublicKey;
use super::sys::{self, FileCipher};
use super::Key;
use crate::wire::{Reader, Writer};
use aws_lc_rs::{constant_time, digest, hmac};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

struct Fields<'a> {
    version: u8,
    key_type: &'a str,
    encryption: &'a str,
    comment: &'a str,
    public: Vec<u8>,
    private: Vec<u8>,
    mac: &'a str,
    headers: Vec<(&'a str, &'a str)>,
}

impl Fields<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// Splits the file into its headers and base64 sections.
fn fields(text: &str) -> Option<Result<Fields<'_>, &'static str>> {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next()?;
    let (version, key_type) = if let Some(t) = first.strip_prefix("PuTTY-User-Key-File-2: ") {
        (2, t)
    } else if let Some(t) = first.strip_prefix("PuTTY-User-Key-File-3: ") {
        (3, t)
    } else {
        return None;
    };
    let mut headers = Vec::new();
    let mut public = None;
    let mut private = None;
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once(": ") else {
            return Some(Err("Malformed PPK key"));
        };
        if name == "Public-Lines" || name == "Private-Lines" {
            let Ok(n) = value.trim().parse::<usize>() else {
                return Some(Err("Malformed PPK key"));
            };
            let mut b64 = String::new();
            for _ in 0..n {
                match lines.next() {
                    Some(l) => b64.push_str(l.trim()),
                    None => return Some(Err("Malformed PPK key")),
                }
            }
            let Ok(bytes) = STANDARD.decode(b64) else {
                return Some(Err("Malformed PPK key"));
            };
            if name == "Public-Lines" {
                public = Some(bytes);
            } else {
                private = Some(bytes);
            }
        } else {
            headers.push((name, value));
        }
    }
    let get = |n: &str| headers.iter().find(|(h, _)| *h == n).map(|(_, v)| *v);
    let (Some(encryption), Some(comment), Some(mac), Some(public), Some(private)) = (
        get("Encryption"),
        get("Comment"),
        get("Private-MAC"),
        public,
        private,
    ) else {
        return Some(Err("Malformed PPK key"));
    };
    Some(Ok(Fields {
        version,
        key_type,
        encryption,
        comment,
        public,
        private,
        mac,
        headers,
    }))
}

/// None when `text` is not a PPK file.
pub fn parse(text: &str, passphrase: Option<&[u8]>) -> Option<KeyResult<Key>> {
    Some(match fields(text)? {
        Ok(f) => parse_fields(&f, passphrase),
        Err(e) => fail(e),
    })
}

/// The v3 Argon2 output: cipher key, IV and MAC key.
fn argon2_keys(f: &Fields<'_>, passphrase: &[u8]) -> KeyResult<Zeroizing<Vec<u8>>> {
    let bad = || KeyError::new("Malformed PPK key");
    let algorithm = match f.header("Key-Derivation").ok_or_else(bad)? {
        "Argon2id" => argon2::Algorithm::Argon2id,
        "Argon2i" => argon2::Algorithm::Argon2i,
        "Argon2d" => argon2::Algorithm::Argon2d,
        other => return fail(format!("Unsupported PPK key derivation: {other}")),
    };
    let num = |n: &str| {
        f.header(n)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .ok_or_else(bad)
    };
    let (memory, passes, lanes) = (
        num("Argon2-Memory")?,
        num("Argon2-Passes")?,
        num("Argon2-Parallelism")?,
    );
    // A hostile file could ask for any amount of memory: cap it at 1 GiB.
    if memory > 1 << 20 || passes > 1000 {
        return fail("PPK key derivation parameters are too large");
    }
    let salt = super::hex_decode(f.header("Argon2-Salt").ok_or_else(bad)?).ok_or_else(bad)?;
    let params = argon2::Params::new(memory, passes, lanes, Some(80)).map_err(|_| bad())?;
    let mut out = Zeroizing::new(vec![0u8; 80]);
    argon2::Argon2::new(algorithm, argon2::Version::V0x13, params)
        .hash_password_into(passphrase, &salt, &mut out)
        .map_err(|_| bad())?;
    Ok(out)
}

fn parse_fields(f: &Fields<'_>, passphrase: Option<&[u8]>) -> KeyResult<Key> {
    let encrypted = match f.encryption {
        "none" => false,
        "aes256-cbc" => true,
        other => return fail(format!("Unsupported PPK cipher: {other}")),
    };
    let passphrase = match passphrase {
        Some(p) if !p.is_empty() => p,
        _ if encrypted => {
            return fail("Encrypted PPK private key detected, but no passphrase given")
        }
        _ => &[],
    };
    // The cipher key and IV, and the MAC key and hash, by version.
    let (private, mac_key, mac_alg) = if f.version == 2 {
        let private = if encrypted {
            let mut key = Zeroizing::new(Vec::with_capacity(40));
            for counter in [0u32, 1] {
                let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
                ctx.update(&counter.to_be_bytes());
                ctx.update(passphrase);
                key.extend_from_slice(ctx.finish().as_ref());
            }
            decrypt(&key[..32], &[0u8; 16], &f.private)?
        } else {
            Zeroizing::new(f.private.clone())
        };
        let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(b"putty-private-key-file-mac-key");
        ctx.update(passphrase);
        let mac_key = Zeroizing::new(ctx.finish().as_ref().to_vec());
        (private, mac_key, hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY)
    } else if encrypted {
        let keys = argon2_keys(f, passphrase)?;
        let private = decrypt(&keys[..32], &keys[32..48], &f.private)?;
        (
            private,
            Zeroizing::new(keys[48..].to_vec()),
            hmac::HMAC_SHA256,
        )
    } else {
        (
            Zeroizing::new(f.private.clone()),
            Zeroizing::new(Vec::new()),
            hmac::HMAC_SHA256,
        )
    };

    let mut mac_data = Writer::new();
    mac_data
        .string(f.key_type.as_bytes())
        .string(f.encryption.as_bytes())
        .string(f.comment.as_bytes())
        .string(&f.public)
        .string(&private);
    let expected = hmac::sign(&hmac::Key::new(mac_alg, &mac_key), mac_data.as_slice());
    let given = super::hex_decode(f.mac).unwrap_or_default();
    if constant_time::verify_slices_are_equal(expected.as_ref(), &given).is_err() {
        return fail(if encrypted {
            "PPK private key integrity check failed -- bad passphrase?"
        } else {
            "PPK private key integrity check failed"
        });
    }

    let public =
        PublicKey::from_blob(&f.public).map_err(|_| KeyError::new("Malformed PPK public key"))?;
    if public.key_type() != f.key_type {
        return fail("Malformed PPK public key");
    }
    let bad = |_| KeyError::new("Malformed PPK private key");
    let mut r = Reader::new(&private);
    let key = match &public {
        PublicKey::Rsa { e, n } => {
            let d = r.mpint_positive().map_err(bad)?;
            let p = r.mpint_positive().map_err(bad)?;
            let q = r.mpint_positive().map_err(bad)?;
            let iqmp = r.mpint_positive().map_err(bad)?;
            PrivateKey::rsa(n, e, d, iqmp, p, q)?
        }
        PublicKey::Dsa { p, q, g, y } => {
            PrivateKey::dsa(p, q, g, y, r.mpint_positive().map_err(bad)?)?
        }
        PublicKey::Ecdsa { curve, point } => {
            PrivateKey::ecdsa(*curve, r.mpint_positive().map_err(bad)?, Some(point))?
        }
        PublicKey::Ed25519 { key } => {
            // PuTTY stores the 32-byte secret as a string.
            let seed = r.string().map_err(bad)?;
            let k = PrivateKey::ed25519(seed)?;
            if k.public() != (PublicKey::Ed25519 { key: *key }) {
                return fail("Malformed PPK private key");
            }
            k
        }
    };
    Ok(Key::from_private(key, f.comment.to_owned()))
}

fn decrypt(key: &[u8], iv: &[u8], data: &[u8]) -> KeyResult<Zeroizing<Vec<u8>>> {
    sys::decrypt(FileCipher::Aes256Cbc, key, iv, data, false)
        .map(Zeroizing::new)
        .ok_or_else(|| KeyError::new("Malformed PPK private key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENCRYPTED: &str = include_str!("../../__test__/fixtures/keys/ppk3_ed25519_enc.ppk");

    #[test]
    fn hostile_argon2_memory_is_refused() {
        let at = ENCRYPTED.find("Argon2-Memory: ").unwrap();
        let end = at + ENCRYPTED[at..].find('\n').unwrap();
        let hostile = format!(
            "{}Argon2-Memory: 4294967295{}",
            &ENCRYPTED[..at],
            &ENCRYPTED[end..]
        );
        // Refused by the cap before Argon2 runs (this message comes from
        // nowhere else); a wall-clock bound here would only flake on a busy
        // machine.
        let err = parse(&hostile, Some(b"node.js")).unwrap().err().unwrap();
        assert_eq!(err.0, "PPK key derivation parameters are too large");
        // The file as it was reads.
        assert!(parse(ENCRYPTED, Some(b"node.js")).unwrap().is_ok());
    }

    #[test]
    fn rsa_files_read_without_a_second_rsa() {
        let text = include_str!("../../__test__/fixtures/keys/ppk3_rsa.ppk");
        let key = parse(text, None).unwrap().unwrap();
        assert_eq!(key.key_type(), "ssh-rsa");
        let sig = key.sign("rsa-sha2-256", b"data").unwrap();
        assert!(key.verify("rsa-sha2-256", b"data", &sig));
    }
}
