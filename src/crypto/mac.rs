//! Packet MACs: HMAC over SHA-1/256/512, MD5 and RIPEMD-160, their -96
//! truncations and their encrypt-then-MAC forms (OpenSSH PROTOCOL 1.5). The
//! MAC covers the sequence number and the packet (plaintext for the plain
//! forms, the ciphertext with its clear length for -etm).
//!
//! aws-lc-rs's safe HMAC has no MD5 or RIPEMD-160, so this uses aws-lc's
//! HMAC_CTX; one context is keyed once per keying and reset for each packet,
//! which also skips re-deriving the key pads every packet. aws-lc's HMAC has
//! no RIPEMD-160 at all: that one comes from RustCrypto's `hmac` + `ripemd`.

use aws_lc_rs::constant_time;
use aws_lc_sys as sys;
use std::ptr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacHash {
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Ripemd160,
}

impl MacHash {
    fn md(self) -> *const sys::EVP_MD {
        // SAFETY: these return static tables.
        unsafe {
            match self {
                MacHash::Md5 => sys::EVP_md5(),
                MacHash::Sha1 => sys::EVP_sha1(),
                MacHash::Sha256 => sys::EVP_sha256(),
                MacHash::Sha512 => sys::EVP_sha512(),
                MacHash::Ripemd160 => ptr::null(),
            }
        }
    }

