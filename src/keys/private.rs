//! Private keys: their components, signing, and the PEM that 0.4.10's
//! `getPrivatePEM()` gave (PKCS#1 RSA, OpenSSL DSA, SEC1 EC, PKCS#8 Ed25519).

use super::bounds;
use super::der::{self, oid};
use super::error::{fail, KeyError, KeyResult};
use super::public::{hash_of, pad_to, rsa_hash_for, Curve, PublicKey};
use super::signers::{cached, Signers};
use super::sys;
use crate::wire::Writer;
use aws_lc_rs::digest;
use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use zeroize::Zeroizing;

type Secret = Zeroizing<Vec<u8>>;

const UNREADABLE: &str = "Malformed RSA private key: its private part cannot be read";

pub enum PrivateKey {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        d: Secret,
        p: Secret,
        q: Secret,
        dmp1: Secret,
        dmq1: Secret,
        iqmp: Secret,
    },
    Dsa {
        p: Vec<u8>,
        q: Vec<u8>,
        g: Vec<u8>,
        y: Vec<u8>,
        x: Secret,
    },
    Ecdsa {
        curve: Curve,
        d: Secret,
        point: Vec<u8>,
    },
    Ed25519 {
        seed: Zeroizing<[u8; 32]>,
        public: [u8; 32],
    },
    /// A key file whose public half reads but whose private half does not
    /// (a truncated PKCS#1 RSA file): 0.4.10 accepted such files and only
    /// failed when signing, which is where ssh2 reports it.
    Unreadable { public: PublicKey },
}

fn secret(b: &[u8]) -> Secret {
    Zeroizing::new(b.to_vec())
}

impl PrivateKey {
    /// RSA from n, e, d, iqmp, p, q (the CRT exponents are derived).
    pub fn rsa(
        n: &[u8],
        e: &[u8],
        d: &[u8],
        iqmp: &[u8],
        p: &[u8],
        q: &[u8],
    ) -> KeyResult<PrivateKey> {
        bounds::rsa(n, &[e, d, iqmp, p, q])?;
        let (dmp1, dmq1) = sys::rsa_crt_exponents(d, p, q)
            .ok_or_else(|| KeyError::new("Malformed RSA private key"))?;
        Ok(PrivateKey::Rsa {
            n: n.to_vec(),
            e: e.to_vec(),
            d: secret(d),
            p: secret(p),
            q: secret(q),
            dmp1: Zeroizing::new(dmp1),
            dmq1: Zeroizing::new(dmq1),
            iqmp: secret(iqmp),
        })
    }

    pub fn dsa(p: &[u8], q: &[u8], g: &[u8], y: &[u8], x: &[u8]) -> KeyResult<PrivateKey> {
        bounds::dsa(p, q, g, Some(y))?;
        bounds::dsa_private(q, x)?;
        Ok(PrivateKey::Dsa {
            p: p.to_vec(),
            q: q.to_vec(),
            g: g.to_vec(),
            y: y.to_vec(),
            x: secret(x),
        })
    }

    /// ECDSA from the scalar, kept as the file gave it (0.4.10's PEM shows
    /// those bytes); the public point is recomputed when absent.
    pub fn ecdsa(curve: Curve, d: &[u8], point: Option<&[u8]>) -> KeyResult<PrivateKey> {
        let scalar = pad_to(d, curve.field_len())
            .ok_or_else(|| KeyError::new("Malformed EC private key"))?;
        let point = match point {
            Some(p) => p.to_vec(),
            None => {
                let sec1 = Zeroizing::new(sec1_der(curve, &scalar, None));
                let kp = EcdsaKeyPair::from_private_key_der(signing_alg(curve, false), &sec1)
                    .map_err(|_| KeyError::new("Malformed EC private key"))?;
                kp.public_key().as_ref().to_vec()
            }
        };
        Ok(PrivateKey::Ecdsa {
            curve,
            d: secret(d),
            point,
        })
    }

