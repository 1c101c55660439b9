//! Key agreement for the key exchange methods: Curve25519 (RFC 8731),
//! ECDH on the NIST curves (RFC 5656), finite-field Diffie-Hellman on the
//! fixed RFC 3526 groups and on groups the server picks (RFC 4419 group
//! exchange), and the post-quantum hybrids that pair a KEM with X25519
//! (mlkem768x25519-sha256, sntrup761x25519-sha512@openssh.com).
//!
//! The client generates and later agrees with the server's value; the
//! server answers the client's value in one step (for a KEM it encapsulates
//! rather than generating a key pair). Both yield the shared secret K: an
//! unsigned big-endian number for DH and ECDH (the exchange hash encodes it
//! as an mpint), or a hash for the hybrids (encoded as a string).

use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use aws_lc_rs::digest;
use aws_lc_rs::kem;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    X25519,
    P256,
    P384,
    P521,
    /// RFC 3526 MODP group by size in bits (2048, 3072, 4096, 6144, 8192),
    /// or the 1024-bit Oakley group 2 of RFC 2409 (group1).
    Modp(u32),
    /// RFC 4419: the server names the group during the exchange.
    GroupExchange,
    /// ML-KEM-768 public key (1184 bytes) or ciphertext (1088) then X25519.
    MlKem768X25519,
    /// sntrup761 public key (1158 bytes) or ciphertext (1039) then X25519.
    Sntrup761X25519,
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
            "mlkem768x25519-sha256" => (MlKem768X25519, &digest::SHA256),
            "sntrup761x25519-sha512@openssh.com" | "sntrup761x25519-sha512" => {
                (Sntrup761X25519, &digest::SHA512)
            }
            "curve25519-sha256" | "curve25519-sha256@libssh.org" => (X25519, &digest::SHA256),
            "ecdh-sha2-nistp256" => (P256, &digest::SHA256),
            "ecdh-sha2-nistp384" => (P384, &digest::SHA384),
            "ecdh-sha2-nistp521" => (P521, &digest::SHA512),
            "diffie-hellman-group-exchange-sha256" => (GroupExchange, &digest::SHA256),
            "diffie-hellman-group-exchange-sha1" => {
                (GroupExchange, &digest::SHA1_FOR_LEGACY_USE_ONLY)
            }
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
        matches!(self.group, Group::Modp(_) | Group::GroupExchange)
    }

    /// Whether K goes into the exchange hash and key derivation as a
    /// string (the hybrids) rather than an mpint.
    pub fn secret_is_string(&self) -> bool {
        matches!(self.group, Group::MlKem768X25519 | Group::Sntrup761X25519)
    }
}

/// Why a peer's public value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPublicValue;

/// A finite-field group: prime p and generator g, unsigned big-endian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhGroup {
    pub p: Vec<u8>,
    pub g: Vec<u8>,
}

impl DhGroup {
    /// A fixed MODP group by size (generator 2).
    pub fn modp(bits: u32) -> Option<DhGroup> {
        Some(DhGroup {
            p: modp_prime(bits)?.to_vec(),
            g: vec![2],
        })
    }

    /// Size of p in bits.
    pub fn bits(&self) -> u32 {
        let p = strip(&self.p);
        match p.first() {
            Some(&top) => (p.len() as u32 - 1) * 8 + (8 - top.leading_zeros()),
            None => 0,
        }
    }

    /// RFC 4419 section 3: the group a server sends for a client's
    /// (min, n, max), from the RFC 3526 groups: the smallest of at least n
    /// bits within [min, max], else the largest within it.
    pub fn for_request(min: u32, n: u32, max: u32) -> Option<DhGroup> {
        let sizes = [2048u32, 3072, 4096, 6144, 8192];
        let fits = |b: &&u32| **b >= min && **b <= max;
        let bits = sizes
            .iter()
            .filter(fits)
            .find(|&&b| b >= n)
            .or_else(|| sizes.iter().rfind(fits))?;
        DhGroup::modp(*bits)
    }

