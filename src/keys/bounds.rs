//! Size limits on RSA and DSA key components, checked before any
//! arithmetic on them. A key file's numbers are attacker-chosen: a PKCS#8
//! DSA key carries only x, and deriving y = g^x mod p with a huge p and x
//! cost 9 s for 11 KB of text (x8 per doubling, unbounded within the 1 MiB
//! input cap). The limits are those the signing code would enforce anyway
//! (aws-lc refuses larger keys), so no usable key is lost:
//! - RSA: n of at most 16384 bits (OpenSSH's SSHBUF_MAX_BIGNUM and aws-lc's
//!   OPENSSL_RSA_MAX_MODULUS_BITS); the other numbers no longer than n.
//! - DSA: p of at most 10000 bits (aws-lc's OPENSSL_DSA_MAX_MODULUS_BITS,
//!   above OpenSSH's 1024 and FIPS 186's 2048/3072), q of 160, 224 or 256
//!   bits (FIPS 186's sizes, the only ones aws-lc signs with), g and y
//!   below p, and 0 < x < q.
//!
//! With those, the costliest step (g^x mod p: a 256-bit exponent modulo a
//! 10000-bit prime) takes milliseconds.

use super::error::{fail, KeyResult};

pub const RSA_MAX_BITS: usize = 16384;
pub const DSA_MAX_P_BITS: usize = 10000;
const DSA_Q_BITS: [usize; 3] = [160, 224, 256];

/// The bit length of a big-endian magnitude.
pub fn bits(m: &[u8]) -> usize {
    let m = strip(m);
    match m.first() {
        None => 0,
        Some(&top) => m.len() * 8 - top.leading_zeros() as usize,
    }
}

fn strip(m: &[u8]) -> &[u8] {
    let skip = m.iter().take_while(|&&b| b == 0).count();
    &m[skip..]
}

/// a < b, for big-endian magnitudes.
fn less(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (strip(a), strip(b));
    (a.len(), a) < (b.len(), b)
}

/// RSA: n within the limit, and every other component no longer than n.
pub fn rsa(n: &[u8], others: &[&[u8]]) -> KeyResult<()> {
    let n_bits = bits(n);
    if n_bits > RSA_MAX_BITS {
        return fail(format!(
            "Unsupported RSA key size: {n_bits} bits (at most {RSA_MAX_BITS})"
        ));
    }
    if others.iter().any(|c| bits(c) > n_bits) {
        return fail("Malformed RSA key: a component is longer than the modulus");
    }
    Ok(())
}

/// DSA domain parameters and public value (y is absent when it is still
/// to be derived from x).
pub fn dsa(p: &[u8], q: &[u8], g: &[u8], y: Option<&[u8]>) -> KeyResult<()> {
    let p_bits = bits(p);
    if p_bits > DSA_MAX_P_BITS {
        return fail(format!(
            "Unsupported DSA key size: {p_bits} bits (at most {DSA_MAX_P_BITS})"
        ));
    }
    let q_bits = bits(q);
    if !DSA_Q_BITS.contains(&q_bits) {
        return fail(format!(
            "Unsupported DSA key: q of {q_bits} bits (160, 224 or 256)"
        ));
    }
    if !less(q, p) || !less(g, p) || y.is_some_and(|y| !less(y, p)) {
        return fail("Malformed DSA key: q, g and y must be below p");
    }
    Ok(())
}

/// A DSA private value: 0 < x < q.
pub fn dsa_private(q: &[u8], x: &[u8]) -> KeyResult<()> {
    if strip(x).is_empty() || !less(x, q) {
        return fail("Malformed DSA private key: x must be in 1..q");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ones(bits: usize) -> Vec<u8> {
        // A number of exactly `bits` bits, all of them set.
        let mut v = vec![0xff; bits.div_ceil(8)];
        if !bits.is_multiple_of(8) {
            v[0] = (1u8 << (bits % 8)) - 1;
        }
        v
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bits(&[]), 0);
        assert_eq!(bits(&[0, 0]), 0);
        assert_eq!(bits(&[0, 1]), 1);
        assert_eq!(bits(&[0x80, 0]), 16);
        assert_eq!(bits(&ones(10001)), 10001);
        assert!(less(&[0, 5], &[6]));
        assert!(!less(&[6], &[0, 6]));
        assert!(less(&[0xff], &[1, 0]));
    }

    #[test]
    fn rsa_modulus_is_bounded() {
        assert!(rsa(&ones(16384), &[&[1, 0, 1], &ones(16384)]).is_ok());
        let e = rsa(&ones(16385), &[&[1, 0, 1]]).unwrap_err();
        assert_eq!(e.0, "Unsupported RSA key size: 16385 bits (at most 16384)");
        assert!(rsa(&ones(2048), &[&ones(2049)]).is_err());
    }

    #[test]
    fn dsa_sizes_are_bounded() {
        let g = [2u8];
        for q_bits in [160, 224, 256] {
            assert!(dsa(&ones(2048), &ones(q_bits), &g, None).is_ok());
        }
        assert!(dsa(&ones(10000), &ones(256), &g, Some(&[3])).is_ok());
        let e = dsa(&ones(10001), &ones(256), &g, None).unwrap_err();
        assert_eq!(e.0, "Unsupported DSA key size: 10001 bits (at most 10000)");
        for q_bits in [0, 159, 161, 512, 2048] {
            assert!(dsa(&ones(2048), &ones(q_bits), &g, None).is_err());
        }
        assert!(dsa(&ones(1024), &ones(160), &ones(1025), None).is_err());
        assert!(dsa(&ones(1024), &ones(160), &g, Some(&ones(1024))).is_err());
    }

    #[test]
    fn dsa_x_is_below_q_and_not_zero() {
        let q = ones(160);
        assert!(dsa_private(&q, &[1]).is_ok());
        assert!(dsa_private(&q, &ones(159)).is_ok());
        assert!(dsa_private(&q, &q).is_err());
        assert!(dsa_private(&q, &[0]).is_err());
        assert!(dsa_private(&q, &ones(1024)).is_err());
    }
}
