//! Streaming block and stream ciphers from aws-lc's EVP interface: AES-CTR
//! and AES-CBC (with 3DES, Blowfish, CAST-128 and RC4 for the legacy names),
//! encrypting or decrypting in place. One context lives for a whole keying,
//! so the CTR counter and the CBC chain carry over from packet to packet as
//! RFC 4253 and 4344 require.

use aws_lc_sys as sys;
use std::ptr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvpAlg {
    Aes128Ctr,
    Aes192Ctr,
    Aes256Ctr,
    Aes128Cbc,
    Aes192Cbc,
    Aes256Cbc,
    TripleDesCbc,
    BlowfishCbc,
    Cast128Cbc,
    /// RC4 with a 128- or 256-bit key. RFC 4345 discards the first 1536
    /// bytes of keystream for arcfour128/256; 0.4.10 does the same for
    /// plain "arcfour" (RFC 4253 does not), and we follow 0.4.10 so the
    /// two interoperate.
    Rc4 {
        key_len: usize,
    },
}

impl EvpAlg {
    pub fn key_len(self) -> usize {
        match self {
            EvpAlg::Aes128Ctr | EvpAlg::Aes128Cbc | EvpAlg::BlowfishCbc | EvpAlg::Cast128Cbc => 16,
            EvpAlg::Aes192Ctr | EvpAlg::Aes192Cbc | EvpAlg::TripleDesCbc => 24,
            EvpAlg::Aes256Ctr | EvpAlg::Aes256Cbc => 32,
            EvpAlg::Rc4 { key_len } => key_len,
        }
    }

    pub fn iv_len(self) -> usize {
        match self {
            EvpAlg::Rc4 { .. } => 0,
            EvpAlg::TripleDesCbc | EvpAlg::BlowfishCbc | EvpAlg::Cast128Cbc => 8,
            _ => 16,
        }
    }

    /// The block size SSH pads to (8 for stream ciphers, RFC 4253 6).
    pub fn block_len(self) -> usize {
        match self.iv_len() {
            0 => 8,
            n => n,
        }
    }

    fn cipher(self) -> *const sys::EVP_CIPHER {
        // SAFETY: these return static tables.
        unsafe {
            match self {
                EvpAlg::Aes128Ctr => sys::EVP_aes_128_ctr(),
                EvpAlg::Aes192Ctr => sys::EVP_aes_192_ctr(),
                EvpAlg::Aes256Ctr => sys::EVP_aes_256_ctr(),
                EvpAlg::Aes128Cbc => sys::EVP_aes_128_cbc(),
                EvpAlg::Aes192Cbc => sys::EVP_aes_192_cbc(),
                EvpAlg::Aes256Cbc => sys::EVP_aes_256_cbc(),
                EvpAlg::TripleDesCbc => sys::EVP_des_ede3_cbc(),
                EvpAlg::BlowfishCbc => sys::EVP_bf_cbc(),
                EvpAlg::Cast128Cbc => sys::EVP_cast5_cbc(),
                EvpAlg::Rc4 { .. } => sys::EVP_rc4(),
            }
        }
    }
}

/// An owned EVP_CIPHER_CTX, freed on drop (EvpCipher here, and the GCM
/// sealing key in gcm.rs).
pub struct CipherCtx(*mut sys::EVP_CIPHER_CTX);

// SAFETY: the context is only used through its owner's &mut self; aws-lc
// contexts have no thread affinity.
unsafe impl Send for CipherCtx {}

impl CipherCtx {
    /// None when aws-lc cannot allocate one.
    pub fn new() -> Option<CipherCtx> {
        // SAFETY: plain allocation; null checked, freed by Drop.
        let ctx = unsafe { sys::EVP_CIPHER_CTX_new() };
        (!ctx.is_null()).then_some(CipherCtx(ctx))
    }

    pub fn ptr(&self) -> *mut sys::EVP_CIPHER_CTX {
        self.0
    }
}

impl Drop for CipherCtx {
    fn drop(&mut self) {
        // SAFETY: we own the context.
        unsafe { sys::EVP_CIPHER_CTX_free(self.0) }
    }
}

/// An EVP cipher context keyed for one direction.
pub struct EvpCipher {
    ctx: CipherCtx,
    pub alg: EvpAlg,
}