    pub fn ed25519(seed: &[u8]) -> KeyResult<PrivateKey> {
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| KeyError::new("Malformed Ed25519 private key"))?;
        let kp = Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|_| KeyError::new("Malformed Ed25519 private key"))?;
        let mut public = [0u8; 32];
        public.copy_from_slice(kp.public_key().as_ref());
        Ok(PrivateKey::Ed25519 {
            seed: Zeroizing::new(seed),
            public,
        })
    }

    /// A fresh key: "ssh-ed25519", "ecdsa-sha2-nistp256/384/521", or
    /// "ssh-rsa" (`bits` long).
    pub fn generate(key_type: &str, bits: u32) -> KeyResult<PrivateKey> {
        match key_type {
            "ssh-ed25519" => {
                let mut seed = Zeroizing::new([0u8; 32]);
                aws_lc_rs::rand::fill(&mut seed[..]).map_err(|_| KeyError::new("RNG failure"))?;
                PrivateKey::ed25519(&seed[..])
            }
            "ssh-rsa" => {
                let [n, e, d, p, q, dmp1, dmq1, iqmp] =
                    sys::rsa_generate(bits.clamp(1024, 16384) as i32)
                        .ok_or_else(|| KeyError::new("RSA key generation failed"))?;
                Ok(PrivateKey::Rsa {
                    n,
                    e,
                    d: Zeroizing::new(d),
                    p: Zeroizing::new(p),
                    q: Zeroizing::new(q),
                    dmp1: Zeroizing::new(dmp1),
                    dmq1: Zeroizing::new(dmq1),
                    iqmp: Zeroizing::new(iqmp),
                })
            }
            t => {
                let curve = t
                    .strip_prefix("ecdsa-sha2-")
                    .and_then(Curve::from_ssh_name)
                    .ok_or_else(|| KeyError::new(format!("Unsupported key type: {t}")))?;
                let kp = EcdsaKeyPair::generate(signing_alg(curve, false))
                    .map_err(|_| KeyError::new("EC key generation failed"))?;
                let d: aws_lc_rs::encoding::EcPrivateKeyBin<'_> = kp
                    .private_key()
                    .as_be_bytes()
                    .map_err(|_| KeyError::new("EC key generation failed"))?;
                Ok(PrivateKey::Ecdsa {
                    curve,
                    d: secret(d.as_ref()),
                    point: kp.public_key().as_ref().to_vec(),
                })
            }
        }
    }

    pub fn public(&self) -> PublicKey {
        match self {
            PrivateKey::Rsa { n, e, .. } => PublicKey::Rsa {
                e: e.clone(),
                n: n.clone(),
            },
            PrivateKey::Dsa { p, q, g, y, .. } => PublicKey::Dsa {
                p: p.clone(),
                q: q.clone(),
                g: g.clone(),
                y: y.clone(),
            },
            PrivateKey::Ecdsa { curve, point, .. } => PublicKey::Ecdsa {
                curve: *curve,
                point: point.clone(),
            },
            PrivateKey::Ed25519 { public, .. } => PublicKey::Ed25519 { key: *public },
            PrivateKey::Unreadable { public } => public.clone(),
        }
    }

    /// The private key as 0.4.10's `getPrivatePEM()` gave it.
    pub fn to_pem(&self) -> String {
        match self {
            PrivateKey::Rsa {
                n,
                e,
                d,
                p,
                q,
                dmp1,
                dmq1,
                iqmp,
            } => {
                let body = der::sequence(&[
                    &der::uint(&[]),
                    &der::uint(n),
                    &der::uint(e),
                    &der::uint(d),
                    &der::uint(p),
                    &der::uint(q),
                    &der::uint(dmp1),
                    &der::uint(dmq1),
                    &der::uint(iqmp),
                ]);
                super::pem::encode("RSA PRIVATE KEY", &Zeroizing::new(body))
            }
            PrivateKey::Dsa { p, q, g, y, x } => {
                let body = der::sequence(&[
                    &der::uint(&[]),
                    &der::uint(p),
                    &der::uint(q),
                    &der::uint(g),
                    &der::uint(y),
                    &der::uint(x),
                ]);
                super::pem::encode("DSA PRIVATE KEY", &Zeroizing::new(body))
            }
            PrivateKey::Ecdsa { curve, d, point } => super::pem::encode(
                "EC PRIVATE KEY",
                &Zeroizing::new(sec1_der(*curve, d, Some(point))),
            ),
            PrivateKey::Ed25519 { seed, .. } => {
                let body = der::sequence(&[
                    &der::uint(&[]),
                    &der::sequence(&[&der::tlv(der::OID, oid::ED25519)]),
                    &der::tlv(der::OCTET_STRING, &der::tlv(der::OCTET_STRING, &seed[..])),
                ]);
                super::pem::encode("PRIVATE KEY", &Zeroizing::new(body))
            }
            // Only reached without the file's own PEM, which parsing keeps.
            PrivateKey::Unreadable { .. } => String::new(),
        }
    }

    /// A signature in the form 0.4.10's `key.sign()` gave: raw RSA (SHA-1
    /// unless `hash` says otherwise) and Ed25519, DER for DSA and ECDSA.
    pub fn sign_native(
        &self,
        signers: &Signers,
        hash: Option<&str>,
        data: &[u8],
    ) -> KeyResult<Vec<u8>> {
        match self {
            PrivateKey::Rsa { .. } => self.sign_rsa(signers, hash.unwrap_or("sha1"), data),
            PrivateKey::Dsa { .. } => {
                let (r, s) = self.sign_dsa(data)?;
                Ok(der::sequence(&[&der::uint(&r), &der::uint(&s)]))
            }
            PrivateKey::Ecdsa { curve, .. } => self.sign_ec(signers, *curve, true, data),
            PrivateKey::Ed25519 { .. } => self.sign_ed25519(signers, data),
            PrivateKey::Unreadable { .. } => fail(UNREADABLE),
        }
    }

    /// The signature blob's inner signature for SSH signature algorithm
    /// `sig_algo` (RFC 4253 6.6, RFC 5656 3.1.2, RFC 8332, RFC 8709).
    pub fn sign_ssh(&self, signers: &Signers, sig_algo: &str, data: &[u8]) -> KeyResult<Vec<u8>> {
        match self {
            PrivateKey::Rsa { .. } => match rsa_hash_for(sig_algo) {
                Some(h) => self.sign_rsa(signers, h, data),
                None => fail(format!("Cannot sign as {sig_algo} with an RSA key")),
            },
            PrivateKey::Dsa { .. } => {
                let (r, s) = self.sign_dsa(data)?;
                let bad = || KeyError::new("DSA signature too long");
                let mut out = pad_to(&r, 20).ok_or_else(bad)?;
                out.extend_from_slice(&pad_to(&s, 20).ok_or_else(bad)?);
                Ok(out)
            }
            PrivateKey::Ecdsa { curve, .. } => {
                let fixed = self.sign_ec(signers, *curve, false, data)?;
                let (r, s) = fixed.split_at(fixed.len() / 2);
                let mut w = Writer::with_capacity(fixed.len() + 10);
                w.mpint_unsigned(r).mpint_unsigned(s);
                Ok(w.into_vec())
            }
            PrivateKey::Ed25519 { .. } => self.sign_ed25519(signers, data),
            PrivateKey::Unreadable { .. } => fail(UNREADABLE),
        }
    }

    fn sign_rsa(&self, signers: &Signers, hash: &str, data: &[u8]) -> KeyResult<Vec<u8>> {
        let PrivateKey::Rsa {
            n,
            e,
            d,
            p,
            q,
            dmp1,
            dmq1,
            iqmp,
        } = self
        else {
            return fail("not an RSA key");
        };
        let (alg, nid) =
            hash_of(hash).ok_or_else(|| KeyError::new(format!("Unsupported hash: {hash}")))?;
        let signer = cached(&signers.rsa, || {
            let parts = sys::RsaParts {
                n,
                e,
                d: Some(d),
                p: Some(p),
                q: Some(q),
                dmp1: Some(dmp1),
                dmq1: Some(dmq1),
                iqmp: Some(iqmp),
            };
            sys::RsaSigner::new(&parts).ok_or_else(|| KeyError::new("Invalid RSA private key"))
        })?;
        signer
            .sign(nid, digest::digest(alg, data).as_ref())
            .ok_or_else(|| KeyError::new("RSA signing failed"))
    }

    fn sign_dsa(&self, data: &[u8]) -> KeyResult<(Vec<u8>, Vec<u8>)> {
        let PrivateKey::Dsa { p, q, g, y, x } = self else {
            return fail("not a DSA key");
        };
        let digest = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data);
        sys::dsa_sign(p, q, g, y, x, digest.as_ref())
            .ok_or_else(|| KeyError::new("DSA signing failed"))
    }

    fn sign_ec(
        &self,
        signers: &Signers,
        curve: Curve,
        asn1: bool,
        data: &[u8],
    ) -> KeyResult<Vec<u8>> {
        let PrivateKey::Ecdsa { d, point, .. } = self else {
            return fail("not an ECDSA key");
        };
        let cell = if asn1 {
            &signers.ecdsa_asn1
        } else {
            &signers.ecdsa_fixed
        };
        let kp = cached(cell, || {
            let scalar = Zeroizing::new(
                pad_to(d, curve.field_len())
                    .ok_or_else(|| KeyError::new("Malformed EC private key"))?,
            );
            let sec1 = Zeroizing::new(sec1_der(curve, &scalar, Some(point)));
            EcdsaKeyPair::from_private_key_der(signing_alg(curve, asn1), &sec1)
                .map_err(|e| KeyError::new(format!("Invalid EC private key: {e}")))
        })?;
        let s = kp
            .sign(&SystemRandom::new(), data)
            .map_err(|_| KeyError::new("ECDSA signing failed"))?;
        Ok(s.as_ref().to_vec())
    }

    fn sign_ed25519(&self, signers: &Signers, data: &[u8]) -> KeyResult<Vec<u8>> {
        let PrivateKey::Ed25519 { seed, public } = self else {
            return fail("not an Ed25519 key");
        };
        let kp = cached(&signers.ed25519, || {
            Ed25519KeyPair::from_seed_and_public_key(&seed[..], public)
                .map_err(|_| KeyError::new("Invalid Ed25519 private key"))
        })?;
        Ok(kp.sign(data).as_ref().to_vec())
    }
}

