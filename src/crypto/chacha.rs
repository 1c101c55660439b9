//! chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305)
//! from aws-lc's ChaCha20 and RustCrypto's Poly1305.
//!
//! Poly1305 is RustCrypto's `poly1305` (its AVX2 code, chosen at run time)
//! rather than aws-lc's, whose x86-64 Poly1305 is SSE2 code: per 32 KiB
//! packet on the build machine (AMD EPYC, AVX-512) aws-lc's runs at
//! ~2.8 GB/s and RustCrypto's at ~4.2 GB/s, and Poly1305 is half of this
//! cipher's cost (`npm run bench -- --only primitives`). aws-lc's ChaCha20
//! (~3.3 GB/s, AVX2) beats RustCrypto's (~2.4 GB/s), so it stays.
//!
//! aws-lc-rs offers this construction in place only, so a packet had to be
//! copied together before sealing and copied out of the input before
//! opening. Here a packet is sealed from where its parts lie and opened
//! from the input into another buffer, which saves a pass over every byte.
//! The bytes on the wire are the same (the tests compare them with
//! aws-lc-rs's).

use super::packet_io::{append_with, Framing, OpenPacket, PacketIo, Refusal, SealPacket, Span};
use aws_lc_sys as sys;
use poly1305::universal_hash::{KeyInit, UniversalHash};
use poly1305::{Block, Poly1305};
use std::mem::MaybeUninit;
use zeroize::Zeroizing;

pub const TAG_LEN: usize = 16;
/// ChaCha20's block: the keystream position advances in these.
const BLOCK: usize = 64;

const FRAMING: Framing = Framing {
    block: 8,
    tag_len: TAG_LEN,
    aligns_length: false,
};

/// One direction's key for opening.
pub struct OpeningKey(Keys);

/// One direction's key for sealing.
pub struct SealingKey(Keys);

impl OpeningKey {
    /// From the direction's 64 bytes of key material.
    pub fn new(material: &[u8; 64]) -> OpeningKey {
        OpeningKey(Keys::new(material))
    }
}

impl SealingKey {
    /// From the direction's 64 bytes of key material.
    pub fn new(material: &[u8; 64]) -> SealingKey {
        SealingKey(Keys::new(material))
    }
}

impl OpenPacket for OpeningKey {
    fn framing(&self) -> Framing {
        FRAMING
    }

    fn peek_length(&self, seq: u32, input: &[u8]) -> Option<usize> {
        let field: [u8; 4] = input.get(..4)?.try_into().ok()?;
        Some(u32::from_be_bytes(self.0.length(seq, field)) as usize)
    }

    /// The tag is checked on the input before anything is written.
    fn open(&mut self, seq: u32, span: Span, io: &mut PacketIo<'_>) -> Result<(), Refusal> {
        if !self
            .0
            .verify(seq, io.input(span.sealed()), io.input(span.tag()))
        {
            return Err(Refusal::Mac);
        }
        let key = &self.0.main;
        // `transform`'s pointers are what `chacha20` asks for.
        io.transform(span.body(), |input, output, n| {
            chacha20(output, input, n, key, &nonce(seq), 1)
        });
        io.output(span.head())
            .copy_from_slice(&(span.len as u32).to_be_bytes());
        io.pass(span.tag());
        Ok(())
    }
}

impl SealPacket for SealingKey {
    fn framing(&self) -> Framing {
        FRAMING
    }

    fn seal(&mut self, seq: u32, length: [u8; 4], parts: &[&[u8]], out: &mut Vec<u8>) {
        let total = 4 + parts.iter().map(|p| p.len()).sum::<usize>() + TAG_LEN;
        // SAFETY: Keys::seal writes all `total` bytes when it returns true.
        unsafe { append_with(out, total, |room| self.0.seal(seq, length, parts, room)) }
    }
}

/// One direction's 64 bytes of key material: K_2 (payload and Poly1305
/// key) then K_1 (the packet_length field).
struct Keys {
    main: Zeroizing<[u8; 32]>,
    header: Zeroizing<[u8; 32]>,
}

/// OpenSSH's 64-bit nonce is the sequence number; in the 96-bit nonce
/// aws-lc takes it follows the upper half of a 64-bit block counter.
fn nonce(seq: u32) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[8..].copy_from_slice(&seq.to_be_bytes());
    n
}

fn chacha20(
    out: *mut u8,
    input: *const u8,
    len: usize,
    key: &[u8; 32],
    nonce: &[u8; 12],
    counter: u32,
) {
    // SAFETY: callers pass `len` readable bytes at `input` and writable at
    // `out`, either equal or not overlapping, as aws-lc requires.
    unsafe { sys::CRYPTO_chacha_20(out, input, len, key.as_ptr(), nonce.as_ptr(), counter) }
}

