//! What aws-lc-rs's safe API lacks, from the aws-lc it links (aws-lc-sys):
//! RSA signing with SHA-1 and RSA of any size, DSA, MD5 and the legacy
//! symmetric ciphers of old key files. Every pointer is owned by a guard
//! that frees it; every call's status is checked.

use crate::crypto::bignum::{bn_bytes, Bn};
use crate::crypto::evp::EvpCipher;
use aws_lc_sys as sys;
use std::ptr;

/// The components of an RSA key, big-endian magnitudes.
pub struct RsaParts<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: Option<&'a [u8]>,
    pub p: Option<&'a [u8]>,
    pub q: Option<&'a [u8]>,
    pub dmp1: Option<&'a [u8]>,
    pub dmq1: Option<&'a [u8]>,
    pub iqmp: Option<&'a [u8]>,
}

struct Rsa(*mut sys::RSA);

impl Drop for Rsa {
    fn drop(&mut self) {
        // SAFETY: we own the pointer.
        unsafe { sys::RSA_free(self.0) }
    }
}

fn bn_opt(b: Option<&[u8]>) -> Option<Option<Bn>> {
    match b {
        None => Some(None),
        Some(b) => Bn::from_bytes(b).map(Some),
    }
}

impl Rsa {
    fn new(k: &RsaParts<'_>) -> Option<Rsa> {
        // SAFETY: RSA_new's result is owned by the guard; each set0 takes
        // ownership of its BIGNUMs only on success, and on failure we return
        // while the guards still own them... so build all first.
        unsafe {
            let rsa = Rsa(sys::RSA_new());
            if rsa.0.is_null() {
                return None;
            }
            let (n, e, d) = (Bn::from_bytes(k.n)?, Bn::from_bytes(k.e)?, bn_opt(k.d)?);
            if sys::RSA_set0_key(rsa.0, n.0, e.0, d.as_ref().map_or(ptr::null_mut(), |b| b.0)) != 1
            {
                return None;
            }
            std::mem::forget(n);
            std::mem::forget(e);
            std::mem::forget(d);
            if let (Some(p), Some(q)) = (k.p, k.q) {
                let (p, q) = (Bn::from_bytes(p)?, Bn::from_bytes(q)?);
                if sys::RSA_set0_factors(rsa.0, p.0, q.0) != 1 {
                    return None;
                }
                std::mem::forget(p);
                std::mem::forget(q);
            }
            if let (Some(a), Some(b), Some(c)) = (k.dmp1, k.dmq1, k.iqmp) {
                let (a, b, c) = (Bn::from_bytes(a)?, Bn::from_bytes(b)?, Bn::from_bytes(c)?);
                if sys::RSA_set0_crt_params(rsa.0, a.0, b.0, c.0) != 1 {
                    return None;
                }
                std::mem::forget(a);
                std::mem::forget(b);
                std::mem::forget(c);
            }
            Some(rsa)
        }
    }
}

/// An RSA private key held for signing. aws-lc caches the key's Montgomery
/// contexts and blinding values in the RSA object on first use, so a signer
/// that is kept makes later signatures several times cheaper than building
/// the object for each one.
pub struct RsaSigner(Rsa);

// SAFETY: aws-lc's RSA objects may be used for private-key operations from
// several threads at once (the lazily built caches are set under the RSA's
// own lock); nothing here mutates the key after it is built.
unsafe impl Send for RsaSigner {}
unsafe impl Sync for RsaSigner {}

impl RsaSigner {
    pub fn new(k: &RsaParts<'_>) -> Option<RsaSigner> {
        Rsa::new(k).map(RsaSigner)
    }

    /// PKCS#1 v1.5 signature of `digest` (made with the hash `nid`).
    pub fn sign(&self, nid: i32, digest: &[u8]) -> Option<Vec<u8>> {
        let rsa = &self.0;
        // SAFETY: RSA_size bounds the signature RSA_sign writes.
        unsafe {
            let mut out = vec![0u8; sys::RSA_size(rsa.0) as usize];
            let mut len: std::os::raw::c_uint = 0;
            if sys::RSA_sign(
                nid,
                digest.as_ptr(),
                digest.len(),
                out.as_mut_ptr(),
                &mut len,
                rsa.0,
            ) != 1
            {
                return None;
            }
            out.truncate(len as usize);
            Some(out)
        }
    }
}

pub fn rsa_verify(n: &[u8], e: &[u8], nid: i32, digest: &[u8], sig: &[u8]) -> bool {
    let parts = RsaParts {
        n,
        e,
        d: None,
        p: None,
        q: None,
        dmp1: None,
        dmq1: None,
        iqmp: None,
    };
    let Some(rsa) = Rsa::new(&parts) else {
        return false;
    };
    // SAFETY: all pointers are valid for the lengths given.
    unsafe {
        sys::RSA_verify(
            nid,
            digest.as_ptr(),
            digest.len(),
            sig.as_ptr(),
            sig.len(),
            rsa.0,
        ) == 1
    }
}

