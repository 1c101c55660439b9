//! ChaCha20 as chacha20-poly1305@openssh.com uses it: DJB's original, with
//! a 64-bit nonce (the packet's sequence number, big-endian) and a 64-bit
//! block counter from 0, taken from whichever library runs it faster on
//! this CPU.
//!
//! Per 32 KiB packet (`npm run bench -- --only primitive`):
//! - AMD EPYC with AVX-512: RustCrypto's AVX-512 code ~4.3 GB/s, aws-lc's
//!   ~3.2 (AVX2 at most).
//! - AMD EPYC (Zen 3), AVX2 only: RustCrypto's AVX2 code ~2.1 GB/s,
//!   aws-lc's ~3.3.
//!
//! So RustCrypto's runs where its AVX-512 code is built in and the CPU has
//! it; aws-lc's, the project's library for crypto, everywhere else.

use aws_lc_sys as sys;
use chacha20::cipher::{InOutBuf, KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20Legacy;

/// ChaCha20's block, in bytes.
pub const BLOCK: u64 = 64;

/// Which library's ChaCha20 makes the keystream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    RustCrypto,
    AwsLc,
}

impl Code {
    /// The faster of the two on this CPU (see the module's figures).
    pub fn fastest() -> Code {
        if super::cpu::chacha20_avx512() {
            Code::RustCrypto
        } else {
            Code::AwsLc
        }
    }
}

/// One key's keystream for one packet, from a byte position on. Each
/// `apply` carries on where the last one stopped, at any offset.
pub enum Keystream<'k> {
    RustCrypto(ChaCha20Legacy),
    AwsLc {
        key: &'k [u8; 32],
        seq: u32,
        /// Bytes of keystream used so far, from block 0.
        pos: u64,
    },
}

