//! Key agreement for the key exchange methods: Curve25519 (RFC 8731),
//! ECDH on the NIST curves (RFC 5656) and finite-field Diffie-Hellman on the
//! RFC 3526 groups (RFC 4253, RFC 8268). Each yields our public value to
//! send and, given the peer's, the shared secret K as an unsigned big-endian
//! number (the exchange hash encodes it as an mpint).

use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use aws_lc_rs::digest;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    X25519,
    P256,
    P384,
    P521,
    /// RFC 3526 MODP group by size in bits (2048, 4096, 8192), or the
    /// 1024-bit Oakley group 2 of RFC 2409 (group1).
    Modp(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KexSpec {
    pub group: Group,
    pub hash: &'static digest::Algorithm,
}

impl KexSpec {
    pub fn from_name(name: &str) -> Option<KexSpec> {
        use Group::*;
        let (group, hash) = match name {
            "curve25519-sha256" | "curve25519-sha256@libssh.org" => (X25519, &digest::SHA256),
            "ecdh-sha2-nistp256" => (P256, &digest::SHA256),
            "ecdh-sha2-nistp384" => (P384, &digest::SHA384),
            "ecdh-sha2-nistp521" => (P521, &digest::SHA512),
            "diffie-hellman-group14-sha256" => (Modp(2048), &digest::SHA256),
            "diffie-hellman-group14-sha1" => (Modp(2048), &digest::SHA1_FOR_LEGACY_USE_ONLY),
            "diffie-hellman-group16-sha512" => (Modp(4096), &digest::SHA512),
            "diffie-hellman-group18-sha512" => (Modp(8192), &digest::SHA512),
            "diffie-hellman-group1-sha1" => (Modp(1024), &digest::SHA1_FOR_LEGACY_USE_ONLY),
            _ => return None,
        };
        Some(KexSpec { group, hash })
    }

    /// Whether the public values are mpints (DH) rather than strings (ECDH).
    pub fn values_are_mpints(&self) -> bool {
        matches!(self.group, Group::Modp(_))
    }
}

/// Why a peer's public value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPublicValue;

/// Our half of an exchange in progress.
pub enum Ephemeral {
    Ecdh(EphemeralPrivateKey),
    Dh {
        x: Zeroizing<Vec<u8>>,
        p: &'static [u8],
    },
}

impl Ephemeral {
    /// A fresh private value; returns it with the public value to send.
    pub fn generate(group: Group) -> Option<(Ephemeral, Vec<u8>)> {
        let alg = match group {
            Group::X25519 => &agreement::X25519,
            Group::P256 => &agreement::ECDH_P256,
            Group::P384 => &agreement::ECDH_P384,
            Group::P521 => &agreement::ECDH_P521,
            Group::Modp(bits) => {
                let p = modp_prime(bits)?;
                // x from [2, 2^(2*security) ): 512 random bits are ample for
                // every group here (RFC 8268 section 4 asks for 2x the
                // strength); the top bit is forced so x is never tiny.
                let mut x = Zeroizing::new(vec![0u8; 64]);
                aws_lc_rs::rand::fill(&mut x[..]).ok()?;
                x[0] |= 0x80;
                let e = crate::keys::mod_exp(&[2], &x, p)?;
                return Some((Ephemeral::Dh { x, p }, e));
            }
        };
        let key = EphemeralPrivateKey::generate(alg, &aws_lc_rs::rand::SystemRandom::new()).ok()?;
        let public = key.compute_public_key().ok()?.as_ref().to_vec();
        Some((Ephemeral::Ecdh(key), public))
    }

    /// The shared secret K with the peer's public value, checked for range
    /// (DH: 1 < f < p-1) and curve membership (ECDH).
    pub fn agree(self, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, InvalidPublicValue> {
        match self {
            Ephemeral::Ecdh(key) => {
                let alg = key.algorithm();
                agreement::agree_ephemeral(
                    key,
                    UnparsedPublicKey::new(alg, peer),
                    InvalidPublicValue,
                    |k| {
                        // RFC 8731: an all-zero X25519 result means a bad point.
                        if k.iter().all(|&b| b == 0) {
                            Err(InvalidPublicValue)
                        } else {
                            Ok(Zeroizing::new(k.to_vec()))
                        }
                    },
                )
            }
            Ephemeral::Dh { x, p } => {
                let f = strip(peer);
                if !dh_value_in_range(f, p) {
                    return Err(InvalidPublicValue);
                }
                crate::keys::mod_exp(f, &x, p)
                    .map(Zeroizing::new)
                    .ok_or(InvalidPublicValue)
            }
        }
    }
}

fn strip(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|&&x| x == 0).count();
    &b[skip..]
}

/// 1 < v < p-1, on unsigned big-endian magnitudes.
fn dh_value_in_range(v: &[u8], p: &[u8]) -> bool {
    let cmp = |a: &[u8], b: &[u8]| a.len().cmp(&b.len()).then_with(|| a.cmp(b));
    let mut p_minus_1 = p.to_vec();
    if let Some(last) = p_minus_1.last_mut() {
        // p is odd, so subtracting one never borrows.
        *last -= 1;
    }
    cmp(v, &[1]) == std::cmp::Ordering::Greater && cmp(v, &p_minus_1) == std::cmp::Ordering::Less
}

/// The MODP primes, as hex (RFC 2409 6.2; RFC 3526 3, 5, 7).
fn modp_prime(bits: u32) -> Option<&'static [u8]> {
    use std::sync::OnceLock;
    static PRIMES: OnceLock<Vec<(u32, Vec<u8>)>> = OnceLock::new();
    let primes = PRIMES.get_or_init(|| {
        crate::transport::dh_groups::HEX
            .iter()
            .map(|(bits, hex)| {
                let hex: String = hex.split_whitespace().collect();
                let bytes = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0))
                    .collect();
                (*bits, bytes)
            })
            .collect()
    });
    primes
        .iter()
        .find(|(b, _)| *b == bits)
        .map(|(_, p)| p.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree_on_every_group() {
        for g in [
            Group::X25519,
            Group::P256,
            Group::P384,
            Group::P521,
            Group::Modp(2048),
            Group::Modp(1024),
        ] {
            let (a, a_pub) = Ephemeral::generate(g).unwrap();
            let (b, b_pub) = Ephemeral::generate(g).unwrap();
            assert_eq!(
                *a.agree(&b_pub).unwrap(),
                *b.agree(&a_pub).unwrap(),
                "{g:?}"
            );
        }
    }

    #[test]
    fn bad_public_values_are_refused() {
        let (a, _) = Ephemeral::generate(Group::X25519).unwrap();
        assert!(a.agree(&[0u8; 32]).is_err(), "all-zero X25519 point");
        let (a, _) = Ephemeral::generate(Group::P256).unwrap();
        assert!(a.agree(&[4u8; 65]).is_err(), "point not on the curve");
        let p = modp_prime(2048).unwrap();
        for bad in [vec![1u8], p.to_vec(), vec![0u8]] {
            let (a, _) = Ephemeral::generate(Group::Modp(2048)).unwrap();
            assert!(a.agree(&bad).is_err());
        }
        let mut p_minus_1 = p.to_vec();
        *p_minus_1.last_mut().unwrap() -= 1;
        let (a, _) = Ephemeral::generate(Group::Modp(2048)).unwrap();
        assert!(a.agree(&p_minus_1).is_err());
    }
}