/// d mod (p-1) and d mod (q-1), the CRT exponents a key file may omit.
pub fn rsa_crt_exponents(d: &[u8], p: &[u8], q: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    // SAFETY: every BIGNUM is owned by a guard; the context is freed below.
    unsafe {
        let ctx = sys::BN_CTX_new();
        if ctx.is_null() {
            return None;
        }
        let result = (|| {
            let d = Bn::from_bytes(d)?;
            let mut out = Vec::new();
            for prime in [p, q] {
                let m = Bn::from_bytes(prime)?;
                let m1 = Bn::new()?;
                if sys::BN_sub(m1.0, m.0, sys::BN_value_one()) != 1 {
                    return None;
                }
                let r = Bn::new()?;
                if sys::BN_nnmod(r.0, d.0, m1.0, ctx) != 1 {
                    return None;
                }
                out.push(bn_bytes(r.0));
            }
            let q1 = out.pop()?;
            let p1 = out.pop()?;
            Some((p1, q1))
        })();
        sys::BN_CTX_free(ctx);
        result
    }
}

/// A fresh RSA key: (n, e, d, p, q, dmp1, dmq1, iqmp).
pub fn rsa_generate(bits: i32) -> Option<[Vec<u8>; 8]> {
    // SAFETY: the RSA object is owned by the guard; get0 pointers are
    // borrowed from it and copied out before it is freed.
    unsafe {
        let rsa = Rsa(sys::RSA_new());
        let e = Bn::from_bytes(&[1, 0, 1])?;
        if rsa.0.is_null() || sys::RSA_generate_key_ex(rsa.0, bits, e.0, ptr::null_mut()) != 1 {
            return None;
        }
        let mut v: [*const sys::BIGNUM; 8] = [ptr::null(); 8];
        sys::RSA_get0_key(rsa.0, &mut v[0], &mut v[1], &mut v[2]);
        sys::RSA_get0_factors(rsa.0, &mut v[3], &mut v[4]);
        sys::RSA_get0_crt_params(rsa.0, &mut v[5], &mut v[6], &mut v[7]);
        Some(v.map(bn_bytes))
    }
}

struct Dsa(*mut sys::DSA);

impl Drop for Dsa {
    fn drop(&mut self) {
        // SAFETY: we own the pointer.
        unsafe { sys::DSA_free(self.0) }
    }
}

impl Dsa {
    fn new(p: &[u8], q: &[u8], g: &[u8], y: &[u8], x: Option<&[u8]>) -> Option<Dsa> {
        // SAFETY: as for Rsa::new: ownership moves to the DSA only on success.
        unsafe {
            let dsa = Dsa(sys::DSA_new());
            if dsa.0.is_null() {
                return None;
            }
            let (p, q, g) = (Bn::from_bytes(p)?, Bn::from_bytes(q)?, Bn::from_bytes(g)?);
            if sys::DSA_set0_pqg(dsa.0, p.0, q.0, g.0) != 1 {
                return None;
            }
            std::mem::forget(p);
            std::mem::forget(q);
            std::mem::forget(g);
            let y = Bn::from_bytes(y)?;
            let x = bn_opt(x)?;
            if sys::DSA_set0_key(dsa.0, y.0, x.as_ref().map_or(ptr::null_mut(), |b| b.0)) != 1 {
                return None;
            }
            std::mem::forget(y);
            std::mem::forget(x);
            Some(dsa)
        }
    }
}

/// DSA signature (r, s) of a SHA-1 digest.
pub fn dsa_sign(
    p: &[u8],
    q: &[u8],
    g: &[u8],
    y: &[u8],
    x: &[u8],
    digest: &[u8],
) -> Option<(Vec<u8>, Vec<u8>)> {
    let dsa = Dsa::new(p, q, g, y, Some(x))?;
    // SAFETY: the DSA_SIG is freed after its values are copied out.
    unsafe {
        let sig = sys::DSA_do_sign(digest.as_ptr(), digest.len(), dsa.0);
        if sig.is_null() {
            return None;
        }
        let (mut r, mut s) = (ptr::null(), ptr::null());
        sys::DSA_SIG_get0(sig, &mut r, &mut s);
        let out = (bn_bytes(r), bn_bytes(s));
        sys::DSA_SIG_free(sig);
        Some(out)
    }
}