/// Poly1305 of `data` as OpenSSH computes it: no padding. Whole 16-byte
/// blocks go through `update`, which runs several blocks per step on AVX2
/// (`compute_unpadded` alone takes one block at a time, at ~half the
/// speed); the short last block then closes it unpadded.
pub fn poly1305(key: &[u8; 32], data: &[u8]) -> [u8; TAG_LEN] {
    let (blocks, rest) = Block::slice_as_chunks(data);
    let mut mac = <Poly1305 as KeyInit>::new(&(*key).into());
    mac.update(blocks);
    mac.compute_unpadded(rest).into()
}

impl Keys {
    fn new(material: &[u8; 64]) -> Keys {
        let mut main = Zeroizing::new([0u8; 32]);
        let mut header = Zeroizing::new([0u8; 32]);
        main.copy_from_slice(&material[..32]);
        header.copy_from_slice(&material[32..]);
        Keys { main, header }
    }

    /// The packet_length field encrypted or decrypted (the same operation).
    fn length(&self, seq: u32, field: [u8; 4]) -> [u8; 4] {
        let mut out = field;
        chacha20(
            out.as_mut_ptr(),
            out.as_ptr(),
            4,
            &self.header,
            &nonce(seq),
            0,
        );
        out
    }

    /// The Poly1305 tag over `data` (encrypted length and payload), keyed
    /// by the first 32 bytes of K_2's keystream block 0.
    fn tag(&self, seq: u32, data: &[u8]) -> [u8; TAG_LEN] {
        let mut key = Zeroizing::new([0u8; 32]);
        chacha20(
            key.as_mut_ptr(),
            key.as_ptr(),
            32,
            &self.main,
            &nonce(seq),
            0,
        );
        poly1305(&key, data)
    }

    /// Seals a packet whose clear packet_length field is `length` and whose
    /// body (padding length, payload, padding) is the concatenation of
    /// `parts`, into the front of `out`: encrypted length, encrypted body,
    /// tag. Whole keystream blocks of a part are encrypted straight from
    /// it; only a block that straddles parts is gathered first. False (and
    /// nothing promised about `out`) when `out` is shorter than
    /// 4 + body + TAG_LEN.
    fn seal(
        &self,
        seq: u32,
        length: [u8; 4],
        parts: &[&[u8]],
        out: &mut [MaybeUninit<u8>],
    ) -> bool {
        let body_len: usize = parts.iter().map(|p| p.len()).sum();
        if out.len() < 4 + body_len + TAG_LEN {
            return false;
        }
        let n = nonce(seq);
        for (slot, b) in out.iter_mut().zip(self.length(seq, length)) {
            slot.write(b);
        }
        let body = out[4..4 + body_len].as_mut_ptr().cast::<u8>();
        // The stream position in the body; keystream block `pos / BLOCK`
        // has counter 1 + that (block 0 keys Poly1305).
        let mut pos = 0usize;
        let counter = |pos: usize| 1 + (pos / BLOCK) as u32;
        for part in parts {
            let mut i = 0;
            while i < part.len() {
                let left = part.len() - i;
                if pos.is_multiple_of(BLOCK) && left >= BLOCK {
                    let run = left - left % BLOCK;
                    // Whole blocks, from the part straight into `out`.
                    chacha20(
                        // SAFETY: pos + run <= body_len.
                        unsafe { body.add(pos) },
                        part[i..].as_ptr(),
                        run,
                        &self.main,
                        &n,
                        counter(pos),
                    );
                    pos += run;
                    i += run;
                } else {
                    // Gathered into `out` up to the block's end; the block
                    // is encrypted in place once whole (or at the end).
                    let take = left.min(BLOCK - pos % BLOCK);
                    // SAFETY: pos + take <= body_len; `part` is not `out`.
                    unsafe {
                        std::ptr::copy_nonoverlapping(part[i..].as_ptr(), body.add(pos), take)
                    };
                    pos += take;
                    i += take;
                    if pos.is_multiple_of(BLOCK) {
                        let at = pos - BLOCK;
                        // SAFETY: the block's bytes were written above.
                        unsafe {
                            chacha20(
                                body.add(at),
                                body.add(at),
                                BLOCK,
                                &self.main,
                                &n,
                                counter(at),
                            )
                        };
                    }
                }
            }
        }
        if !pos.is_multiple_of(BLOCK) {
            let at = pos - pos % BLOCK;
            // SAFETY: the last partial block's bytes were gathered above.
            unsafe {
                chacha20(
                    body.add(at),
                    body.add(at),
                    pos - at,
                    &self.main,
                    &n,
                    counter(at),
                )
            };
        }
        // SAFETY: bytes 0..4 + body_len were all written above.
        let sealed = unsafe { std::slice::from_raw_parts(out.as_ptr().cast::<u8>(), 4 + body_len) };
        let tag = self.tag(seq, sealed);
        for (slot, b) in out[4 + body_len..].iter_mut().zip(tag) {
            slot.write(b);
        }
        true
    }

