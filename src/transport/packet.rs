//! The binary packet protocol (RFC 4253 section 6) for one direction:
//! `uint32 packet_length || byte padding_length || payload || padding ||
//! mac`, sealed or opened with that direction's keys and sequence number.
//! Opening decrypts in place in the caller's buffer, or, once keys are in
//! use, from the input straight into the caller's buffer (`open_from`);
//! sealing an AEAD encrypts the packet's parts from where they lie
//! (gcm_seal.rs, chacha.rs).

use crate::crypto::chacha::{self, ChachaKeys};
use crate::crypto::evp::EvpCipher;
use crate::crypto::gcm_seal::{self, GcmSealer};
use crate::crypto::mac::{Mac, MacSpec};
use crate::crypto::CipherSpec;
use crate::transport::rekey_limit::{Direction, Usage};
use crate::wire::Reader;
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use padding::PadPool;
use std::ops::Range;
use zeroize::Zeroizing;

mod padding;

/// Keys for one direction, from the key derivation of RFC 4253 7.2.
pub struct DirectionKeys {
    pub cipher: CipherSpec,
    pub mac: Option<MacSpec>,
    pub iv: Zeroizing<Vec<u8>>,
    pub key: Zeroizing<Vec<u8>>,
    pub mac_key: Zeroizing<Vec<u8>>,
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

/// The packet_length field at the front of `b`, clear or already
/// decrypted; None while fewer than 4 bytes are there.
fn packet_length(b: &[u8]) -> Option<usize> {
    Reader::new(b).u32().ok().map(|n| n as usize)
}

enum Protection {
    Plain,
    /// Opening; sealing uses GcmSeal (the same algorithm, through EVP).
    Gcm {
        key: LessSafeKey,
        iv: [u8; 12],
    },
    GcmSeal {
        sealer: GcmSealer,
        iv: [u8; 12],
    },
    /// Either direction: the same keystream seals and opens.
    Chacha(Box<ChachaKeys>),
    // The HMAC key holds its precomputed pads (over a KiB): boxed.
    Evp {
        cipher: EvpCipher,
        mac: Box<Mac>,
    },
}

impl Protection {
    fn new(k: &DirectionKeys, sealing: bool) -> Option<Protection> {
        Some(match k.cipher {
            CipherSpec::AesGcm { key_len } => {
                let alg = if key_len == 16 {
                    &aead::AES_128_GCM
                } else {
                    &aead::AES_256_GCM
                };
                let iv = k.iv.get(..12)?.try_into().ok()?;
                if sealing {
                    Protection::GcmSeal {
                        sealer: GcmSealer::new(k.key.get(..key_len)?)?,
                        iv,
                    }
                } else {
                    Protection::Gcm {
                        key: LessSafeKey::new(UnboundKey::new(alg, &k.key).ok()?),
                        iv,
                    }
                }
            }
            CipherSpec::ChaCha20Poly1305 => {
                let material: &[u8; 64] = k.key.get(..64)?.try_into().ok()?;
                Protection::Chacha(Box::new(ChachaKeys::new(material)))
            }
            CipherSpec::Evp(alg) => Protection::Evp {
                cipher: EvpCipher::new(alg, &k.key, &k.iv, sealing)?,
                mac: Box::new(Mac::new(k.mac?, &k.mac_key)?),
            },
        })
    }

    /// Padding aligns to this; AEAD and etm leave the length out of it.
    fn block_len(&self) -> usize {
        match self {
            Protection::Plain => 8,
            Protection::Gcm { .. } | Protection::GcmSeal { .. } => 16,
            Protection::Chacha(_) => 8,
            Protection::Evp { cipher, .. } => cipher.alg.block_len().max(8),
        }
    }

    fn trailer_len(&self) -> usize {
        match self {
            Protection::Plain => 0,
            Protection::Gcm { .. } | Protection::GcmSeal { .. } => gcm_seal::TAG_LEN,
            Protection::Chacha(_) => chacha::TAG_LEN,
            Protection::Evp { mac, .. } => mac.spec.out_len,
        }
    }

