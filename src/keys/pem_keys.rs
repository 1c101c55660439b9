//! PEM private keys: PKCS#1 RSA, OpenSSL DSA and SEC1 EC ("old" OpenSSH
//! format), optionally encrypted the RFC 1421 way (Proc-Type/DEK-Info with
//! EVP_BytesToKey-MD5), and PKCS#8, plain or PBES2-encrypted.

use super::bounds;
use super::der::{self, oid, DerReader};
use super::error::{fail, KeyError, KeyResult};
use super::private::PrivateKey;
use super::public::Curve;
use super::sys::{self, FileCipher};
use super::{pem, Key};
use aws_lc_rs::pbkdf2;
use std::num::NonZeroU32;
use zeroize::Zeroizing;

/// None when `text` is not a PEM private key this module reads.
pub fn parse(text: &str, passphrase: Option<&[u8]>) -> Option<KeyResult<Key>> {
    let block = match pem::parse(text)? {
        Ok(b) => b,
        Err(_) => return None,
    };
    match block.label {
        "RSA PRIVATE KEY" | "DSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            Some(old_format(&block, passphrase))
        }
        "PRIVATE KEY" => Some(pkcs8(&block.body, false)),
        "ENCRYPTED PRIVATE KEY" => Some(match passphrase {
            Some(p) if !p.is_empty() => pkcs8_encrypted(&block.body, p),
            _ => fail("Encrypted private key detected, but no passphrase given"),
        }),
        _ => None,
    }
}

/// The cipher a DEK-Info header names.
fn dek_cipher(name: &str) -> Option<FileCipher> {
    Some(match name.to_ascii_lowercase().as_str() {
        "aes-128-cbc" => FileCipher::Aes128Cbc,
        "aes-192-cbc" => FileCipher::Aes192Cbc,
        "aes-256-cbc" => FileCipher::Aes256Cbc,
        "des-ede3-cbc" => FileCipher::TripleDesCbc,
        _ => return None,
    })
}

/// OpenSSL's EVP_BytesToKey with MD5 and one iteration, salted with the
/// first 8 bytes of the IV: the key derivation of RFC 1421-encrypted PEM.
fn bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < len {
        let block = Zeroizing::new([prev.as_slice(), passphrase, salt].concat());
        let d = sys::md5(&block);
        out.extend_from_slice(&d);
        prev = d.to_vec();
    }
    out.truncate(len);
    out
}

fn old_format(block: &pem::Pem<'_>, passphrase: Option<&[u8]>) -> KeyResult<Key> {
    let mut body = Zeroizing::new(block.body.clone());
    let mut decrypted = false;
    if let Some(info) = block.header("DEK-Info") {
        let (name, iv_hex) = info.split_once(',').unwrap_or((info, ""));
        let cipher = dek_cipher(name).ok_or_else(|| {
            KeyError::new(format!(
                "Cipher ({}) not supported for encrypted OpenSSH private key",
                name.to_ascii_lowercase()
            ))
        })?;
        let iv = super::hex_decode(iv_hex).filter(|iv| iv.len() == cipher.iv_len());
        let Some(iv) = iv else {
            return fail("Malformed encrypted OpenSSH private key");
        };
        let pass = match passphrase {
            Some(p) if !p.is_empty() => p,
            _ => return fail("Encrypted OpenSSH private key detected, but no passphrase given"),
        };
        let key = bytes_to_key(pass, &iv[..8], cipher.key_len());
        // 0.4.10 kept the padding bytes, and getPrivatePEM() shows them.
        body = Zeroizing::new(
            sys::decrypt(cipher, &key, &iv, &block.body, false)
                .ok_or_else(|| KeyError::new("Malformed OpenSSH private key. Bad passphrase?"))?,
        );
        decrypted = true;
    }
    let err = if decrypted {
        "Malformed OpenSSH private key. Bad passphrase?"
    } else {
        "Malformed OpenSSH private key"
    };
    let private = match block.label {
        "RSA PRIVATE KEY" if decrypted => pkcs1_rsa(&body).and_then(Result::ok),
        "RSA PRIVATE KEY" => pkcs1_rsa(&body)
            .and_then(Result::ok)
            .or_else(|| pkcs1_rsa_public_only(&body)),
        "DSA PRIVATE KEY" => openssl_dsa(&body),
        _ => match sec1_ec(&body, None) {
            Err(e) if e.0.starts_with("Unsupported") => return Err(e),
            r => r.ok(),
        },
    }
    .ok_or_else(|| KeyError::new(err))?;
    let mut key = Key::from_private(private, String::new());
    key.private_pem_override = Some(pem::encode(block.label, &body));
    Ok(key)
}

