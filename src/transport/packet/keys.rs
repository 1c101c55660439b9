//! Each direction's key, whichever algorithm was negotiated: `OpeningKey`
//! (held by `Opener`) and `SealingKey` (held by `Sealer`) are enums over
//! the algorithms' own key types in `crate::crypto`. Only an opening key
//! opens and only a sealing key seals, so a key cannot protect the wrong
//! direction, nor a packet go through unprotected for want of a match arm:
//!
//! ```no_run
//! use ssh2_streams_native::crypto::packet_io::{OpenPacket, SealPacket};
//! use ssh2_streams_native::transport::packet::keys::{OpeningKey, SealingKey};
//! fn opens<K: OpenPacket>() {}
//! fn seals<K: SealPacket>() {}
//! opens::<OpeningKey>();
//! seals::<SealingKey>();
//! ```
//!
//! and neither the other way round:
//!
//! ```compile_fail
//! use ssh2_streams_native::crypto::packet_io::OpenPacket;
//! use ssh2_streams_native::transport::packet::keys::SealingKey;
//! fn opens<K: OpenPacket>() {}
//! opens::<SealingKey>();
//! ```
//!
//! ```compile_fail
//! use ssh2_streams_native::crypto::packet_io::SealPacket;
//! use ssh2_streams_native::transport::packet::keys::OpeningKey;
//! fn seals<K: SealPacket>() {}
//! seals::<OpeningKey>();
//! ```
//!
//! (`cargo test --no-default-features` is where these say something: with
//! the napi feature a doc test cannot link, so the first is `no_run` and a
//! `compile_fail` one would pass whatever it held.)
//!
//! The keys are matched on for each packet, never boxed per packet; the
//! larger ones are boxed once per keying so that the enums stay small.

use super::DirectionKeys;
use crate::crypto::packet_io::{Framing, OpenPacket, PacketIo, Refusal, SealPacket, Span};
use crate::crypto::{chacha, cipher_mac, cleartext, gcm, CipherSpec};

/// One direction's key for opening received packets.
pub enum OpeningKey {
    /// Before the first NEWKEYS.
    Cleartext(cleartext::OpeningKey),
    Gcm(gcm::OpeningKey),
    Chacha(Box<chacha::OpeningKey>),
    CipherMac(Box<cipher_mac::OpeningKey>),
}

/// One direction's key for sealing packets to send.
pub enum SealingKey {
    /// Before the first NEWKEYS.
    Cleartext(cleartext::SealingKey),
    Gcm(gcm::SealingKey),
    Chacha(Box<chacha::SealingKey>),
    CipherMac(Box<cipher_mac::SealingKey>),
}

/// `$body` with `$k` bound to whichever algorithm's key `$key` holds.
macro_rules! each {
    ($enum:ident, $key:expr, $k:ident => $body:expr) => {
        match $key {
            $enum::Cleartext($k) => $body,
            $enum::Gcm($k) => $body,
            $enum::Chacha($k) => $body,
            $enum::CipherMac($k) => $body,
        }
    };
}

impl OpenPacket for OpeningKey {
    fn framing(&self) -> Framing {
        each!(OpeningKey, self, k => k.framing())
    }

    fn peek_length(&self, seq: u32, input: &[u8]) -> Option<usize> {
        each!(OpeningKey, self, k => k.peek_length(seq, input))
    }

    fn read_length(&mut self, seq: u32, io: &mut PacketIo<'_>) -> Result<Option<usize>, Refusal> {
        each!(OpeningKey, self, k => k.read_length(seq, io))
    }

    fn open(&mut self, seq: u32, span: Span, io: &mut PacketIo<'_>) -> Result<(), Refusal> {
        each!(OpeningKey, self, k => k.open(seq, span, io))
    }

    fn opens_across(&self) -> bool {
        each!(OpeningKey, self, k => k.opens_across())
    }

    fn decrypted_prefix(&self) -> usize {
        each!(OpeningKey, self, k => k.decrypted_prefix())
    }
}

impl SealPacket for SealingKey {
    fn framing(&self) -> Framing {
        each!(SealingKey, self, k => k.framing())
    }

    fn seal(&mut self, seq: u32, length: [u8; 4], parts: &[&[u8]], out: &mut Vec<u8>) {
        each!(SealingKey, self, k => k.seal(seq, length, parts, out))
    }
}

/// Either direction's `new`, from the derived keys (each algorithm names
/// its two key types alike), and what packet.rs (and its tests) read of
/// the key's framing.
macro_rules! direction_key {
    ($enum:ident, $trait:ident) => {
        impl $enum {
            /// None when the key material does not fit the algorithm (or,
            /// for a cipher with a separate MAC, no MAC was negotiated).
            pub fn new(k: &DirectionKeys) -> Option<$enum> {
                Some(match k.cipher {
                    CipherSpec::AesGcm { key_len } => {
                        $enum::Gcm(gcm::$enum::new(k.key.get(..key_len)?, &k.iv)?)
                    }
                    CipherSpec::ChaCha20Poly1305 => {
                        let material = k.key.get(..64)?.try_into().ok()?;
                        $enum::Chacha(Box::new(chacha::$enum::new(material)))
                    }
                    CipherSpec::Evp(alg) => $enum::CipherMac(Box::new(cipher_mac::$enum::new(
                        alg,
                        &k.key,
                        &k.iv,
                        (k.mac?, &k.mac_key),
                    )?)),
                })
            }

            /// Padding aligns to this.
            pub fn block_len(&self) -> usize {
                $trait::framing(self).block
            }

            /// The MAC or tag after each packet.
            pub fn trailer_len(&self) -> usize {
                $trait::framing(self).tag_len
            }

            /// Whether the 4-byte length counts towards the alignment.
            pub fn aligns_length(&self) -> bool {
                $trait::framing(self).aligns_length
            }
        }
    };
}

direction_key!(OpeningKey, OpenPacket);
direction_key!(SealingKey, SealPacket);

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine may open a large chunk's packets on another thread,
    /// taking the opener there (issue 17's detached opening).
    #[test]
    fn both_keys_can_move_to_another_thread() {
        fn sendable<T: Send>() {}
        sendable::<OpeningKey>();
        sendable::<SealingKey>();
    }

    #[test]
    fn the_enums_stay_small() {
        assert!(std::mem::size_of::<OpeningKey>() <= 32);
        assert!(std::mem::size_of::<SealingKey>() <= 32);
    }

    #[test]
    fn material_too_short_or_a_missing_mac_makes_no_key() {
        let mut k = DirectionKeys {
            cipher: CipherSpec::ChaCha20Poly1305,
            mac: None,
            iv: Default::default(),
            key: zeroize::Zeroizing::new(vec![1; 63]),
            mac_key: Default::default(),
        };
        assert!(OpeningKey::new(&k).is_none() && SealingKey::new(&k).is_none());
        k.key.push(1);
        assert!(OpeningKey::new(&k).is_some() && SealingKey::new(&k).is_some());
        k.cipher = CipherSpec::from_name("aes128-ctr").unwrap();
        k.key.truncate(16);
        k.iv = zeroize::Zeroizing::new(vec![0; 16]);
        assert!(OpeningKey::new(&k).is_none(), "no MAC");
        assert!(SealingKey::new(&k).is_none(), "no MAC");
    }
}