impl EvpCipher {
    /// None when the key or IV length is wrong or aws-lc refuses the cipher.
    pub fn new(alg: EvpAlg, key: &[u8], iv: &[u8], encrypt: bool) -> Option<EvpCipher> {
        if key.len() != alg.key_len() || iv.len() < alg.iv_len() {
            return None;
        }
        let me = EvpCipher {
            ctx: CipherCtx::new()?,
            alg,
        };
        let ctx = me.ctx.ptr();
        // SAFETY: the context is owned by `me` (freed on drop, also when
        // set-up fails); key and IV are read for the lengths checked above.
        unsafe {
            let cipher = alg.cipher();
            // Key length first: RC4 and Blowfish take variable-length keys.
            let ok = sys::EVP_CipherInit_ex(
                ctx,
                cipher,
                ptr::null_mut(),
                ptr::null(),
                ptr::null(),
                encrypt as i32,
            ) == 1
                && sys::EVP_CIPHER_CTX_set_key_length(ctx, key.len() as u32) == 1
                && sys::EVP_CipherInit_ex(
                    ctx,
                    ptr::null(),
                    ptr::null_mut(),
                    key.as_ptr(),
                    if alg.iv_len() == 0 {
                        ptr::null()
                    } else {
                        iv.as_ptr()
                    },
                    encrypt as i32,
                ) == 1
                && sys::EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
            let mut me = ok.then_some(me)?;
            if let EvpAlg::Rc4 { .. } = alg {
                let mut discard = [0u8; 1536];
                if !me.apply(&mut discard) {
                    return None;
                }
            }
            Some(me)
        }
    }

    /// Encrypts or decrypts `buf` in place. For block modes the length must
    /// be a whole number of blocks (the packet layer guarantees it).
    pub fn apply(&mut self, buf: &mut [u8]) -> bool {
        let (ptr, len) = (buf.as_mut_ptr(), buf.len());
        // SAFETY: in-place operation is supported for these modes.
        unsafe { self.update(ptr, ptr, len) }
    }

    /// Encrypts or decrypts `len` bytes from `input` into `output` (the
    /// stream carries on from the last call), false when aws-lc fails.
    ///
    /// # Safety
    /// `input` and `output` are valid for `len` bytes each, and either the
    /// same or not overlapping.
    pub unsafe fn update(&mut self, input: *const u8, output: *mut u8, len: usize) -> bool {
        if len == 0 {
            return true;
        }
        if len > i32::MAX as usize {
            return false;
        }
        let mut out_len: std::os::raw::c_int = 0;
        // SAFETY: the caller's promise; the output never exceeds the input
        // because padding is off and inputs are whole blocks.
        unsafe {
            sys::EVP_CipherUpdate(self.ctx.ptr(), output, &mut out_len, input, len as i32) == 1
                && out_len as usize == len
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_across_calls_as_one_stream() {
        for alg in [
            EvpAlg::Aes128Ctr,
            EvpAlg::Aes256Ctr,
            EvpAlg::Aes192Cbc,
            EvpAlg::TripleDesCbc,
            EvpAlg::BlowfishCbc,
            EvpAlg::Cast128Cbc,
            EvpAlg::Rc4 { key_len: 16 },
        ] {
            let key = vec![7u8; alg.key_len()];
            let iv = vec![9u8; alg.iv_len()];
            let mut enc = EvpCipher::new(alg, &key, &iv, true).unwrap();
            let mut dec = EvpCipher::new(alg, &key, &iv, false).unwrap();
            let plain: Vec<u8> = (0..(alg.block_len() * 6) as u8).collect();
            let mut buf = plain.clone();
            let (a, b) = buf.split_at_mut(alg.block_len() * 2);
            assert!(enc.apply(a) && enc.apply(b));
            assert_ne!(buf, plain);
            let (a, b) = buf.split_at_mut(alg.block_len() * 4);
            assert!(dec.apply(a) && dec.apply(b));
            assert_eq!(buf, plain, "{alg:?}");
        }
    }

    #[test]
    fn wrong_key_length_is_refused() {
        assert!(EvpCipher::new(EvpAlg::Aes128Ctr, &[0; 15], &[0; 16], true).is_none());
    }
}