fn signing_alg(curve: Curve, asn1: bool) -> &'static sig::EcdsaSigningAlgorithm {
    match (curve, asn1) {
        (Curve::P256, false) => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        (Curve::P384, false) => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        (Curve::P521, false) => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
        (Curve::P256, true) => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        (Curve::P384, true) => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        (Curve::P521, true) => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
    }
}

/// SEC1 ECPrivateKey (RFC 5915): version 1, the scalar (as given), the
/// curve and, when known, the public point.
pub fn sec1_der(curve: Curve, d: &[u8], point: Option<&[u8]>) -> Vec<u8> {
    let version = der::uint(&[1]);
    let key = der::tlv(der::OCTET_STRING, d);
    let params = der::context(0, &der::tlv(der::OID, curve.oid()));
    match point {
        Some(p) => der::sequence(&[
            &version,
            &key,
            &params,
            &der::context(1, &der::bit_string(p)),
        ]),
        None => der::sequence(&[&version, &key, &params]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_signs_and_verifies_in_both_forms() {
        let keys = [
            PrivateKey::generate("ssh-ed25519", 0).unwrap(),
            PrivateKey::generate("ecdsa-sha2-nistp256", 0).unwrap(),
            PrivateKey::generate("ecdsa-sha2-nistp384", 0).unwrap(),
            PrivateKey::generate("ecdsa-sha2-nistp521", 0).unwrap(),
            PrivateKey::generate("ssh-rsa", 2048).unwrap(),
        ];
        for k in &keys {
            let public = k.public();
            let algos: &[&str] = match k {
                PrivateKey::Rsa { .. } => &["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"],
                _ => &[public.key_type()],
            };
            for algo in algos {
                let s = k.sign_ssh(&Signers::default(), algo, b"data").unwrap();
                assert!(public.verify_ssh(algo, b"data", &s), "{algo}");
                assert!(!public.verify_ssh(algo, b"other", &s), "{algo}");
            }
            let s = k.sign_native(&Signers::default(), None, b"data").unwrap();
            assert!(public.verify_native(None, b"data", &s));
            assert!(!public.verify_native(None, b"datb", &s));
        }
    }

    #[test]
    fn an_rsa_signature_checks_only_under_its_own_hash() {
        let k = PrivateKey::generate("ssh-rsa", 2048).unwrap();
        let s = k
            .sign_ssh(&Signers::default(), "rsa-sha2-512", b"m")
            .unwrap();
        assert!(k.public().verify_ssh("rsa-sha2-512", b"m", &s));
        assert!(!k.public().verify_ssh("rsa-sha2-256", b"m", &s));
        assert!(!k.public().verify_ssh("ssh-rsa", b"m", &s));
    }

    #[test]
    fn ec_public_point_is_recomputed_from_the_scalar() {
        let k = PrivateKey::generate("ecdsa-sha2-nistp384", 0).unwrap();
        let PrivateKey::Ecdsa { d, point, .. } = &k else {
            unreachable!()
        };
        let again = PrivateKey::ecdsa(Curve::P384, d, None).unwrap();
        assert_eq!(
            &again.public(),
            &PublicKey::Ecdsa {
                curve: Curve::P384,
                point: point.clone()
            }
        );
    }
}