impl<'k> Keystream<'k> {
    /// `key`'s keystream for packet `seq`, from byte `start`.
    pub fn new(code: Code, key: &'k [u8; 32], seq: u32, start: u64) -> Keystream<'k> {
        match code {
            Code::RustCrypto => {
                let nonce = u64::from(seq).to_be_bytes();
                let mut s = ChaCha20Legacy::new(key.into(), &nonce.into());
                s.seek(start);
                Keystream::RustCrypto(s)
            }
            Code::AwsLc => Keystream::AwsLc {
                key,
                seq,
                pos: start,
            },
        }
    }

    /// XORs `data` with the next `data.len()` bytes of keystream.
    pub fn apply(&mut self, data: &mut [u8]) {
        let p = data.as_mut_ptr();
        // SAFETY: input and output are the same `data.len()` bytes.
        unsafe { self.apply_raw(p, p, data.len()) }
    }

    /// Writes `n` bytes at `input` XORed with the next `n` bytes of
    /// keystream to `output`.
    ///
    /// # Safety
    /// `n` bytes readable at `input` and writable at `output`, either the
    /// same bytes or not overlapping.
    pub unsafe fn apply_raw(&mut self, input: *const u8, output: *mut u8, n: usize) {
        match self {
            // SAFETY: what an InOutBuf may hold, by this function's contract.
            Keystream::RustCrypto(s) => {
                s.apply_keystream_inout(unsafe { InOutBuf::from_raw(input, output, n) })
            }
            Keystream::AwsLc { key, seq, pos } => {
                let mut done = 0usize;
                while done < n {
                    let block = *pos / BLOCK;
                    let within = (*pos % BLOCK) as usize;
                    // aws-lc's ChaCha20 is RFC 8439's: a 32-bit counter and a
                    // 96-bit nonce. DJB's 64-bit counter's high word is the
                    // nonce's first word, so one call must not carry out of
                    // the low word (2^32 blocks: 256 GiB; never in a packet,
                    // but kept exact).
                    let mut nonce = [0u8; 12];
                    nonce[..4].copy_from_slice(&((block >> 32) as u32).to_le_bytes());
                    nonce[4..].copy_from_slice(&u64::from(*seq).to_be_bytes());
                    let counter = block as u32;
                    let take = if within != 0 {
                        // A block begun by the last call: its keystream alone.
                        let mut stream = [0u8; BLOCK as usize];
                        let take = (BLOCK as usize - within).min(n - done);
                        // SAFETY: 64 bytes in and out (the same bytes), a
                        // 32-byte key, a 12-byte nonce; then `take` bytes of
                        // input and output, which the contract gives.
                        unsafe {
                            let s = stream.as_mut_ptr();
                            sys::CRYPTO_chacha_20(
                                s,
                                s,
                                stream.len(),
                                key.as_ptr(),
                                nonce.as_ptr(),
                                counter,
                            );
                            for i in 0..take {
                                *output.add(done + i) = *input.add(done + i) ^ stream[within + i];
                            }
                        }
                        take
                    } else {
                        let before_carry = (u64::from(u32::MAX - counter) + 1) * BLOCK;
                        let take = ((n - done) as u64).min(before_carry) as usize;
                        // SAFETY: `take` bytes from `done` lie in input and
                        // output, which are the same or apart (aws-lc allows
                        // in place); 32-byte key, 12-byte nonce.
                        unsafe {
                            sys::CRYPTO_chacha_20(
                                output.add(done),
                                input.add(done),
                                take,
                                key.as_ptr(),
                                nonce.as_ptr(),
                                counter,
                            )
                        };
                        take
                    };
                    done += take;
                    *pos += take as u64;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both libraries give the same keystream, whatever the pieces it is
    /// taken in, from any start, across blocks and the packet's sequence
    /// number.
    #[test]
    fn both_libraries_agree_in_any_pieces() {
        let key = [0x42u8; 32];
        let mut rng = crate::test_rng(17);
        let data: Vec<u8> = (0..3000).map(|_| rng() as u8).collect();
        for seq in [0u32, 1, 0xdead_beef, u32::MAX] {
            for start in [0u64, 1, 63, 64, 65, 130] {
                let mut whole = data.clone();
                Keystream::new(Code::RustCrypto, &key, seq, start).apply(&mut whole);
                for _ in 0..30 {
                    let mut pieces = data.clone();
                    let mut s = Keystream::new(Code::AwsLc, &key, seq, start);
                    let mut at = 0;
                    while at < pieces.len() {
                        let n = (rng() as usize % 200).min(pieces.len() - at);
                        s.apply(&mut pieces[at..at + n]);
                        at += n;
                    }
                    assert_eq!(pieces, whole, "seq {seq} start {start}");
                }
            }
        }
    }

    /// Past block 2^32 - 1 the 64-bit counter carries into its high word,
    /// which aws-lc's 32-bit counter does not: the call is split there.
    #[test]
    fn the_counter_carries_into_its_high_word() {
        let key = [7u8; 32];
        let start = (u64::from(u32::MAX) * BLOCK) - 10;
        let mut a = vec![0u8; 200];
        let mut b = a.clone();
        Keystream::new(Code::RustCrypto, &key, 5, start).apply(&mut a);
        Keystream::new(Code::AwsLc, &key, 5, start).apply(&mut b);
        assert_eq!(a, b);
    }

    /// Copying across (input and output apart) writes what in place does.
    #[test]
    fn across_equals_in_place() {
        let key = [9u8; 32];
        let input: Vec<u8> = (0..777u32).map(|i| (i * 31) as u8).collect();
        for code in [Code::RustCrypto, Code::AwsLc] {
            let mut in_place = input.clone();
            Keystream::new(code, &key, 3, 64).apply(&mut in_place);
            let mut out = vec![0u8; input.len()];
            // SAFETY: 777 bytes each, apart.
            unsafe {
                Keystream::new(code, &key, 3, 64).apply_raw(input.as_ptr(), out.as_mut_ptr(), 777)
            };
            assert_eq!(out, in_place, "{code:?}");
        }
    }
}