    /// Whether `tag` is the Poly1305 tag of `sealed` (encrypted length and
    /// body), compared in constant time.
    fn verify(&self, seq: u32, sealed: &[u8], tag: &[u8]) -> bool {
        let expect = self.tag(seq, sealed);
        // SAFETY: both are TAG_LEN bytes.
        tag.len() == TAG_LEN
            && unsafe { sys::CRYPTO_memcmp(expect.as_ptr().cast(), tag.as_ptr().cast(), TAG_LEN) }
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::aead::chacha20_poly1305_openssh as reference;

    fn material() -> [u8; 64] {
        let mut m = [0u8; 64];
        for (i, b) in m.iter_mut().enumerate() {
            *b = (i * 7 + 3) as u8;
        }
        m
    }

    /// RFC 8439 2.5.2's vector (34 bytes: two whole blocks and a short
    /// one), then every length across the whole-block and AVX2 batch
    /// boundaries against aws-lc's Poly1305.
    #[test]
    fn poly1305_matches_rfc_8439_and_aws_lc_at_every_length() {
        let key: [u8; 32] = hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        let msg = b"Cryptographic Forum Research Group";
        let want: [u8; 16] = hex("a8061dc1305136c6c22b8baf0c0127a9");
        assert_eq!(poly1305(&key, msg), want);

        let mut rng = crate::test_rng(5);
        let data: Vec<u8> = (0..1200).map(|_| rng() as u8).collect();
        for len in (0..=300).chain([511, 512, 513, 1024, 1199, 1200]) {
            let mut state = [0u8; 512];
            let mut expect = [0u8; 16];
            // SAFETY: aws-lc's 512-byte opaque state, 32-byte key, 16-byte tag.
            unsafe {
                sys::CRYPTO_poly1305_init(&mut state, key.as_ptr());
                sys::CRYPTO_poly1305_update(&mut state, data.as_ptr(), len);
                sys::CRYPTO_poly1305_finish(&mut state, expect.as_mut_ptr());
            }
            assert_eq!(poly1305(&key, &data[..len]), expect, "{len}");
        }
    }

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn sealing_from_parts_gives_aws_lc_rs_bytes_for_any_split() {
        let mut keys = SealingKey::new(&material());
        let sealer = reference::SealingKey::new(&material());
        let mut rng = crate::test_rng(11);
        for body_len in [8usize, 15, 63, 64, 65, 127, 128, 200, 1000, 4096 + 37] {
            let body: Vec<u8> = (0..body_len).map(|_| rng() as u8).collect();
            let length = (body_len as u32).to_be_bytes();
            let seq = rng() as u32;
            let mut expect = [&length[..], &body].concat();
            let mut tag = [0u8; TAG_LEN];
            sealer.seal_in_place(seq, &mut expect, &mut tag);
            expect.extend_from_slice(&tag);
            for _ in 0..40 {
                // Up to three cuts anywhere, empty parts included.
                let mut cuts: Vec<usize> =
                    (0..3).map(|_| rng() as usize % (body_len + 1)).collect();
                cuts.sort();
                let parts = [
                    &body[..cuts[0]],
                    &body[cuts[0]..cuts[1]],
                    &body[cuts[1]..cuts[2]],
                    &body[cuts[2]..],
                ];
                let mut out = vec![1, 2];
                keys.seal(seq, length, &parts, &mut out);
                assert_eq!(out[2..], expect, "{body_len} {cuts:?}");
            }
        }
    }

    #[test]
    fn opens_what_aws_lc_rs_seals_and_refuses_a_flipped_bit() {
        let mut keys = OpeningKey::new(&material());
        let sealer = reference::SealingKey::new(&material());
        let body = vec![0x5Au8; 300];
        let length = 300u32.to_be_bytes();
        let mut wire = [&length[..], &body].concat();
        let mut tag = [0u8; TAG_LEN];
        sealer.seal_in_place(9, &mut wire, &mut tag);
        wire.extend_from_slice(&tag);
        assert_eq!(keys.peek_length(9, &wire), Some(300));
        let span = Span::new(300, FRAMING);
        let mut across = vec![0u8; wire.len()];
        keys.open(9, span, &mut PacketIo::across(&wire, &mut across))
            .unwrap();
        let mut in_place = wire.clone();
        keys.open(9, span, &mut PacketIo::in_place(&mut in_place))
            .unwrap();
        let expect = [&length[..], &body, &tag].concat();
        assert_eq!((&across, &in_place), (&expect, &expect));
        let another_seq = keys.open(10, span, &mut PacketIo::in_place(&mut wire.clone()));
        assert_eq!(another_seq, Err(Refusal::Mac));
        wire[100] ^= 1;
        let mut dst = vec![0xAA; wire.len()];
        let flipped = keys.open(9, span, &mut PacketIo::across(&wire, &mut dst));
        assert_eq!(flipped, Err(Refusal::Mac));
        assert!(dst.iter().all(|&b| b == 0xAA), "nothing written");
    }
}
