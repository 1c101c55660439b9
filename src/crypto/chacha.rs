//! chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305).
//!
//! ChaCha20 is aws-lc's or RustCrypto's, whichever is faster on the CPU
//! (keystream.rs). So is Poly1305 (`Poly::fastest`), by what each does per
//! 32 KiB packet (`npm run bench -- --only primitive`): RustCrypto's AVX2
//! code ~3.8-4.0 GB/s against aws-lc's ~2.5-3.3 (SSE2) on AMD EPYC with
//! and without AVX-512 (Zen 3); but on a first-generation EPYC (Zen, which
//! runs 256-bit AVX2 as two halves) aws-lc's 1.98 against RustCrypto's
//! 1.67, so aws-lc's there (`cpu::avx2_split`). OpenSSL does better still
//! with AVX-512 IFMA, which no crate we may use offers.
//!
//! A packet is sealed from where its parts lie and opened from the input
//! into another buffer (or in place), so no pass over the bytes is spent
//! gathering them. The bytes on the wire are aws-lc-rs's (the tests
//! compare them).

use super::keystream::{Code, Keystream, BLOCK};
use super::packet_io::{append_with, Framing, OpenPacket, PacketIo, Refusal, SealPacket, Span};
use aws_lc_sys as sys;
use poly1305::universal_hash::{KeyInit, UniversalHash};
use poly1305::{Block, Poly1305};
use std::mem::MaybeUninit;
use zeroize::Zeroizing;

pub const TAG_LEN: usize = 16;

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
        let mut body = self.0.body_stream(seq);
        io.transform(span.body(), |input, output, n| {
            // SAFETY: `transform` gives `n` bytes readable at `input` and
            // writable at `output`, equal or not overlapping.
            unsafe { body.apply_raw(input, output, n) }
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

/// Which library's Poly1305 the engine runs (see the module's figures).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poly {
    RustCrypto,
    AwsLc,
}

impl Poly {
    /// The faster of the two on this CPU.
    pub fn fastest() -> Poly {
        if super::cpu::avx2_split() {
            Poly::AwsLc
        } else {
            Poly::RustCrypto
        }
    }

    fn tag(self, key: &[u8; 32], data: &[u8]) -> [u8; TAG_LEN] {
        match self {
            Poly::RustCrypto => poly1305(key, data),
            Poly::AwsLc => poly1305_aws_lc(key, data),
        }
    }
}

/// One direction's 64 bytes of key material: K_2 (payload and Poly1305
/// key) then K_1 (the packet_length field), and the ChaCha20 and Poly1305
/// code to run.
struct Keys {
    main: Zeroizing<[u8; 32]>,
    header: Zeroizing<[u8; 32]>,
    code: Code,
    poly: Poly,
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

/// aws-lc's Poly1305 of `data` (its SSE2 code): the engine's where
/// RustCrypto's AVX2 code is slower (`Poly::fastest`), and the reference
/// the tests check `poly1305` against.
#[doc(hidden)]
pub fn poly1305_aws_lc(key: &[u8; 32], data: &[u8]) -> [u8; TAG_LEN] {
    let mut state = [0u8; 512];
    let mut tag = [0u8; TAG_LEN];
    // SAFETY: aws-lc's 512-byte opaque state, a 32-byte key, `data.len()`
    // bytes at `data`, a 16-byte tag.
    unsafe {
        sys::CRYPTO_poly1305_init(&mut state, key.as_ptr());
        sys::CRYPTO_poly1305_update(&mut state, data.as_ptr(), data.len());
        sys::CRYPTO_poly1305_finish(&mut state, tag.as_mut_ptr());
    }
    tag
}

impl Keys {
    fn new(material: &[u8; 64]) -> Keys {
        Keys::with_code(material, Code::fastest(), Poly::fastest())
    }

    fn with_code(material: &[u8; 64], code: Code, poly: Poly) -> Keys {
        let mut main = Zeroizing::new([0u8; 32]);
        let mut header = Zeroizing::new([0u8; 32]);
        main.copy_from_slice(&material[..32]);
        header.copy_from_slice(&material[32..]);
        Keys {
            main,
            header,
            code,
            poly,
        }
    }

    /// The packet_length field encrypted or decrypted (the same operation).
    fn length(&self, seq: u32, field: [u8; 4]) -> [u8; 4] {
        let mut out = field;
        Keystream::new(self.code, &self.header, seq, 0).apply(&mut out);
        out
    }

    /// K_2's keystream from block 1, where the body is encrypted.
    fn body_stream(&self, seq: u32) -> Keystream<'_> {
        Keystream::new(self.code, &self.main, seq, BLOCK)
    }

    /// The Poly1305 tag over `data` (encrypted length and payload), keyed
    /// by the first 32 bytes of K_2's keystream block 0.
    fn tag(&self, seq: u32, data: &[u8]) -> [u8; TAG_LEN] {
        let mut key = Zeroizing::new([0u8; 32]);
        Keystream::new(self.code, &self.main, seq, 0).apply(&mut *key);
        self.poly.tag(&key, data)
    }

    /// Seals a packet whose clear packet_length field is `length` and whose
    /// body (padding length, payload, padding) is the concatenation of
    /// `parts`, into the front of `out`: encrypted length, encrypted body,
    /// tag. Each part is encrypted from where it lies into its place in
    /// `out` (the keystream carries on across parts at any offset). False
    /// (and nothing promised about `out`) when `out` is shorter than
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
        for (slot, b) in out.iter_mut().zip(self.length(seq, length)) {
            slot.write(b);
        }
        let body = out[4..4 + body_len].as_mut_ptr().cast::<u8>();
        let mut keystream = self.body_stream(seq);
        let mut pos = 0usize;
        for part in parts {
            // SAFETY: pos + part.len() <= body_len, so the output lies in
            // `out`; `part` is not `out`.
            unsafe { keystream.apply_raw(part.as_ptr(), body.add(pos), part.len()) };
            pos += part.len();
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

    /// Every pairing of the ChaCha20 and Poly1305 code a CPU may get.
    const CODES: [(Code, Poly); 4] = [
        (Code::RustCrypto, Poly::RustCrypto),
        (Code::RustCrypto, Poly::AwsLc),
        (Code::AwsLc, Poly::RustCrypto),
        (Code::AwsLc, Poly::AwsLc),
    ];

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
        assert_eq!(poly1305_aws_lc(&key, msg), want);
        for len in (0..=300).chain([511, 512, 513, 1024, 1199, 1200]) {
            let expect = poly1305_aws_lc(&key, &data[..len]);
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
        for (code, poly) in CODES {
            let mut keys = SealingKey(Keys::with_code(&material(), code, poly));
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
                    assert_eq!(out[2..], expect, "{code:?} {poly:?} {body_len} {cuts:?}");
                }
            }
        }
    }

    #[test]
    fn opens_what_aws_lc_rs_seals_and_refuses_a_flipped_bit() {
        for (code, poly) in CODES {
            let mut keys = OpeningKey(Keys::with_code(&material(), code, poly));
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
}
