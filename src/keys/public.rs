//! Public keys: the SSH wire blob (RFC 4253 6.6, RFC 5656, RFC 8709),
//! SubjectPublicKeyInfo DER, and signature verification.

use super::bounds;
use super::der::{self, oid};
use super::error::{fail, KeyError, KeyResult};
use super::mpint;
use super::sys;
use crate::crypto::signature;
use crate::wire::{Reader, Writer};
use aws_lc_rs::digest;
use aws_lc_rs::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, EcdsaCurve, Mpint};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    pub fn from_ssh_name(name: &str) -> Option<Curve> {
        match name {
            "nistp256" => Some(Curve::P256),
            "nistp384" => Some(Curve::P384),
            "nistp521" => Some(Curve::P521),
            _ => None,
        }
    }

    pub fn from_ssh_key(curve: EcdsaCurve) -> Curve {
        match curve {
            EcdsaCurve::NistP256 => Curve::P256,
            EcdsaCurve::NistP384 => Curve::P384,
            EcdsaCurve::NistP521 => Curve::P521,
        }
    }

    pub fn from_oid(o: &[u8]) -> Option<Curve> {
        [Curve::P256, Curve::P384, Curve::P521]
            .into_iter()
            .find(|c| c.oid() == o)
    }

    pub fn ssh_name(self) -> &'static str {
        match self {
            Curve::P256 => "nistp256",
            Curve::P384 => "nistp384",
            Curve::P521 => "nistp521",
        }
    }

    pub fn key_type(self) -> &'static str {
        match self {
            Curve::P256 => "ecdsa-sha2-nistp256",
            Curve::P384 => "ecdsa-sha2-nistp384",
            Curve::P521 => "ecdsa-sha2-nistp521",
        }
    }

    pub fn oid(self) -> &'static [u8] {
        match self {
            Curve::P256 => oid::P256,
            Curve::P384 => oid::P384,
            Curve::P521 => oid::P521,
        }
    }

    /// Bytes of one coordinate or scalar.
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// RFC 5656: the hash goes with the curve size.
    pub fn hash_name(self) -> &'static str {
        match self {
            Curve::P256 => "sha256",
            Curve::P384 => "sha384",
            Curve::P521 => "sha512",
        }
    }

    pub fn verify_fixed(self) -> &'static dyn VerificationAlgorithm {
        match self {
            Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED,
            Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED,
        }
    }

    pub fn verify_asn1(self) -> &'static dyn VerificationAlgorithm {
        match self {
            Curve::P256 => &sig::ECDSA_P256_SHA256_ASN1,
            Curve::P384 => &sig::ECDSA_P384_SHA384_ASN1,
            Curve::P521 => &sig::ECDSA_P521_SHA512_ASN1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Rsa {
        e: Vec<u8>,
        n: Vec<u8>,
    },
    Dsa {
        p: Vec<u8>,
        q: Vec<u8>,
        g: Vec<u8>,
        y: Vec<u8>,
    },
    Ecdsa {
        curve: Curve,
        point: Vec<u8>,
    },
    Ed25519 {
        key: [u8; 32],
    },
}

/// A hash by the names 0.4.10's `sign(data, hash)` takes.
pub fn hash_of(name: &str) -> Option<(&'static digest::Algorithm, i32)> {
    match name {
        "sha1" => Some((&digest::SHA1_FOR_LEGACY_USE_ONLY, aws_lc_sys::NID_sha1)),
        "sha256" => Some((&digest::SHA256, aws_lc_sys::NID_sha256)),
        "sha512" => Some((&digest::SHA512, aws_lc_sys::NID_sha512)),
        _ => None,
    }
}

/// The hash an SSH signature algorithm uses with an RSA key (a
/// certificate's name signs as its key's algorithm).
pub fn rsa_hash_for(sig_algo: &str) -> Option<&'static str> {
    let name = sig_algo
        .strip_suffix("-cert-v01@openssh.com")
        .unwrap_or(sig_algo);
    signature::find(name)
        .filter(|a| a.key_type == "ssh-rsa")
        .map(|a| a.hash)
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|&&x| x == 0).count();
    &b[skip..]
}

/// Left-pads a magnitude to `len` bytes (None when it is longer).
pub fn pad_to(b: &[u8], len: usize) -> Option<Vec<u8>> {
    let b = strip_zeros(b);
    if b.len() > len {
        return None;
    }
    let mut out = vec![0u8; len - b.len()];
    out.extend_from_slice(b);
    Some(out)
}