/// RSAPrivateKey (RFC 8017 A.1.2): None when the DER does not read,
/// Some(Err) when its numbers are refused.
fn pkcs1_rsa(der_bytes: &[u8]) -> Option<KeyResult<PrivateKey>> {
    let mut s = DerReader::new(der_bytes).sequence()?;
    s.small_uint()?;
    let n = s.uint()?;
    let e = s.uint()?;
    let d = s.uint()?;
    let p = s.uint()?;
    let q = s.uint()?;
    let (_dmp1, _dmq1) = (s.uint()?, s.uint()?);
    let iqmp = s.uint()?;
    Some(PrivateKey::rsa(n, e, d, iqmp, p, q))
}

/// A truncated RSAPrivateKey whose version, n and e still read: a key that
/// parses but cannot sign, as 0.4.10 treated it.
fn pkcs1_rsa_public_only(der_bytes: &[u8]) -> Option<PrivateKey> {
    let mut s = DerReader::new(der_bytes).truncated_sequence()?;
    s.small_uint()?;
    let (n, e) = (s.uint()?, s.uint()?);
    super::bounds::rsa(n, &[e]).ok()?;
    let public = super::public::PublicKey::Rsa {
        e: e.to_vec(),
        n: n.to_vec(),
    };
    Some(PrivateKey::Unreadable { public })
}

/// OpenSSL's DSAPrivateKey: version, p, q, g, y, x.
fn openssl_dsa(der_bytes: &[u8]) -> Option<PrivateKey> {
    let mut s = DerReader::new(der_bytes).sequence()?;
    s.small_uint()?;
    let (p, q, g, y, x) = (s.uint()?, s.uint()?, s.uint()?, s.uint()?, s.uint()?);
    PrivateKey::dsa(p, q, g, y, x).ok()
}

/// ECPrivateKey (RFC 5915); `curve` comes from PKCS#8 when the key omits it.
fn sec1_ec(der_bytes: &[u8], curve: Option<Curve>) -> KeyResult<PrivateKey> {
    let bad = || KeyError::new("Malformed OpenSSH private key");
    let mut s = DerReader::new(der_bytes).sequence().ok_or_else(bad)?;
    s.small_uint().ok_or_else(bad)?;
    let d = s.expect(der::OCTET_STRING).ok_or_else(bad)?;
    let mut curve = curve;
    let mut point = None;
    while let Some(t) = s.next() {
        match t.tag {
            0xa0 => {
                let o = DerReader::new(t.content).expect(der::OID).ok_or_else(bad)?;
                curve = Some(Curve::from_oid(o).ok_or_else(|| {
                    KeyError::new(format!("Unsupported private key EC OID: {}", oid_text(o)))
                })?);
            }
            0xa1 => {
                let bits = DerReader::new(t.content)
                    .expect(der::BIT_STRING)
                    .ok_or_else(bad)?;
                point = bits.split_first().map(|(_, p)| p);
            }
            _ => {}
        }
    }
    PrivateKey::ecdsa(curve.ok_or_else(bad)?, d, point)
}

