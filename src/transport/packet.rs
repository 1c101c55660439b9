//! The binary packet protocol (RFC 4253 section 6) for one direction:
//! `uint32 packet_length || byte padding_length || payload || padding ||
//! mac`. This file keeps what every algorithm shares: the length limits,
//! the padding, the sequence numbers and the count of packets per key.
//! The algorithms open and seal through the direction's key (keys.rs):
//! `Opener` holds an opening key, `Sealer` a sealing key. Opening decrypts
//! in place in the caller's buffer or, once keys are in use, from the
//! input straight into the caller's buffer (`open_from`).

use crate::crypto::mac::MacSpec;
use crate::crypto::packet_io::{OpenPacket, PacketIo, Refusal, SealPacket, Span};
use crate::crypto::CipherSpec;
use crate::transport::rekey_limit::{Direction, Usage};
use keys::{OpeningKey, SealingKey};
use padding::PadPool;
use std::ops::Range;
use zeroize::Zeroizing;

pub mod keys;
mod padding;

/// Keys for one direction, from the key derivation of RFC 4253 7.2.
pub struct DirectionKeys {
    pub cipher: CipherSpec,
    pub mac: Option<MacSpec>,
    pub iv: Zeroizing<Vec<u8>>,
    pub key: Zeroizing<Vec<u8>>,
    pub mac_key: Zeroizing<Vec<u8>>,
}

impl DirectionKeys {
    /// Keys of fixed filler bytes for the named cipher and MAC (None for
    /// a name this engine does not have): for the framing's tests and the
    /// per-packet benchmark (benches/primitives.rs), never a connection.
    #[doc(hidden)]
    pub fn filler(cipher: &str, mac: Option<&str>) -> Option<DirectionKeys> {
        let spec = CipherSpec::from_name(cipher)?;
        let mac = match mac {
            Some(name) => Some(MacSpec::from_name(name)?),
            None => None,
        };
        Some(DirectionKeys {
            cipher: spec,
            mac,
            iv: Zeroizing::new(vec![3; spec.iv_len().max(12)]),
            key: Zeroizing::new(vec![5; spec.key_len()]),
            mac_key: Zeroizing::new(vec![7; mac.map_or(0, |m| m.key_len())]),
        })
    }
}

/// A fault in an incoming packet: the message 0.4.10 gave and the
/// DISCONNECT reason to send (None: end without one, as 0.4.10 did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketError {
    pub message: &'static str,
    pub disconnect: Option<u32>,
}

const PROTOCOL_ERROR: u32 = 2;
const MAC_ERROR: u32 = 5;

fn bad_length() -> PacketError {
    PacketError {
        message: "Bad packet length",
        disconnect: Some(PROTOCOL_ERROR),
    }
}

/// A 2^32nd packet under one set of keys: its sequence number would
/// repeat (rekey_limit.rs). Refused before any cryptography uses it.
pub const SEQUENCE_EXHAUSTED: &str =
    "Too many packets under one set of keys (the sequence number would repeat)";

fn exhausted() -> PacketError {
    PacketError {
        message: SEQUENCE_EXHAUSTED,
        disconnect: Some(PROTOCOL_ERROR),
    }
}

fn bad_mac() -> PacketError {
    PacketError {
        message: "Invalid HMAC",
        disconnect: Some(MAC_ERROR),
    }
}

fn refused(r: Refusal) -> PacketError {
    match r {
        Refusal::Length => bad_length(),
        Refusal::Mac => bad_mac(),
    }
}

/// Outgoing packets.
pub struct Sealer {
    /// This direction's protection: its sealing key.
    prot: SealingKey,
    pub seq: u32,
    /// Packets and blocks sealed under the current keys.
    pub usage: Usage,
    /// A packet was refused: the keys were exhausted (`usage`).
    pub refused: bool,
    /// Random bytes for padding, refilled in bulk rather than per packet.
    pad_pool: PadPool,
}

impl Default for Sealer {
    fn default() -> Self {
        Sealer {
            prot: SealingKey::Cleartext(Default::default()),
            seq: 0,
            usage: Usage::default(),
            refused: false,
            pad_pool: PadPool::default(),
        }
    }
}

impl Sealer {
    /// Switches to new keys (after our NEWKEYS), keeping the sequence number.
    pub fn rekey(&mut self, keys: &DirectionKeys) -> bool {
        match SealingKey::new(keys) {
            Some(k) => {
                self.prot = k;
                self.usage = Usage::default();
                true
            }
            None => false,
        }
    }

    /// This direction's usage and block size, for the rekey limits.
    pub fn direction(&self) -> Direction {
        Direction {
            usage: self.usage,
            block: self.prot.block_len(),
        }
    }

    /// Appends the wire form of one packet carrying `payload` to `out`.
    pub fn seal(&mut self, payload: &[u8], out: &mut Vec<u8>) {
        self.seal_parts(payload, &[], out)
    }

    /// Like `seal`, for a payload in two parts (a message header and its
    /// data), so bulk data is copied once: straight into the packet.
    /// Nothing is written once the keys have sealed 2^32 packets: `refused`
    /// is set instead, and the caller ends the session.
    pub fn seal_parts(&mut self, head: &[u8], body: &[u8], out: &mut Vec<u8>) {
        if self.usage.exhausted() {
            self.refused = true;
            return;
        }
        let payload_len = head.len() + body.len();
        let framing = self.prot.framing();
        let block = framing.block;
        let aligned = if framing.aligns_length { 5 } else { 1 } + payload_len;
        let mut pad = block - aligned % block;
        if pad < 4 {
            pad += block;
        }
        // RFC 4253 6: at least 16 bytes on the wire before the MAC.
        if 4 + 1 + payload_len + pad < 16 {
            pad += block;
        }
        let packet_len = 1 + payload_len + pad;
        debug_assert!(pad <= padding::MAX_PADDING);
        let padding = self.pad_pool.take(pad);
        self.usage.count(4 + packet_len, block);
        // The key takes the parts from where they lie: an AEAD encrypts
        // them straight into `out`.
        let parts = [&[pad as u8][..], head, body, padding];
        let length = (packet_len as u32).to_be_bytes();
        self.prot.seal(self.seq, length, &parts, out);
        self.seq = self.seq.wrapping_add(1);
    }
}