    fn output_len(self) -> usize {
        match self {
            MacHash::Md5 => 16,
            MacHash::Sha1 | MacHash::Ripemd160 => 20,
            MacHash::Sha256 => 32,
            MacHash::Sha512 => 64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacSpec {
    pub hash: MacHash,
    /// Bytes sent on the wire (the -96 forms send 12).
    pub out_len: usize,
    /// Encrypt-then-MAC: the length stays in clear and the MAC covers the
    /// ciphertext, checked before decrypting.
    pub etm: bool,
}

impl MacSpec {
    pub fn from_name(name: &str) -> Option<MacSpec> {
        let (base, etm) = match name.strip_suffix("-etm@openssh.com") {
            Some(b) => (b, true),
            None => (name, false),
        };
        let (base, truncated) = match base.strip_suffix("-96") {
            Some(b) => (b, true),
            None => (base, false),
        };
        let hash = match base {
            "hmac-md5" => MacHash::Md5,
            "hmac-sha1" => MacHash::Sha1,
            "hmac-sha2-256" => MacHash::Sha256,
            "hmac-sha2-512" => MacHash::Sha512,
            // OpenSSH's name for it; 0.4.10 lists the plain RFC 4253 one.
            "hmac-ripemd160" | "hmac-ripemd160@openssh.com" if !truncated => MacHash::Ripemd160,
            _ => return None,
        };
        let out_len = if truncated { 12 } else { hash.output_len() };
        Some(MacSpec { hash, out_len, etm })
    }

    /// Key length: the hash's output length (RFC 4253 6.4, RFC 6668).
    pub fn key_len(&self) -> usize {
        self.hash.output_len()
    }
}

type HmacRipemd160 = hmac::Hmac<ripemd::Ripemd160>;

enum Backend {
    AwsLc(*mut sys::HMAC_CTX),
    /// Keyed once; cloned for each packet.
    Ripemd160(Box<HmacRipemd160>),
}

pub struct Mac {
    backend: Backend,
    pub spec: MacSpec,
}

// SAFETY: the context is only used through &mut self and has no thread
// affinity.
unsafe impl Send for Mac {}

impl Mac {
    /// None only when aws-lc cannot allocate or key the context.
    pub fn new(spec: MacSpec, key: &[u8]) -> Option<Mac> {
        if spec.hash == MacHash::Ripemd160 {
            use hmac::KeyInit;
            let keyed = HmacRipemd160::new_from_slice(key).ok()?;
            return Some(Mac {
                backend: Backend::Ripemd160(Box::new(keyed)),
                spec,
            });
        }
        // SAFETY: the context is freed by Drop (also when keying fails).
        unsafe {
            let ctx = sys::HMAC_CTX_new();
            if ctx.is_null() {
                return None;
            }
            let mac = Mac {
                backend: Backend::AwsLc(ctx),
                spec,
            };
            let ok = sys::HMAC_Init_ex(
                ctx,
                key.as_ptr().cast(),
                key.len(),
                spec.hash.md(),
                ptr::null_mut(),
            ) == 1;
            ok.then_some(mac)
        }
    }

    /// The MAC of `seq || data`: its first `spec.out_len` bytes.
    pub fn tag(&mut self, seq: u32, data: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        let ctx = match &self.backend {
            Backend::AwsLc(ctx) => *ctx,
            Backend::Ripemd160(keyed) => {
                use hmac::Mac as _;
                let mut m = (**keyed).clone();
                m.update(&seq.to_be_bytes());
                m.update(data);
                let tag = m.finalize().into_bytes();
                out[..tag.len()].copy_from_slice(&tag);
                return out;
            }
        };
        let mut len: u32 = 0;
        // SAFETY: the context was keyed in new(); a null key with a null
        // digest resets it to that key. `out` holds the largest HMAC.
        unsafe {
            let ok = sys::HMAC_Init_ex(ctx, ptr::null(), 0, ptr::null(), ptr::null_mut()) == 1
                && sys::HMAC_Update(ctx, seq.to_be_bytes().as_ptr(), 4) == 1
                && sys::HMAC_Update(ctx, data.as_ptr(), data.len()) == 1
                && sys::HMAC_Final(ctx, out.as_mut_ptr(), &mut len) == 1;
            if !ok {
                // Never observed; a zero tag fails every verify and a
                // peer rejects what we sign, so nothing passes silently.
                out = [0u8; 64];
            }
        }
        out
    }

    /// Checks `mac` against `seq || data`, in constant time.
    pub fn verify(&mut self, seq: u32, data: &[u8], mac: &[u8]) -> bool {
        let tag = self.tag(seq, data);
        mac.len() == self.spec.out_len
            && constant_time::verify_slices_are_equal(&tag[..self.spec.out_len], mac).is_ok()
    }
}

impl Drop for Mac {
    fn drop(&mut self) {
        if let Backend::AwsLc(ctx) = self.backend {
            // SAFETY: allocated by HMAC_CTX_new in new(), freed only here.
            unsafe { sys::HMAC_CTX_free(ctx) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The MAC as it goes on the wire (`tag` cut to the MAC's length).
    fn sign(mac: &mut Mac, seq: u32, data: &[u8]) -> Vec<u8> {
        mac.tag(seq, data)[..mac.spec.out_len].to_vec()
    }

    #[test]
    fn names_sizes_and_truncation() {
        let m = MacSpec::from_name("hmac-sha2-256-etm@openssh.com").unwrap();
        assert!(m.etm);
        assert_eq!((m.key_len(), m.out_len), (32, 32));
        let t = MacSpec::from_name("hmac-sha1-96").unwrap();
        assert_eq!((t.key_len(), t.out_len, t.etm), (20, 12, false));
        assert!(MacSpec::from_name("umac-64@openssh.com").is_none());
        let mut mac = Mac::new(t, &[1; 20]).unwrap();
        let out = sign(&mut mac, 5, b"packet");
        assert_eq!(out.len(), 12);
        assert!(mac.verify(5, b"packet", &out));
        assert!(!mac.verify(6, b"packet", &out));
    }

    /// RFC 2202 test case 2 for HMAC-MD5 and HMAC-RIPEMD-160 (RFC 2286),
    /// with the sequence number as the first four bytes of the message.
    #[test]
    fn md5_and_ripemd160_match_the_rfc_vectors() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        // "what do ya want for nothing?": seq = "what", data = the rest.
        let seq = u32::from_be_bytes(*b"what");
        for (name, expected) in [
            ("hmac-md5", "750c783e6ab0b503eaa86e310a5db738"),
            ("hmac-ripemd160", "dda6c0213a485a9e24f4742064a7f033b43c4069"),
            ("hmac-md5-96", "750c783e6ab0b503eaa86e31"),
        ] {
            let spec = MacSpec::from_name(name).unwrap();
            let mut mac = Mac::new(spec, b"Jefe").unwrap();
            let out = sign(&mut mac, seq, b" do ya want for nothing?");
            assert_eq!(out, hex(expected), "{name}");
            // The context resets between packets.
            let out = sign(&mut mac, seq, b" do ya want for nothing?");
            assert_eq!(out, hex(expected), "{name} again");
        }
    }
}