/// Dotted text of an OID's content bytes, for error messages.
fn oid_text(o: &[u8]) -> String {
    let mut parts = Vec::new();
    if let Some((&first, rest)) = o.split_first() {
        parts.push((first / 40) as u64);
        parts.push((first % 40) as u64);
        let mut v = 0u64;
        for &b in rest {
            v = (v << 7) | (b & 0x7f) as u64;
            if b & 0x80 == 0 {
                parts.push(v);
                v = 0;
            }
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// PrivateKeyInfo (RFC 5208 / 8410).
fn pkcs8(der_bytes: &[u8], decrypted: bool) -> KeyResult<Key> {
    let err = if decrypted {
        "Malformed private key. Bad passphrase?"
    } else {
        "Malformed private key"
    };
    let bad = || KeyError::new(err);
    let mut s = DerReader::new(der_bytes).sequence().ok_or_else(bad)?;
    s.small_uint().ok_or_else(bad)?;
    let mut alg = s.sequence().ok_or_else(bad)?;
    let id = alg.expect(der::OID).ok_or_else(bad)?;
    let inner = s.expect(der::OCTET_STRING).ok_or_else(bad)?;
    let private = if id == oid::RSA_ENCRYPTION {
        pkcs1_rsa(inner).ok_or_else(bad)??
    } else if id == oid::EC_PUBLIC_KEY {
        let curve = alg
            .expect(der::OID)
            .and_then(Curve::from_oid)
            .ok_or_else(|| KeyError::new("Unsupported EC curve in private key"))?;
        sec1_ec(inner, Some(curve))?
    } else if id == oid::DSA {
        let mut params = alg.sequence().ok_or_else(bad)?;
        let (p, q, g) = (
            params.uint().ok_or_else(bad)?,
            params.uint().ok_or_else(bad)?,
            params.uint().ok_or_else(bad)?,
        );
        let x = DerReader::new(inner).uint().ok_or_else(bad)?;
        // Bounded before y = g^x mod p, whose cost grows with p and x.
        bounds::dsa(p, q, g, None)?;
        bounds::dsa_private(q, x)?;
        let y = dsa_public(p, g, x).ok_or_else(bad)?;
        PrivateKey::dsa(p, q, g, &y, x)?
    } else if id == oid::ED25519 {
        let seed = DerReader::new(inner)
            .expect(der::OCTET_STRING)
            .ok_or_else(bad)?;
        PrivateKey::ed25519(seed)?
    } else {
        return fail(format!(
            "Unsupported private key algorithm: {}",
            oid_text(id)
        ));
    };
    Ok(Key::from_private(private, String::new()))
}

/// y = g^x mod p, for PKCS#8 DSA keys that carry only x.
fn dsa_public(p: &[u8], g: &[u8], x: &[u8]) -> Option<Vec<u8>> {
    crate::crypto::bignum::mod_exp(g, x, p)
}

/// EncryptedPrivateKeyInfo with PBES2 (PBKDF2-HMAC-SHA1/256/512 and
/// AES-CBC or 3DES-CBC), RFC 8018.
fn pkcs8_encrypted(der_bytes: &[u8], passphrase: &[u8]) -> KeyResult<Key> {
    let bad = || KeyError::new("Malformed encrypted private key");
    let mut s = DerReader::new(der_bytes).sequence().ok_or_else(bad)?;
    let mut alg = s.sequence().ok_or_else(bad)?;
    if alg.expect(der::OID) != Some(oid::PBES2) {
        return fail("Unsupported encryption for private key (only PBES2 is)");
    }
    let data = s.expect(der::OCTET_STRING).ok_or_else(bad)?;
    let mut params = alg.sequence().ok_or_else(bad)?;
    let mut kdf = params.sequence().ok_or_else(bad)?;
    if kdf.expect(der::OID) != Some(oid::PBKDF2) {
        return fail("Unsupported key derivation for private key (only PBKDF2 is)");
    }
    let mut kdf_params = kdf.sequence().ok_or_else(bad)?;
    let salt = kdf_params.expect(der::OCTET_STRING).ok_or_else(bad)?;
    let iterations = kdf_params
        .small_uint()
        .and_then(|i| u32::try_from(i).ok())
        .and_then(NonZeroU32::new)
        .ok_or_else(bad)?;
    // keyLength is optional; the PRF defaults to HMAC-SHA1.
    let mut prf = pbkdf2::PBKDF2_HMAC_SHA1;
    while let Some(t) = kdf_params.next() {
        if t.tag == der::SEQUENCE {
            prf = match DerReader::new(t.content).expect(der::OID) {
                Some(o) if o == oid::HMAC_SHA1 => pbkdf2::PBKDF2_HMAC_SHA1,
                Some(o) if o == oid::HMAC_SHA256 => pbkdf2::PBKDF2_HMAC_SHA256,
                Some(o) if o == oid::HMAC_SHA512 => pbkdf2::PBKDF2_HMAC_SHA512,
                _ => return fail("Unsupported PBKDF2 hash for private key"),
            };
        }
    }
    let mut enc = params.sequence().ok_or_else(bad)?;
    let enc_oid = enc.expect(der::OID).ok_or_else(bad)?;
    let cipher = match enc_oid {
        o if o == oid::AES128_CBC => FileCipher::Aes128Cbc,
        o if o == oid::AES192_CBC => FileCipher::Aes192Cbc,
        o if o == oid::AES256_CBC => FileCipher::Aes256Cbc,
        o if o == oid::DES_EDE3_CBC => FileCipher::TripleDesCbc,
        o => {
            return fail(format!(
                "Unsupported cipher for private key: {}",
                oid_text(o)
            ))
        }
    };
    let iv = enc.expect(der::OCTET_STRING).ok_or_else(bad)?;
    let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
    pbkdf2::derive(prf, iterations, salt, passphrase, &mut key);
    let plain = Zeroizing::new(
        sys::decrypt(cipher, &key, iv, data, true)
            .ok_or_else(|| KeyError::new("Malformed private key. Bad passphrase?"))?,
    );
    pkcs8(&plain, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::PublicKey;

    #[test]
    fn bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -k pw -S 0102030405060708 -md md5 -P`
        let key = bytes_to_key(b"pw", &[1, 2, 3, 4, 5, 6, 7, 8], 32);
        let first = sys::md5(&[b"pw".as_slice(), &[1, 2, 3, 4, 5, 6, 7, 8]].concat());
        assert_eq!(&key[..16], &first);
        let second = sys::md5(&[first.as_slice(), b"pw", &[1, 2, 3, 4, 5, 6, 7, 8]].concat());
        assert_eq!(&key[16..], &second);
    }

    /// A PKCS#8 DSA key file with the given numbers (PrivateKeyInfo with
    /// Dss-Parms, x alone in the OCTET STRING, as OpenSSL writes it).
    fn pkcs8_dsa(p: &[u8], q: &[u8], g: &[u8], x: &[u8]) -> String {
        let alg = der::sequence(&[
            &der::tlv(der::OID, oid::DSA),
            &der::sequence(&[&der::uint(p), &der::uint(q), &der::uint(g)]),
        ]);
        let body = der::sequence(&[
            &der::uint(&[0]),
            &alg,
            &der::tlv(der::OCTET_STRING, &der::uint(x)),
        ]);
        pem::encode("PRIVATE KEY", &body)
    }

    /// An odd number of exactly `bits` bits (all ones).
    fn ones(bits: usize) -> Vec<u8> {
        let mut v = vec![0xff; bits.div_ceil(8)];
        if !bits.is_multiple_of(8) {
            v[0] = (1u8 << (bits % 8)) - 1;
        }
        v
    }

    fn err(text: &str) -> String {
        match parse(text, None) {
            Some(Err(e)) => e.0,
            Some(Ok(_)) => "accepted".into(),
            None => "not PEM".into(),
        }
    }

    #[test]
    fn a_pkcs8_dsa_key_is_bounded_before_y_is_derived() {
        // At the limits: a 10000-bit p, 256-bit q, x just below q.
        let key = parse(&pkcs8_dsa(&ones(10000), &ones(256), &[2], &ones(255)), None)
            .unwrap()
            .unwrap();
        assert_eq!(key.key_type(), "ssh-dss");
        // y = 2^x mod p was derived: 2^(2^255-1) is far above p.
        let PublicKey::Dsa { y, .. } = &key.public else {
            panic!("not DSA")
        };
        assert!(bounds::bits(y) > 9000);
        // One bit more of p; a q, and so an x, as large as p (the 9 s case
        // of the report, grown to 10000 bits); x out of range.
        assert_eq!(
            err(&pkcs8_dsa(&ones(10001), &ones(256), &[2], &ones(255))),
            "Unsupported DSA key size: 10001 bits (at most 10000)"
        );
        assert_eq!(
            err(&pkcs8_dsa(&ones(10000), &ones(9999), &[2], &ones(9998))),
            "Unsupported DSA key: q of 9999 bits (160, 224 or 256)"
        );
        assert_eq!(
            err(&pkcs8_dsa(&ones(2048), &ones(256), &[2], &ones(256))),
            "Malformed DSA private key: x must be in 1..q"
        );
        assert_eq!(
            err(&pkcs8_dsa(&ones(2048), &ones(256), &[2], &ones(1024))),
            "Malformed DSA private key: x must be in 1..q"
        );
        // The report's shape: p and x of ~40000 bits within an 11 KB file.
        assert_eq!(
            err(&pkcs8_dsa(&ones(40000), &ones(160), &[2], &ones(40000))),
            "Unsupported DSA key size: 40000 bits (at most 10000)"
        );
    }

    #[test]
    fn an_rsa_key_is_bounded_before_its_crt_exponents_are_derived() {
        // RSAPrivateKey inside PKCS#8; the numbers need not form a real key
        // for the size check, which comes first.
        let rsa = |n_bits: usize| {
            let n = ones(n_bits);
            let d = ones(n_bits - 1);
            let half = ones(n_bits / 2);
            let inner = der::sequence(&[
                &der::uint(&[0]),
                &der::uint(&n),
                &der::uint(&[1, 0, 1]),
                &der::uint(&d),
                &der::uint(&half),
                &der::uint(&half),
                &der::uint(&half),
                &der::uint(&half),
                &der::uint(&half),
            ]);
            let alg = der::sequence(&[
                &der::tlv(der::OID, oid::RSA_ENCRYPTION),
                &der::tlv(der::NULL, &[]),
            ]);
            let body =
                der::sequence(&[&der::uint(&[0]), &alg, &der::tlv(der::OCTET_STRING, &inner)]);
            pem::encode("PRIVATE KEY", &body)
        };
        assert_eq!(err(&rsa(16384)), "accepted");
        assert_eq!(
            err(&rsa(16385)),
            "Unsupported RSA key size: 16385 bits (at most 16384)"
        );
    }

    #[test]
    fn oid_text_reads_arcs() {
        assert_eq!(oid_text(oid::P256), "1.2.840.10045.3.1.7");
        assert_eq!(oid_text(oid::P521), "1.3.132.0.35");
    }
}