    /// What a client accepts from a server: p odd and of a size it asked
    /// for, 1 < g < p-1.
    pub fn acceptable(&self, min: u32, max: u32) -> bool {
        let bits = self.bits();
        bits >= min
            && bits <= max
            && self.p.last().is_some_and(|b| b & 1 == 1)
            && dh_value_in_range(strip(&self.g), strip(&self.p))
    }
}

/// Our half of an exchange in progress (the client's).
pub enum Ephemeral {
    Ecdh(EphemeralPrivateKey),
    Dh {
        x: Zeroizing<Vec<u8>>,
        group: DhGroup,
    },
    MlKem {
        kem: kem::DecapsulationKey,
        x25519: EphemeralPrivateKey,
    },
    Sntrup {
        kem: Box<sntrup761::DecapsulationKey>,
        x25519: EphemeralPrivateKey,
    },
}

fn ecdh_alg(group: Group) -> Option<&'static agreement::Algorithm> {
    Some(match group {
        Group::X25519 | Group::MlKem768X25519 | Group::Sntrup761X25519 => &agreement::X25519,
        Group::P256 => &agreement::ECDH_P256,
        Group::P384 => &agreement::ECDH_P384,
        Group::P521 => &agreement::ECDH_P521,
        Group::Modp(_) | Group::GroupExchange => return None,
    })
}

fn ecdh_generate(group: Group) -> Option<(EphemeralPrivateKey, Vec<u8>)> {
    let key =
        EphemeralPrivateKey::generate(ecdh_alg(group)?, &aws_lc_rs::rand::SystemRandom::new())
            .ok()?;
    let public = key.compute_public_key().ok()?.as_ref().to_vec();
    Some((key, public))
}

fn random_seed() -> Option<Zeroizing<[u8; 32]>> {
    let mut seed = Zeroizing::new([0u8; 32]);
    aws_lc_rs::rand::fill(&mut seed[..]).ok()?;
    Some(seed)
}

impl Ephemeral {
    /// A fresh private value for a fixed group; returns it with the public
    /// value to send. None for group exchange (see `generate_dh`).
    pub fn generate(group: Group) -> Option<(Ephemeral, Vec<u8>)> {
        match group {
            Group::Modp(bits) => Ephemeral::generate_dh(DhGroup::modp(bits)?),
            Group::GroupExchange => None,
            Group::MlKem768X25519 => {
                let kem = kem::DecapsulationKey::generate(&kem::ML_KEM_768).ok()?;
                let encapsulation = kem.encapsulation_key().ok()?;
                let (x25519, x_pub) = ecdh_generate(group)?;
                // Joined at its exact size: the transport keeps our public
                // value for the connection's life (0.4.10's
                // `_state.outgoing.pubkey`), and appending to a copy of
                // the 1184-byte key doubled its capacity.
                let public = [encapsulation.key_bytes().ok()?.as_ref(), &x_pub].concat();
                Some((Ephemeral::MlKem { kem, x25519 }, public))
            }
            Group::Sntrup761X25519 => {
                // The crate's seeded generator is ChaCha20 keyed from the
                // OS generator, so no second RNG crate is needed here.
                let (pk, sk) = sntrup761::generate_key_from_seed(*random_seed()?);
                let (x25519, x_pub) = ecdh_generate(group)?;
                let public = [pk.as_ref(), &x_pub].concat();
                Some((
                    Ephemeral::Sntrup {
                        kem: Box::new(sk),
                        x25519,
                    },
                    public,
                ))
            }
            _ => {
                let (key, public) = ecdh_generate(group)?;
                Some((Ephemeral::Ecdh(key), public))
            }
        }
    }