    fn aligns_length(&self) -> bool {
        // Whether the 4-byte length counts towards the block alignment.
        match self {
            Protection::Plain => true,
            Protection::Gcm { .. } | Protection::GcmSeal { .. } | Protection::Chacha(_) => false,
            Protection::Evp { mac, .. } => !mac.spec.etm,
        }
    }
}

fn gcm_next(iv: &mut [u8; 12]) {
    // RFC 5647 7.1: the 64-bit invocation counter, big-endian, wraps.
    let mut counter = [0u8; 8];
    counter.copy_from_slice(&iv[4..]);
    iv[4..].copy_from_slice(&u64::from_be_bytes(counter).wrapping_add(1).to_be_bytes());
}

/// Outgoing packets.
pub struct Sealer {
    prot: Protection,
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
            prot: Protection::Plain,
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
        match Protection::new(keys, true) {
            Some(p) => {
                self.prot = p;
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
        let block = self.prot.block_len();
        let aligned = if self.prot.aligns_length() { 5 } else { 1 } + payload_len;
        let mut pad = block - aligned % block;
        if pad < 4 {
            pad += block;
        }
        // RFC 4253 6: at least 16 bytes on the wire before the MAC.
        if 4 + 1 + payload_len + pad < 16 {
            pad += block;
        }
        let packet_len = (1 + payload_len + pad) as u32;
        let start = out.len();
        let total = 4 + packet_len as usize + self.prot.trailer_len();
        out.reserve(total);
        debug_assert!(pad <= padding::MAX_PADDING);
        let padding = self.pad_pool.take(pad);
        let seq = self.seq;
        self.usage.count(4 + packet_len as usize, block);
        let length = packet_len.to_be_bytes();
        // An AEAD encrypts the parts from where they lie, without joining
        // them first.
        let parts = [&[pad as u8][..], head, body, padding];
        let sealed = match &mut self.prot {
            Protection::GcmSeal { sealer, iv } => {
                let room = &mut out.spare_capacity_mut()[..total];
                let (clear, sealed) = room.split_at_mut(4);
                for (slot, b) in clear.iter_mut().zip(length) {
                    slot.write(b);
                }
                let ok = sealer.seal(iv, &length, &parts, sealed);
                gcm_next(iv);
                Some(ok)
            }
            Protection::Chacha(keys) => {
                Some(keys.seal(seq, length, &parts, &mut out.spare_capacity_mut()[..total]))
            }
            _ => None,
        };
        if let Some(sealed) = sealed {
            if sealed {
                // SAFETY: both write all `total` bytes: the length (clear
                // or encrypted), the encrypted body and the tag.
                unsafe { out.set_len(start + total) };
            } else {
                // Cannot happen for lengths this layer builds; never
                // send plaintext: zeros, which the peer's check refuses.
                out.resize(start + total, 0);
            }
            self.seq = seq.wrapping_add(1);
            return;
        }
        out.extend_from_slice(&length);
        out.push(pad as u8);
        out.extend_from_slice(head);
        out.extend_from_slice(body);
        out.extend_from_slice(padding);
        match &mut self.prot {
            // Plain; the opening form; the AEADs returned above.
            Protection::Plain
            | Protection::Gcm { .. }
            | Protection::GcmSeal { .. }
            | Protection::Chacha(_) => {}
            Protection::Evp { cipher, mac } => {
                // The MAC goes after the packet it covers, so it is made
                // aside first (-etm covers the ciphertext, the plain form
                // the plaintext).
                let mut tag = Vec::with_capacity(64);
                if mac.spec.etm {
                    cipher.apply(&mut out[start + 4..]);
                    mac.sign_into(seq, &out[start..], &mut tag);
                } else {
                    mac.sign_into(seq, &out[start..], &mut tag);
                    cipher.apply(&mut out[start..]);
                }
                out.extend_from_slice(&tag);
            }
        }
        self.seq = self.seq.wrapping_add(1);
    }
}

/// Incoming packets.
pub struct Opener {
    prot: Protection,
    pub seq: u32,
    /// Packets and blocks opened under the current keys.
    pub usage: Usage,
    /// The largest packet_length accepted.
    pub max_packet: usize,
    /// A CBC/CTR packet's first block is already decrypted in the buffer
    /// (its length was read while waiting for the rest).
    first_block_done: bool,
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
            prot: Protection::Plain,
            seq: 0,
            usage: Usage::default(),
            max_packet,
            first_block_done: false,
        }
    }