/// Incoming packets.
pub struct Opener {
    /// This direction's protection: its opening key.
    prot: OpeningKey,
    pub seq: u32,
    /// Packets and blocks opened under the current keys.
    pub usage: Usage,
    /// The largest packet_length accepted.
    pub max_packet: usize,
}

/// One opened packet within the caller's buffer.
pub struct Opened {
    /// Bytes of the buffer the packet took.
    pub consumed: usize,
    /// Where its payload is.
    pub payload: Range<usize>,
}

impl Opener {
    pub fn new(max_packet: usize) -> Opener {
        Opener {
            prot: OpeningKey::Cleartext(Default::default()),
            seq: 0,
            usage: Usage::default(),
            max_packet,
        }
    }

    pub fn rekey(&mut self, keys: &DirectionKeys) -> bool {
        match OpeningKey::new(keys) {
            Some(k) => {
                self.prot = k;
                self.usage = Usage::default();
                true
            }
            None => false,
        }
    }

    /// This direction's usage and block size, for the rekey limits.
    pub fn direction(&self) -> Direction {
        Direction {
            usage: self.usage,
            block: self.prot.block_len(),
        }
    }

    fn check_length(&self, len: usize) -> Result<(), PacketError> {
        let block = self.prot.block_len();
        let aligned = len + if self.prot.aligns_length() { 4 } else { 0 };
        // OpenSSH's lower bound: room for the padding length and 4 bytes of
        // padding.
        if len > self.max_packet || len < 5 || !aligned.is_multiple_of(block) {
            return Err(bad_length());
        }
        Ok(())
    }

    /// Whether `open_from` can decrypt straight from one buffer into
    /// another: under keys, and not once a CBC/CTR packet's first block
    /// waits decrypted in the buffer.
    pub fn opens_out_of_place(&self) -> bool {
        self.prot.opens_across()
    }

    /// How many bytes at the front of the held-back partial packet
    /// `open_from` already wrote decrypted (a CBC/CTR packet's first block,
    /// read for its length before the rest arrived); the caller copies the
    /// rest of the input after them.
    pub fn decrypted_prefix(&self) -> usize {
        self.prot.decrypted_prefix()
    }

    /// The whole length (length field, body, MAC or tag) of the packet at
    /// the start of `buf`, the held-back start of a packet that `open` left
    /// there, when it can be read without changing anything: None when
    /// too little has arrived, the length is refused (`open` reports that),
    /// or a CBC/CTR packet's first block is still encrypted.
    pub fn peek_total(&self, buf: &[u8]) -> Option<usize> {
        if self.usage.exhausted() {
            return None;
        }
        let len = self.prot.peek_length(self.seq, buf)?;
        self.check_length(len).ok()?;
        Some(Span::new(len, self.prot.framing()).total())
    }

    /// Like `open`, for the packet at the start of `src`, written opened
    /// into `dst` at the same offsets (`dst` is at least as long): the
    /// clear length, the plaintext and the tag, every byte of the packet's
    /// span. Decrypting from the input saves copying it first. Only when
    /// `opens_out_of_place()`; otherwise nothing is written and the caller
    /// copies and opens in place. Ok(None): more bytes are needed; nothing
    /// was written but, for a CBC/CTR packet, its first block
    /// (`decrypted_prefix`).
    pub fn open_from(&mut self, src: &[u8], dst: &mut [u8]) -> Result<Option<Opened>, PacketError> {
        if !self.opens_out_of_place() {
            return Ok(None);
        }
        if self.usage.exhausted() && !src.is_empty() {
            return Err(exhausted());
        }
        self.open_io(&mut PacketIo::across(src, dst))
    }

    /// Opens the packet at the start of `buf`, decrypting it in place.
    /// Ok(None): more bytes are needed.
    /// Once the keys have opened 2^32 packets, any further input is refused
    /// (its sequence number would repeat).
    pub fn open(&mut self, buf: &mut [u8]) -> Result<Option<Opened>, PacketError> {
        if self.usage.exhausted() && !buf.is_empty() {
            return Err(exhausted());
        }
        self.open_io(&mut PacketIo::in_place(buf))
    }

    /// `open` and `open_from`: the length read and checked, then, once the
    /// packet is whole, checked and decrypted by the key.
    fn open_io(&mut self, io: &mut PacketIo<'_>) -> Result<Option<Opened>, PacketError> {
        let Some(len) = self.prot.read_length(self.seq, io).map_err(refused)? else {
            return Ok(None);
        };
        self.check_length(len)?;
        let span = Span::new(len, self.prot.framing());
        if io.len() < span.total() {
            return Ok(None);
        }
        self.prot.open(self.seq, span, io).map_err(refused)?;
        // The padding check and sequence step every opened packet ends with.
        let pad = io.written(span.body())[0] as usize;
        if pad < 4 || pad + 1 > len {
            return Err(PacketError {
                message: "Bad packet padding",
                disconnect: Some(PROTOCOL_ERROR),
            });
        }
        self.seq = self.seq.wrapping_add(1);
        self.usage.count(4 + len, self.prot.block_len());
        Ok(Some(Opened {
            consumed: span.total(),
            payload: 5..4 + len - pad,
        }))
    }
}

#[cfg(test)]
mod tests;
