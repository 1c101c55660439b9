//! Packet MACs: HMAC-SHA-1/256/512, their -96 truncations and their
//! encrypt-then-MAC forms (OpenSSH PROTOCOL 1.5). The MAC covers the
//! sequence number and the packet (plaintext for the plain forms, the
//! ciphertext with its clear length for -etm).

use aws_lc_rs::{constant_time, hmac};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacSpec {
    pub alg: hmac::Algorithm,
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
        let (alg, out_len) = match base {
            "hmac-sha1" => (hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, 20),
            "hmac-sha1-96" => (hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, 12),
            "hmac-sha2-256" => (hmac::HMAC_SHA256, 32),
            "hmac-sha2-256-96" => (hmac::HMAC_SHA256, 12),
            "hmac-sha2-512" => (hmac::HMAC_SHA512, 64),
            "hmac-sha2-512-96" => (hmac::HMAC_SHA512, 12),
            _ => return None,
        };
        Some(MacSpec { alg, out_len, etm })
    }

    /// Key length: the hash's output length (RFC 4253 6.4, RFC 6668).
    pub fn key_len(&self) -> usize {
        self.alg.digest_algorithm().output_len()
    }
}

pub struct Mac {
    key: hmac::Key,
    pub spec: MacSpec,
}

impl Mac {
    pub fn new(spec: MacSpec, key: &[u8]) -> Mac {
        Mac {
            key: hmac::Key::new(spec.alg, key),
            spec,
        }
    }

    fn tag(&self, seq: u32, parts: &[&[u8]]) -> hmac::Tag {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(&seq.to_be_bytes());
        for p in parts {
            ctx.update(p);
        }
        ctx.sign()
    }

    /// Appends the MAC of `seq || data` to `out`.
    pub fn sign_into(&self, seq: u32, data: &[u8], out: &mut Vec<u8>) {
        let tag = self.tag(seq, &[data]);
        out.extend_from_slice(&tag.as_ref()[..self.spec.out_len]);
    }

    /// Checks `mac` against `seq || data`, in constant time.
    pub fn verify(&self, seq: u32, data: &[u8], mac: &[u8]) -> bool {
        let tag = self.tag(seq, &[data]);
        mac.len() == self.spec.out_len
            && constant_time::verify_slices_are_equal(&tag.as_ref()[..self.spec.out_len], mac)
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sizes_and_truncation() {
        let m = MacSpec::from_name("hmac-sha2-256-etm@openssh.com").unwrap();
        assert!(m.etm);
        assert_eq!((m.key_len(), m.out_len), (32, 32));
        let t = MacSpec::from_name("hmac-sha1-96").unwrap();
        assert_eq!((t.key_len(), t.out_len, t.etm), (20, 12, false));
        assert!(MacSpec::from_name("umac-64@openssh.com").is_none());
        let mac = Mac::new(t, &[1; 20]);
        let mut out = Vec::new();
        mac.sign_into(5, b"packet", &mut out);
        assert_eq!(out.len(), 12);
        assert!(mac.verify(5, b"packet", &out));
        assert!(!mac.verify(6, b"packet", &out));
    }
}