    /// A fresh private value in a finite-field group.
    pub fn generate_dh(group: DhGroup) -> Option<(Ephemeral, Vec<u8>)> {
        // x from [2, 2^(2*security) ): 512 random bits are ample for every
        // group here (RFC 8268 section 4 asks for 2x the strength); the top
        // bit is forced so x is never tiny.
        let mut x = Zeroizing::new(vec![0u8; 64]);
        aws_lc_rs::rand::fill(&mut x[..]).ok()?;
        x[0] |= 0x80;
        let e = super::bignum::mod_exp(&group.g, &x, &group.p)?;
        Some((Ephemeral::Dh { x, group }, e))
    }

    /// The shared secret K with the peer's public value, checked for range
    /// (DH: 1 < f < p-1), curve membership (ECDH) and length (hybrids).
    pub fn agree(self, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, InvalidPublicValue> {
        match self {
            Ephemeral::Ecdh(key) => x_agree(key, peer),
            Ephemeral::Dh { x, group } => {
                let f = strip(peer);
                if !dh_value_in_range(f, &group.p) {
                    return Err(InvalidPublicValue);
                }
                super::bignum::mod_exp(f, &x, &group.p)
                    .map(Zeroizing::new)
                    .ok_or(InvalidPublicValue)
            }
            Ephemeral::MlKem { kem, x25519 } => {
                let (ct, x_pub) = split_hybrid(peer, 1088)?;
                let ss = kem
                    .decapsulate(kem::Ciphertext::from(ct))
                    .map_err(|_| InvalidPublicValue)?;
                hybrid_secret(&digest::SHA256, ss.as_ref(), x25519, x_pub)
            }
            Ephemeral::Sntrup { kem, x25519 } => {
                let (ct, x_pub) = split_hybrid(peer, 1039)?;
                let ct = sntrup761::Ciphertext::try_from(ct).map_err(|_| InvalidPublicValue)?;
                let ss = kem.decapsulate(&ct);
                hybrid_secret(&digest::SHA512, ss.as_ref(), x25519, x_pub)
            }
        }
    }
}

/// The server's side: our public value and K, from the client's value.
/// `dh` is the group for group exchange.
pub fn respond(
    group: Group,
    dh: Option<&DhGroup>,
    client: &[u8],
) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>), InvalidPublicValue> {
    match group {
        Group::MlKem768X25519 => {
            let (pk, x_pub) = split_hybrid(client, 1184)?;
            let ek =
                kem::EncapsulationKey::new(&kem::ML_KEM_768, pk).map_err(|_| InvalidPublicValue)?;
            let (ct, ss) = ek.encapsulate().map_err(|_| InvalidPublicValue)?;
            let (x25519, our_x) = ecdh_generate(group).ok_or(InvalidPublicValue)?;
            let k = hybrid_secret(&digest::SHA256, ss.as_ref(), x25519, x_pub)?;
            Ok(([ct.as_ref(), &our_x].concat(), k))
        }
        Group::Sntrup761X25519 => {
            let (pk, x_pub) = split_hybrid(client, 1158)?;
            let ek = sntrup761::EncapsulationKey::try_from(pk).map_err(|_| InvalidPublicValue)?;
            let seed = random_seed().ok_or(InvalidPublicValue)?;
            let (ct, ss) = ek.encapsulate_deterministic(*seed);
            let (x25519, our_x) = ecdh_generate(group).ok_or(InvalidPublicValue)?;
            let k = hybrid_secret(&digest::SHA512, ss.as_ref(), x25519, x_pub)?;
            Ok(([ct.as_ref(), &our_x].concat(), k))
        }
        Group::GroupExchange => {
            let (eph, ours) = Ephemeral::generate_dh(dh.cloned().ok_or(InvalidPublicValue)?)
                .ok_or(InvalidPublicValue)?;
            Ok((ours, eph.agree(client)?))
        }
        _ => {
            let (eph, ours) = Ephemeral::generate(group).ok_or(InvalidPublicValue)?;
            Ok((ours, eph.agree(client)?))
        }
    }
}