pub fn dsa_verify(
    p: &[u8],
    q: &[u8],
    g: &[u8],
    y: &[u8],
    digest: &[u8],
    r: &[u8],
    s: &[u8],
) -> bool {
    let Some(dsa) = Dsa::new(p, q, g, y, None) else {
        return false;
    };
    // SAFETY: the DSA_SIG owns r and s after set0 and is freed here.
    unsafe {
        let sig = sys::DSA_SIG_new();
        if sig.is_null() {
            return false;
        }
        let (Some(rb), Some(sb)) = (Bn::from_bytes(r), Bn::from_bytes(s)) else {
            sys::DSA_SIG_free(sig);
            return false;
        };
        if sys::DSA_SIG_set0(sig, rb.0, sb.0) != 1 {
            sys::DSA_SIG_free(sig);
            return false;
        }
        std::mem::forget(rb);
        std::mem::forget(sb);
        let ok = sys::DSA_do_verify(digest.as_ptr(), digest.len(), sig, dsa.0) == 1;
        sys::DSA_SIG_free(sig);
        ok
    }
}

pub fn md5(data: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    // SAFETY: MD5 writes exactly 16 bytes.
    unsafe { sys::MD5(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

/// The symmetric ciphers key files are encrypted with: the transport's own
/// EVP ciphers (AES-CBC/CTR, 3DES-CBC), used here for one whole buffer.
pub use crate::crypto::evp::EvpAlg as FileCipher;

/// Decrypts `data`. With `unpad`, PKCS#7 padding is checked and removed;
/// without, the plaintext keeps every byte. None when the key or IV has the
/// wrong length, CBC data is not whole blocks, or the padding is wrong.
pub fn decrypt(
    cipher: FileCipher,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
    unpad: bool,
) -> Option<Vec<u8>> {
    if iv.len() != cipher.iv_len() {
        return None;
    }
    let mut out = data.to_vec();
    // apply() refuses CBC input that is not whole blocks.
    if !EvpCipher::new(cipher, key, iv, false)?.apply(&mut out) {
        return None;
    }
    if unpad {
        let pad = usize::from(*out.last()?);
        let body = out.len().checked_sub(pad)?;
        if pad == 0
            || pad > cipher.block_len()
            || out[body..].iter().any(|&b| usize::from(b) != pad)
        {
            return None;
        }
        out.truncate(body);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_abc() {
        assert_eq!(
            md5(b"abc"),
            [
                0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0, 0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1,
                0x7f, 0x72
            ]
        );
    }

    #[test]
    fn rsa_sign_verify_and_crt() {
        let [n, e, d, p, q, dmp1, dmq1, iqmp] = rsa_generate(1024).unwrap();
        assert_eq!(
            rsa_crt_exponents(&d, &p, &q).unwrap(),
            (dmp1.clone(), dmq1.clone())
        );
        let digest = [7u8; 20];
        let parts = RsaParts {
            n: &n,
            e: &e,
            d: Some(&d),
            p: Some(&p),
            q: Some(&q),
            dmp1: Some(&dmp1),
            dmq1: Some(&dmq1),
            iqmp: Some(&iqmp),
        };
        let signer = RsaSigner::new(&parts).unwrap();
        let sig = signer.sign(sys::NID_sha1, &digest).unwrap();
        assert!(rsa_verify(&n, &e, sys::NID_sha1, &digest, &sig));
        // A kept signer signs again the same (PKCS#1 v1.5 is deterministic).
        assert_eq!(signer.sign(sys::NID_sha1, &digest).unwrap(), sig);
        assert!(!rsa_verify(&n, &e, sys::NID_sha1, &[8u8; 20], &sig));
    }

    #[test]
    fn decrypt_checks_pkcs7_padding() {
        let key = [1u8; 16];
        let iv = [2u8; 16];
        let seal = |plain: &[u8]| {
            let mut buf = plain.to_vec();
            let mut enc = EvpCipher::new(FileCipher::Aes128Cbc, &key, &iv, true).unwrap();
            assert!(enc.apply(&mut buf));
            buf
        };
        let good = seal(b"hello world\x05\x05\x05\x05\x05");
        assert_eq!(
            decrypt(FileCipher::Aes128Cbc, &key, &iv, &good, true).unwrap(),
            b"hello world"
        );
        assert_eq!(
            decrypt(FileCipher::Aes128Cbc, &key, &iv, &good, false)
                .unwrap()
                .len(),
            16
        );
        // Padding bytes that disagree, a zero pad, a pad longer than a block.
        for bad in [
            &b"hello world\x04\x04\x05\x04\x05"[..],
            &b"hello world\x05\x05\x05\x05\x00"[..],
            &b"hello world\x05\x05\x05\x05\x11"[..],
        ] {
            assert!(decrypt(FileCipher::Aes128Cbc, &key, &iv, &seal(bad), true).is_none());
        }
    }

    #[test]
    fn decrypt_refuses_bad_sizes() {
        assert!(decrypt(FileCipher::Aes128Cbc, &[0; 15], &[0; 16], &[0; 16], false).is_none());
        assert!(decrypt(FileCipher::Aes128Cbc, &[0; 16], &[0; 16], &[0; 15], false).is_none());
        assert_eq!(
            decrypt(FileCipher::Aes128Ctr, &[0; 16], &[0; 16], &[0; 5], false)
                .unwrap()
                .len(),
            5
        );
    }
}