    pub fn rekey(&mut self, keys: &DirectionKeys) -> bool {
        match Protection::new(keys, false) {
            Some(p) => {
                self.prot = p;
                self.first_block_done = false;
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
    /// another: the AEADs and the block and stream ciphers with a MAC (not
    /// once a CBC/CTR packet's first block waits decrypted in the buffer).
    pub fn opens_out_of_place(&self) -> bool {
        match self.prot {
            Protection::Gcm { .. } | Protection::Chacha(_) => true,
            Protection::Evp { .. } => !self.first_block_done,
            _ => false,
        }
    }

    /// How many bytes at the front of the held-back partial packet
    /// `open_from` already wrote decrypted (a CBC/CTR packet's first block,
    /// read for its length before the rest arrived); the caller copies the
    /// rest of the input after them.
    pub fn decrypted_prefix(&self) -> usize {
        match &self.prot {
            Protection::Evp { cipher, .. } if self.first_block_done => cipher.alg.block_len(),
            _ => 0,
        }
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
        let len = match &self.prot {
            Protection::Chacha(keys) => {
                let head: [u8; 4] = buf.get(..4)?.try_into().ok()?;
                u32::from_be_bytes(keys.length(self.seq, head)) as usize
            }
            Protection::Evp { mac, .. } if !mac.spec.etm && !self.first_block_done => return None,
            _ => packet_length(buf)?,
        };
        self.check_length(len).ok()?;
        Some(4 + len + self.prot.trailer_len())
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
        match &self.prot {
            Protection::Evp { .. } => return self.open_evp_from(src, dst),
            Protection::Chacha(_) => return self.open_chacha_from(src, dst),
            _ => {}
        }
        let Some(len) = packet_length(src) else {
            return Ok(None);
        };
        self.check_length(len)?;
        let head = &src[..4];
        let total = 4 + len + self.prot.trailer_len();
        if src.len() < total || dst.len() < total {
            return Ok(None);
        }
        let Protection::Gcm { key, iv } = &mut self.prot else {
            return Ok(None);
        };
        let (sealed, tag) = src[4..total].split_at(len);
        dst[..4].copy_from_slice(head);
        dst[4 + len..total].copy_from_slice(tag);
        let nonce = Nonce::assume_unique_for_key(*iv);
        key.open_separate_gather(nonce, Aad::from(head), sealed, tag, &mut dst[4..4 + len])
            .map_err(|_| bad_mac())?;
        gcm_next(iv);
        self.opened(&dst[..total], len)
    }

    /// `open_from` for chacha20-poly1305: the tag is checked on `src`
    /// before anything is written, then the body is decrypted across.
    fn open_chacha_from(
        &mut self,
        src: &[u8],
        dst: &mut [u8],
    ) -> Result<Option<Opened>, PacketError> {
        let seq = self.seq;
        let Protection::Chacha(keys) = &self.prot else {
            return Ok(None);
        };
        let Some(field) = src.get(..4) else {
            return Ok(None);
        };
        let clear = keys.length(seq, field.try_into().map_err(|_| bad_length())?);
        let len = u32::from_be_bytes(clear) as usize;
        self.check_length(len)?;
        let total = 4 + len + self.prot.trailer_len();
        if src.len() < total || dst.len() < total {
            return Ok(None);
        }
        let (sealed, tag) = src[..total].split_at(4 + len);
        if !keys.verify(seq, sealed, tag) {
            return Err(bad_mac());
        }
        dst[..4].copy_from_slice(&clear);
        keys.decrypt(seq, Some(&sealed[4..]), &mut dst[4..4 + len]);
        dst[4 + len..total].copy_from_slice(tag);
        self.opened(&dst[..total], len)
    }

    /// `open_from` for a block or stream cipher with a MAC. With an -etm MAC
    /// the length is clear and the MAC covers the ciphertext, checked in
    /// `src` before anything is written. The plain form encrypts the length:
    /// the first block is decrypted into `dst` to read it, and stays there
    /// (`decrypted_prefix`) when the rest has not arrived.
    fn open_evp_from(&mut self, src: &[u8], dst: &mut [u8]) -> Result<Option<Opened>, PacketError> {
        let seq = self.seq;
        let trailer = self.prot.trailer_len();
        let (block, etm) = match &self.prot {
            Protection::Evp { cipher, mac } => (cipher.alg.block_len(), mac.spec.etm),
            _ => return Ok(None),
        };
        let n = src.len().min(dst.len());
        let (src, dst) = (&src[..n], &mut dst[..n]);
        let len = if etm {
            let Some(len) = packet_length(src) else {
                return Ok(None);
            };
            len
        } else {
            let (Some(first), Some(out)) = (src.get(..block), dst.get_mut(..block)) else {
                return Ok(None);
            };
            let Protection::Evp { cipher, .. } = &mut self.prot else {
                return Ok(None);
            };
            if !cipher.apply_into(first, out) {
                return Err(bad_length());
            }
            packet_length(out).ok_or_else(bad_length)?
        };
        self.check_length(len)?;
        let total = 4 + len + trailer;
        if src.len() < total {
            self.first_block_done = !etm;
            return Ok(None);
        }
        let Protection::Evp { cipher, mac } = &mut self.prot else {
            return Ok(None);
        };
        let (body, tag) = src[..total].split_at(4 + len);
        if etm {
            if !mac.verify(seq, body, tag) {
                return Err(bad_mac());
            }
            dst[..4].copy_from_slice(&body[..4]);
            if !cipher.apply_into(&body[4..], &mut dst[4..4 + len]) {
                return Err(bad_length());
            }
        } else if !cipher.apply_into(&body[block..], &mut dst[block..4 + len]) {
            return Err(bad_length());
        }
        dst[4 + len..total].copy_from_slice(tag);
        if !etm && !mac.verify(seq, &dst[..4 + len], tag) {
            return Err(bad_mac());
        }
        self.opened(&dst[..total], len)
    }

    /// The padding check and sequence step every opened packet ends with.
    fn opened(&mut self, packet: &[u8], len: usize) -> Result<Option<Opened>, PacketError> {
        let pad = packet[4] as usize;
        if pad < 4 || pad + 1 > len {
            return Err(PacketError {
                message: "Bad packet padding",
                disconnect: Some(PROTOCOL_ERROR),
            });
        }
        self.seq = self.seq.wrapping_add(1);
        self.usage.count(4 + len, self.prot.block_len());
        Ok(Some(Opened {
            consumed: 4 + len + self.prot.trailer_len(),
            payload: 5..4 + len - pad,
        }))
    }

    /// Opens the packet at the start of `buf`, decrypting it in place.
    /// Ok(None): more bytes are needed.
    /// Once the keys have opened 2^32 packets, any further input is refused
    /// (its sequence number would repeat).
    pub fn open(&mut self, buf: &mut [u8]) -> Result<Option<Opened>, PacketError> {
        if self.usage.exhausted() && !buf.is_empty() {
            return Err(exhausted());
        }
        let seq = self.seq;
        let trailer = self.prot.trailer_len();
        let len = match &mut self.prot {
            Protection::Chacha(keys) => {
                let Some(head) = buf.get(..4) else {
                    return Ok(None);
                };
                let head: [u8; 4] = head.try_into().map_err(|_| bad_length())?;
                u32::from_be_bytes(keys.length(seq, head)) as usize
            }
            Protection::Evp { cipher, mac } if !mac.spec.etm => {
                let block = cipher.alg.block_len();
                if !self.first_block_done {
                    let Some(first) = buf.get_mut(..block) else {
                        return Ok(None);
                    };
                    if !cipher.apply(first) {
                        return Err(bad_length());
                    }
                    self.first_block_done = true;
                }
                packet_length(buf).ok_or_else(bad_length)?
            }
            _ => {
                let Some(len) = packet_length(buf) else {
                    return Ok(None);
                };
                len
            }
        };
        self.check_length(len)?;
        let total = 4 + len + trailer;
        if buf.len() < total {
            return Ok(None);
        }
        let packet = &mut buf[..total];
        match &mut self.prot {
            Protection::Plain => {}
            Protection::Gcm { key, iv } => {
                let (head, body) = packet.split_at_mut(4);
                let nonce = Nonce::assume_unique_for_key(*iv);
                key.open_in_place(nonce, Aad::from(&*head), body)
                    .map_err(|_| bad_mac())?;
                gcm_next(iv);
            }
            Protection::Chacha(keys) => {
                let (sealed, tag) = packet.split_at_mut(4 + len);
                if !keys.verify(seq, sealed, tag) {
                    return Err(bad_mac());
                }
                keys.decrypt(seq, None, &mut sealed[4..]);
                // Every form has the clear length at the front.
                sealed[..4].copy_from_slice(&(len as u32).to_be_bytes());
            }
            Protection::GcmSeal { .. } => {}
            Protection::Evp { cipher, mac } => {
                let (body, tag) = packet.split_at_mut(4 + len);
                if mac.spec.etm {
                    if !mac.verify(seq, body, tag) {
                        return Err(bad_mac());
                    }
                    if !cipher.apply(&mut body[4..]) {
                        return Err(bad_length());
                    }
                } else {
                    let block = cipher.alg.block_len();
                    if !cipher.apply(&mut body[block..]) {
                        return Err(bad_length());
                    }
                    self.first_block_done = false;
                    if !mac.verify(seq, body, tag) {
                        return Err(bad_mac());
                    }
                }
            }
        }
        self.opened(&buf[..total], len)
    }
}

#[cfg(test)]
mod tests;
