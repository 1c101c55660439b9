//! aes128-gcm@openssh.com and aes256-gcm@openssh.com: RFC 5647 with
//! OpenSSH's framing (PROTOCOL 1.6): the packet_length field in clear and
//! authenticated as the AAD, a 12-byte nonce whose last 8 bytes count the
//! packets.
//!
//! Opening uses aws-lc's AEAD (EVP_AEAD_CTX_open_gather), which decrypts
//! from the received chunk into another buffer, or in place, in one call.
//! Sealing uses aws-lc's streaming EVP interface: aws-lc-rs's AEAD seals
//! one contiguous buffer in place, so an SSH packet (padding length and
//! message header, the caller's data, padding) had to be copied together
//! first. EVP encrypts each part from where it lies into the output, which
//! saves a pass over every byte sent. The algorithm and the bytes on the
//! wire are the same (the tests compare them with aws-lc-rs's).

use super::evp::CipherCtx;
use super::packet_io::{append_with, Framing, OpenPacket, PacketIo, Refusal, SealPacket, Span};
use aws_lc_sys as sys;
use std::mem::MaybeUninit;
use std::os::raw::c_int;
use std::ptr;

pub const TAG_LEN: usize = 16;

const FRAMING: Framing = Framing {
    block: 16,
    tag_len: TAG_LEN,
    aligns_length: false,
};

/// The next packet's nonce: RFC 5647 7.1's 64-bit invocation counter,
/// big-endian, wraps.
fn step(iv: &mut [u8; 12]) {
    let mut counter = [0u8; 8];
    counter.copy_from_slice(&iv[4..]);
    iv[4..].copy_from_slice(&u64::from_be_bytes(counter).wrapping_add(1).to_be_bytes());
}

fn first_nonce(iv: &[u8]) -> Option<[u8; 12]> {
    iv.get(..12)?.try_into().ok()
}

/// An owned EVP_AEAD_CTX, freed on drop.
struct AeadCtx(*mut sys::EVP_AEAD_CTX);

// SAFETY: used only through its owner's &mut self; aws-lc contexts have
// no thread affinity.
unsafe impl Send for AeadCtx {}

impl Drop for AeadCtx {
    fn drop(&mut self) {
        // SAFETY: we own the context (EVP_AEAD_CTX_new, non-null).
        unsafe { sys::EVP_AEAD_CTX_free(self.0) }
    }
}

/// One direction's AES-128/256-GCM key and nonce, for opening.
pub struct OpeningKey {
    ctx: AeadCtx,
    nonce: [u8; 12],
}

impl OpeningKey {
    /// None for a key that is neither 16 nor 32 bytes, an IV shorter than
    /// 12, or when aws-lc cannot set the context up.
    pub fn new(key: &[u8], iv: &[u8]) -> Option<OpeningKey> {
        // SAFETY: these return static tables.
        let aead = unsafe {
            match key.len() {
                16 => sys::EVP_aead_aes_128_gcm(),
                32 => sys::EVP_aead_aes_256_gcm(),
                _ => return None,
            }
        };
        let nonce = first_nonce(iv)?;
        // SAFETY: the key is read for its length; the result is checked
        // and then owned (freed on drop).
        let ctx = unsafe { sys::EVP_AEAD_CTX_new(aead, key.as_ptr(), key.len(), TAG_LEN) };
        (!ctx.is_null()).then_some(OpeningKey {
            ctx: AeadCtx(ctx),
            nonce,
        })
    }
}

impl OpenPacket for OpeningKey {
    fn framing(&self) -> Framing {
        FRAMING
    }

    fn open(&mut self, _seq: u32, span: Span, io: &mut PacketIo<'_>) -> Result<(), Refusal> {
        let mut aad = [0u8; 4];
        aad.copy_from_slice(io.input(span.head()));
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(io.input(span.tag()));
        let (ctx, nonce) = (self.ctx.0, &self.nonce);
        let ok = io.transform(span.body(), |input, output, n| {
            // SAFETY: `transform` gives n bytes to read and to write, equal
            // or apart, which aws-lc accepts; the rest are local arrays.
            unsafe {
                sys::EVP_AEAD_CTX_open_gather(
                    ctx,
                    output,
                    nonce.as_ptr(),
                    nonce.len(),
                    input,
                    n,
                    tag.as_ptr(),
                    TAG_LEN,
                    aad.as_ptr(),
                    aad.len(),
                ) == 1
            }
        });
        if !ok {
            return Err(Refusal::Mac);
        }
        io.pass(span.head());
        io.pass(span.tag());
        step(&mut self.nonce);
        Ok(())
    }
}

/// One direction's AES-128/256-GCM key and nonce, for sealing.
pub struct SealingKey {
    ctx: CipherCtx,
    nonce: [u8; 12],
}