impl PublicKey {
    pub fn key_type(&self) -> &'static str {
        match self {
            PublicKey::Rsa { .. } => "ssh-rsa",
            PublicKey::Dsa { .. } => "ssh-dss",
            PublicKey::Ecdsa { curve, .. } => curve.key_type(),
            PublicKey::Ed25519 { .. } => "ssh-ed25519",
        }
    }

    /// Parses an SSH public key blob with `ssh-key`. A certificate
    /// (`<type>-cert-v01@openssh.com`) gives the key it certifies, read
    /// from the fields after its nonce: what 0.4.10 and the transport need
    /// of one (the rest is the app's to check, `cert_check`). Bytes after
    /// the key are ignored, as 0.4.10 ignored them.
    pub fn from_blob(blob: &[u8]) -> KeyResult<PublicKey> {
        let malformed = || KeyError::new("Malformed public key");
        let mut r = Reader::new(blob);
        let name = r.utf8().map_err(|_| malformed())?;
        let base = match name.strip_suffix(super::CERT_SUFFIX) {
            Some(base) => {
                r.string().map_err(|_| malformed())?; // nonce
                base
            }
            None => name,
        };
        // Our message for a type we do not use, whatever ssh-key knows of it.
        if !signature::is_key_type(base) {
            return fail(format!("Unsupported key type: {base}"));
        }
        let algorithm = Algorithm::new(base).map_err(|_| malformed())?;
        let fields = r.rest();
        let numbers = match algorithm {
            Algorithm::Rsa { .. } => 2,
            Algorithm::Dsa => 4,
            _ => 0,
        };
        let fields = match mpint::canonical(fields, numbers) {
            Some((tidy, _)) if numbers > 0 => tidy,
            _ => fields.into(),
        };
        let data = KeyData::decode_as(&mut &fields[..], algorithm).map_err(|_| malformed())?;
        PublicKey::from_key_data(&data)
    }

    /// Our key from what `ssh-key` decoded, with the size limits checked
    /// before any arithmetic (`bounds`).
    pub fn from_key_data(data: &KeyData) -> KeyResult<PublicKey> {
        let malformed = || KeyError::new("Malformed public key");
        let magnitude = |m: &Mpint| {
            m.as_positive_bytes()
                .map(<[u8]>::to_vec)
                .ok_or_else(malformed)
        };
        Ok(match data {
            KeyData::Rsa(k) => {
                let (e, n) = (magnitude(k.e())?, magnitude(k.n())?);
                bounds::rsa(&n, &[&e])?;
                PublicKey::Rsa { e, n }
            }
            KeyData::Dsa(k) => {
                let (p, q, g, y) = (
                    magnitude(k.p())?,
                    magnitude(k.q())?,
                    magnitude(k.g())?,
                    magnitude(k.y())?,
                );
                bounds::dsa(&p, &q, &g, Some(&y))?;
                PublicKey::Dsa { p, q, g, y }
            }
            KeyData::Ecdsa(k) => PublicKey::Ecdsa {
                curve: Curve::from_ssh_key(k.curve()),
                point: k.as_sec1_bytes().to_vec(),
            },
            KeyData::Ed25519(k) => PublicKey::Ed25519 { key: k.0 },
            other => return fail(format!("Unsupported key type: {}", other.algorithm())),
        })
    }

    pub fn write_fields(&self, w: &mut Writer) {
        match self {
            PublicKey::Rsa { e, n } => {
                w.mpint_unsigned(e).mpint_unsigned(n);
            }
            PublicKey::Dsa { p, q, g, y } => {
                w.mpint_unsigned(p)
                    .mpint_unsigned(q)
                    .mpint_unsigned(g)
                    .mpint_unsigned(y);
            }
            PublicKey::Ecdsa { curve, point } => {
                w.string(curve.ssh_name().as_bytes()).string(point);
            }
            PublicKey::Ed25519 { key } => {
                w.string(key);
            }
        }
    }

    pub fn to_blob(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(300);
        w.string(self.key_type().as_bytes());
        self.write_fields(&mut w);
        w.into_vec()
    }

    /// SubjectPublicKeyInfo DER (what "BEGIN PUBLIC KEY" holds).
    pub fn to_spki(&self) -> Vec<u8> {
        let (alg, key) = match self {
            PublicKey::Rsa { e, n } => (
                der::sequence(&[
                    &der::tlv(der::OID, oid::RSA_ENCRYPTION),
                    &der::tlv(der::NULL, &[]),
                ]),
                der::sequence(&[&der::uint(n), &der::uint(e)]),
            ),
            PublicKey::Dsa { p, q, g, y } => (
                der::sequence(&[
                    &der::tlv(der::OID, oid::DSA),
                    &der::sequence(&[&der::uint(p), &der::uint(q), &der::uint(g)]),
                ]),
                der::uint(y),
            ),
            PublicKey::Ecdsa { curve, point } => (
                der::sequence(&[
                    &der::tlv(der::OID, oid::EC_PUBLIC_KEY),
                    &der::tlv(der::OID, curve.oid()),
                ]),
                point.clone(),
            ),
            PublicKey::Ed25519 { key } => (
                der::sequence(&[&der::tlv(der::OID, oid::ED25519)]),
                key.to_vec(),
            ),
        };
        der::sequence(&[&alg, &der::bit_string(&key)])
    }

    /// Reads a SubjectPublicKeyInfo.
    pub fn from_spki(spki: &[u8]) -> Option<PublicKey> {
        let mut top = der::DerReader::new(spki).sequence()?;
        let mut alg = top.sequence()?;
        let id = alg.expect(der::OID)?;
        let bits = top.expect(der::BIT_STRING)?;
        let (&unused, key) = bits.split_first()?;
        if unused != 0 {
            return None;
        }
        Some(match id {
            i if i == oid::RSA_ENCRYPTION => {
                let mut k = der::DerReader::new(key).sequence()?;
                let n = k.uint()?.to_vec();
                PublicKey::Rsa {
                    n,
                    e: k.uint()?.to_vec(),
                }
            }
            i if i == oid::DSA => {
                let mut params = alg.sequence()?;
                PublicKey::Dsa {
                    p: params.uint()?.to_vec(),
                    q: params.uint()?.to_vec(),
                    g: params.uint()?.to_vec(),
                    y: der::DerReader::new(key).uint()?.to_vec(),
                }
            }
            i if i == oid::EC_PUBLIC_KEY => PublicKey::Ecdsa {
                curve: Curve::from_oid(alg.expect(der::OID)?)?,
                point: key.to_vec(),
            },
            i if i == oid::ED25519 => PublicKey::Ed25519 {
                key: key.try_into().ok()?,
            },
            _ => return None,
        })
    }

    /// Verifies an SSH-format signature (the blob's inner signature) made
    /// with signature algorithm `sig_algo`.
    pub fn verify_ssh(&self, sig_algo: &str, data: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Rsa { .. } => match rsa_hash_for(sig_algo) {
                Some(h) => self.verify_native(Some(h), data, signature),
                None => false,
            },
            PublicKey::Dsa { .. } => {
                signature.len() == 40 && self.verify_dsa(data, &signature[..20], &signature[20..])
            }
            PublicKey::Ecdsa { curve, point } => {
                let mut r = Reader::new(signature);
                let (Ok(rr), Ok(ss)) = (r.mpint_positive(), r.mpint_positive()) else {
                    return false;
                };
                let n = curve.field_len();
                let (Some(mut fixed), Some(s)) = (pad_to(rr, n), pad_to(ss, n)) else {
                    return false;
                };
                fixed.extend_from_slice(&s);
                UnparsedPublicKey::new(curve.verify_fixed(), point)
                    .verify(data, &fixed)
                    .is_ok()
            }
            PublicKey::Ed25519 { .. } => self.verify_native(None, data, signature),
        }
    }

    /// Verifies a signature in the form 0.4.10's `key.sign()` gave (raw for
    /// RSA and Ed25519, DER for DSA and ECDSA). `hash` overrides RSA's SHA-1.
    pub fn verify_native(&self, hash: Option<&str>, data: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Rsa { e, n } => {
                let Some((alg, nid)) = hash_of(hash.unwrap_or("sha1")) else {
                    return false;
                };
                let d = digest::digest(alg, data);
                sys::rsa_verify(n, e, nid, d.as_ref(), signature)
            }
            PublicKey::Dsa { .. } => {
                let Some(mut seq) = der::DerReader::new(signature).sequence() else {
                    return false;
                };
                match (seq.uint(), seq.uint()) {
                    (Some(r), Some(s)) => self.verify_dsa(data, r, s),
                    _ => false,
                }
            }
            PublicKey::Ecdsa { curve, point } => UnparsedPublicKey::new(curve.verify_asn1(), point)
                .verify(data, signature)
                .is_ok(),
            PublicKey::Ed25519 { key } => UnparsedPublicKey::new(&sig::ED25519, key)
                .verify(data, signature)
                .is_ok(),
        }
    }

    fn verify_dsa(&self, data: &[u8], r: &[u8], s: &[u8]) -> bool {
        let PublicKey::Dsa { p, q, g, y } = self else {
            return false;
        };
        let d = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data);
        sys::dsa_verify(p, q, g, y, d.as_ref(), r, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_with_leading_zeros_read_as_openssh_reads_them() {
        let key = crate::keys::Key::generate("ssh-rsa", 2048).unwrap();
        let PublicKey::Rsa { e, n } = &key.public else {
            unreachable!()
        };
        let mut padded_e = vec![0, 0];
        padded_e.extend_from_slice(e);
        let mut w = Writer::new();
        w.string(b"ssh-rsa").string(&padded_e).mpint_unsigned(n);
        let blob = w.into_vec();
        assert!(ssh_key::PublicKey::from_bytes(&blob).is_err());
        assert_eq!(PublicKey::from_blob(&blob).unwrap(), key.public);
    }

    #[test]
    fn rsa_hashes_by_signature_name_and_certificate_name() {
        assert_eq!(rsa_hash_for("ssh-rsa"), Some("sha1"));
        assert_eq!(rsa_hash_for("rsa-sha2-256"), Some("sha256"));
        assert_eq!(rsa_hash_for("rsa-sha2-512"), Some("sha512"));
        assert_eq!(rsa_hash_for("ssh-rsa-cert-v01@openssh.com"), Some("sha1"));
        assert_eq!(
            rsa_hash_for("rsa-sha2-512-cert-v01@openssh.com"),
            Some("sha512")
        );
        // Not RSA's: no hash, so an RSA key refuses to sign under them.
        assert_eq!(rsa_hash_for("ssh-ed25519"), None);
        assert_eq!(rsa_hash_for("ecdsa-sha2-nistp256"), None);
        assert_eq!(rsa_hash_for("rsa-sha2-384"), None);
    }
}