/// X25519 or NIST ECDH, refusing the all-zero result (RFC 8731).
fn x_agree(
    key: EphemeralPrivateKey,
    peer: &[u8],
) -> Result<Zeroizing<Vec<u8>>, InvalidPublicValue> {
    let alg = key.algorithm();
    agreement::agree_ephemeral(
        key,
        UnparsedPublicKey::new(alg, peer),
        InvalidPublicValue,
        |k| {
            if k.iter().all(|&b| b == 0) {
                Err(InvalidPublicValue)
            } else {
                Ok(Zeroizing::new(k.to_vec()))
            }
        },
    )
}

/// A hybrid value: the KEM part of exactly `kem_len` bytes, then 32 bytes of
/// X25519.
fn split_hybrid(value: &[u8], kem_len: usize) -> Result<(&[u8], &[u8]), InvalidPublicValue> {
    if value.len() != kem_len + 32 {
        return Err(InvalidPublicValue);
    }
    Ok(value.split_at(kem_len))
}

/// K for the hybrids: HASH(kem secret || X25519 secret).
fn hybrid_secret(
    hash: &'static digest::Algorithm,
    kem_secret: &[u8],
    x25519: EphemeralPrivateKey,
    peer_x: &[u8],
) -> Result<Zeroizing<Vec<u8>>, InvalidPublicValue> {
    let x = x_agree(x25519, peer_x)?;
    let mut ctx = digest::Context::new(hash);
    ctx.update(kem_secret);
    ctx.update(&x);
    Ok(Zeroizing::new(ctx.finish().as_ref().to_vec()))
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
        super::dh_groups::HEX
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
    fn group_exchange_picks_and_checks_groups() {
        let g = DhGroup::for_request(2048, 3072, 8192).unwrap();
        assert_eq!(g.bits(), 3072);
        assert_eq!(DhGroup::for_request(1024, 9000, 8192).unwrap().bits(), 8192);
        assert_eq!(DhGroup::for_request(2048, 1024, 4096).unwrap().bits(), 2048);
        assert!(DhGroup::for_request(9000, 9000, 10000).is_none());
        assert!(g.acceptable(2048, 8192));
        assert!(!g.acceptable(4096, 8192), "smaller than asked");
        let bad_g = DhGroup {
            p: g.p.clone(),
            g: vec![1],
        };
        assert!(!bad_g.acceptable(2048, 8192));
        let (a, a_pub) = Ephemeral::generate_dh(g.clone()).unwrap();
        let (b_pub, k) = respond(Group::GroupExchange, Some(&g), &a_pub).unwrap();
        assert_eq!(*a.agree(&b_pub).unwrap(), *k);
    }

    #[test]
    fn both_sides_agree_on_every_group() {
        for g in [
            Group::X25519,
            Group::P256,
            Group::P384,
            Group::P521,
            Group::Modp(2048),
            Group::Modp(1024),
            Group::MlKem768X25519,
            Group::Sntrup761X25519,
        ] {
            let (a, a_pub) = Ephemeral::generate(g).unwrap();
            let (b_pub, k) = respond(g, None, &a_pub).unwrap();
            assert_eq!(*a.agree(&b_pub).unwrap(), *k, "{g:?}");
        }
    }

    #[test]
    fn bad_public_values_are_refused() {
        let (a, _) = Ephemeral::generate(Group::X25519).unwrap();
        assert!(a.agree(&[0u8; 32]).is_err(), "all-zero X25519 point");
        let (a, _) = Ephemeral::generate(Group::P256).unwrap();
        assert!(a.agree(&[4u8; 65]).is_err(), "point not on the curve");
        for g in [Group::MlKem768X25519, Group::Sntrup761X25519] {
            let (a, a_pub) = Ephemeral::generate(g).unwrap();
            assert!(respond(g, None, &a_pub[1..]).is_err(), "short client value");
            let (b_pub, _) = respond(g, None, &a_pub).unwrap();
            let mut zero_x = b_pub.clone();
            let n = zero_x.len();
            zero_x[n - 32..].fill(0);
            assert!(a.agree(&zero_x).is_err(), "all-zero X25519 half");
        }
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