impl SealPacket for SealingKey {
    fn framing(&self) -> Framing {
        FRAMING
    }

    fn seal(&mut self, _seq: u32, length: [u8; 4], parts: &[&[u8]], out: &mut Vec<u8>) {
        let total = 4 + parts.iter().map(|p| p.len()).sum::<usize>() + TAG_LEN;
        let nonce = self.nonce;
        // SAFETY: when encrypt_parts succeeds it has written the body and
        // the tag after the 4 bytes of the length written here.
        unsafe {
            append_with(out, total, |room| {
                let (clear, sealed) = room.split_at_mut(4);
                for (slot, b) in clear.iter_mut().zip(length) {
                    slot.write(b);
                }
                self.encrypt_parts(&nonce, &length, parts, sealed)
            })
        };
        step(&mut self.nonce);
    }
}

impl SealingKey {
    /// None for a key that is neither 16 nor 32 bytes, an IV shorter than
    /// 12, or when aws-lc cannot set the context up.
    pub fn new(key: &[u8], iv: &[u8]) -> Option<SealingKey> {
        // SAFETY: these return static tables.
        let cipher = unsafe {
            match key.len() {
                16 => sys::EVP_aes_128_gcm(),
                32 => sys::EVP_aes_256_gcm(),
                _ => return None,
            }
        };
        let me = SealingKey {
            ctx: CipherCtx::new()?,
            nonce: first_nonce(iv)?,
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
    fn encrypt_parts(
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

    const IV: [u8; 12] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 0xff];

    #[test]
    fn the_same_bytes_as_aws_lc_rs_seal_whatever_the_parts() {
        for (alg, key_len) in [(&AES_128_GCM, 16), (&AES_256_GCM, 32)] {
            let key: Vec<u8> = (0..key_len as u8).collect();
            let aead = LessSafeKey::new(UnboundKey::new(alg, &key).unwrap());
            let mut evp = SealingKey::new(&key, &IV).unwrap();
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
                assert!(evp.encrypt_parts(&nonce, &aad, &parts, &mut out));
                // SAFETY: seal wrote every byte (and they were initialised anyway).
                let got: Vec<u8> = out.iter().map(|b| unsafe { b.assume_init() }).collect();
                assert_eq!(got, expect, "key {key_len}, cuts {cuts:?}");
            }
        }
    }

    #[test]
    fn too_little_room_or_a_bad_key_is_refused() {
        assert!(SealingKey::new(&[0; 24], &IV).is_none());
        assert!(OpeningKey::new(&[0; 24], &IV).is_none());
        assert!(OpeningKey::new(&[0; 16], &IV[..11]).is_none());
        let mut s = SealingKey::new(&[0; 16], &IV).unwrap();
        let mut out = vec![MaybeUninit::new(0); 10 + TAG_LEN - 1];
        assert!(!s.encrypt_parts(&[0; 12], &[], &[&[1; 10]], &mut out));
    }

    /// Packets sealed one after another open, in place and across, to what
    /// was sealed: the nonces step alike on both sides (with a carry in
    /// the counter after the first packet).
    #[test]
    fn sealed_packets_open_in_place_and_across_and_a_flipped_bit_does_not() {
        let key = [9u8; 32];
        let mut sealer = SealingKey::new(&key, &IV).unwrap();
        let mut in_place = OpeningKey::new(&key, &IV).unwrap();
        let mut across = OpeningKey::new(&key, &IV).unwrap();
        let bodies: Vec<Vec<u8>> = (0..4).map(|i| vec![i as u8; 16 * (i + 1)]).collect();
        let mut wire = Vec::new();
        for b in &bodies {
            let length = (b.len() as u32).to_be_bytes();
            sealer.seal(0, length, &[&b[..3], &b[3..]], &mut wire);
        }
        let mut at = 0;
        for b in &bodies {
            let span = Span::new(b.len(), FRAMING);
            let packet = &wire[at..at + span.total()];
            let mut buf = packet.to_vec();
            in_place
                .open(0, span, &mut PacketIo::in_place(&mut buf))
                .unwrap();
            let mut dst = vec![0; span.total()];
            across
                .open(0, span, &mut PacketIo::across(packet, &mut dst))
                .unwrap();
            assert_eq!(&buf[span.body()], &b[..]);
            assert_eq!(dst, buf, "length, plaintext and tag alike");
            at += span.total();
        }
        let mut damaged = wire[..4 + 16 + TAG_LEN].to_vec();
        damaged[7] ^= 1;
        let mut fresh = OpeningKey::new(&key, &IV).unwrap();
        let span = Span::new(16, FRAMING);
        let refused = fresh.open(0, span, &mut PacketIo::in_place(&mut damaged));
        assert_eq!(refused, Err(Refusal::Mac));
    }
}
