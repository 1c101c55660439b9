//! AES-GCM sealing through aws-lc's streaming EVP interface.
//!
//! aws-lc-rs's AEAD seals one contiguous buffer in place, so an SSH packet
//! (padding length and message header, the caller's data, padding) had to
//! be copied together first. EVP encrypts each part from where it lies
//! into the output, which saves a pass over every byte sent. The algorithm
//! and the bytes on the wire are the same (the tests compare them with
//! aws-lc-rs's seal).

use super::evp::CipherCtx;
use aws_lc_sys as sys;
use std::mem::MaybeUninit;
use std::os::raw::c_int;
use std::ptr;

pub const TAG_LEN: usize = 16;

/// One direction's AES-128/256-GCM key; each packet brings its own nonce.
pub struct GcmSealer {
    ctx: CipherCtx,
}

impl GcmSealer {
    /// None for a key that is neither 16 nor 32 bytes, or when aws-lc
    /// cannot set the context up.
    pub fn new(key: &[u8]) -> Option<GcmSealer> {
        // SAFETY: these return static tables.
        let cipher = unsafe {
            match key.len() {
                16 => sys::EVP_aes_128_gcm(),
                32 => sys::EVP_aes_256_gcm(),
                _ => return None,
            }
        };
        let me = GcmSealer {
            ctx: CipherCtx::new()?,
        };
        // SAFETY: the context is owned by `me` (freed on drop, also when
        // keying fails); the key is read for its length.
        let ok = unsafe {
            sys::EVP_EncryptInit_ex(
                me.ctx.ptr(),
                cipher,
                ptr::null_mut(),
                key.as_ptr(),
                ptr::null(),
            )
        } == 1;
        ok.then_some(me)
    }

    /// Encrypts the concatenation of `parts` into the front of `out`,
    /// authenticating `aad` first, and writes the tag after it. `out` must
    /// hold the parts' total length plus `TAG_LEN`; false (and `out` in an
    /// unspecified state) if it does not or aws-lc fails.
    pub fn seal(
        &mut self,
        nonce: &[u8; 12],
        aad: &[u8],
        parts: &[&[u8]],
        out: &mut [MaybeUninit<u8>],
    ) -> bool {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if out.len() < total + TAG_LEN
            || total > c_int::MAX as usize
            || aad.len() > c_int::MAX as usize
        {
            return false;
        }
        let base = out.as_mut_ptr().cast::<u8>();
        let mut at = 0usize;
        let mut n: c_int = 0;
        // SAFETY: every write goes to base[at..], and `at` never passes
        // total + TAG_LEN <= out.len(): GCM writes exactly as many bytes as
        // it is given (EVP reports it in `n`, checked), Final writes none,
        // and the tag is TAG_LEN bytes.
        unsafe {
            if sys::EVP_EncryptInit_ex(
                self.ctx.ptr(),
                ptr::null(),
                ptr::null_mut(),
                ptr::null(),
                nonce.as_ptr(),
            ) != 1
                || sys::EVP_EncryptUpdate(
                    self.ctx.ptr(),
                    ptr::null_mut(),
                    &mut n,
                    aad.as_ptr(),
                    aad.len() as c_int,
                ) != 1
            {
                return false;
            }
            for part in parts.iter().filter(|p| !p.is_empty()) {
                if sys::EVP_EncryptUpdate(
                    self.ctx.ptr(),
                    base.add(at),
                    &mut n,
                    part.as_ptr(),
                    part.len() as c_int,
                ) != 1
                    || n as usize != part.len()
                {
                    return false;
                }
                at += part.len();
            }
            if sys::EVP_EncryptFinal_ex(self.ctx.ptr(), base.add(at), &mut n) != 1 || n != 0 {
                return false;
            }
            sys::EVP_CIPHER_CTX_ctrl(
                self.ctx.ptr(),
                sys::EVP_CTRL_GCM_GET_TAG as c_int,
                TAG_LEN as c_int,
                base.add(at).cast(),
            ) == 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_256_GCM};

    #[test]
    fn the_same_bytes_as_aws_lc_rs_seal_whatever_the_parts() {
        for (alg, key_len) in [(&AES_128_GCM, 16), (&AES_256_GCM, 32)] {
            let key: Vec<u8> = (0..key_len as u8).collect();
            let aead = LessSafeKey::new(UnboundKey::new(alg, &key).unwrap());
            let mut evp = GcmSealer::new(&key).unwrap();
            let data: Vec<u8> = (0..5000u32).map(|i| (i * 7) as u8).collect();
            for (i, cuts) in [[0, 0], [1, 10], [10, 4000], [17, 4999], [5000, 5000]]
                .iter()
                .enumerate()
            {
                let nonce = [i as u8; 12];
                let aad = [0, 0, 19, 136];
                let mut expect = data.clone();
                let tag = aead
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(nonce),
                        Aad::from(aad),
                        &mut expect,
                    )
                    .unwrap();
                expect.extend_from_slice(tag.as_ref());
                let parts = [&data[..cuts[0]], &data[cuts[0]..cuts[1]], &data[cuts[1]..]];
                let mut out = vec![MaybeUninit::new(0xAA); data.len() + TAG_LEN];
                assert!(evp.seal(&nonce, &aad, &parts, &mut out));
                // SAFETY: seal wrote every byte (and they were initialised anyway).
                let got: Vec<u8> = out.iter().map(|b| unsafe { b.assume_init() }).collect();
                assert_eq!(got, expect, "key {key_len}, cuts {cuts:?}");
            }
        }
    }

    #[test]
    fn too_little_room_or_a_bad_key_is_refused() {
        assert!(GcmSealer::new(&[0; 24]).is_none());
        let mut s = GcmSealer::new(&[0; 16]).unwrap();
        let mut out = vec![MaybeUninit::new(0); 10 + TAG_LEN - 1];
        assert!(!s.seal(&[0; 12], &[], &[&[1; 10]], &mut out));
    }
}
