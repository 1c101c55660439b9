//! A block or stream cipher (evp.rs) with a separate MAC (mac.rs). In the
//! original construction (RFC 4253 6.3, 6.4) the MAC covers the plaintext
//! and the packet_length field is encrypted with the first block, so the
//! length is only known once that block is decrypted. With OpenSSH's
//! encrypt-then-MAC (-etm@openssh.com, PROTOCOL 1.5) the length stays in
//! clear and the MAC covers the ciphertext, checked before anything is
//! decrypted.

use super::evp::{EvpAlg, EvpCipher};
use super::mac::{Mac, MacSpec};
use super::packet_io::{clear_length, Framing, OpenPacket, PacketIo, Refusal, SealPacket, Span};
use std::ops::Range;

/// The cipher context and MAC key of either direction.
fn keyed(
    alg: EvpAlg,
    (key, iv, encrypt): (&[u8], &[u8], bool),
    (mac, mac_key): (MacSpec, &[u8]),
) -> Option<(EvpCipher, Mac)> {
    Some((
        EvpCipher::new(alg, key, iv, encrypt)?,
        Mac::new(mac, mac_key)?,
    ))
}

fn framing(cipher: &EvpCipher, mac: &Mac) -> Framing {
    Framing {
        block: cipher.alg.block_len().max(8),
        tag_len: mac.spec.out_len,
        aligns_length: !mac.spec.etm,
    }
}

/// One direction's cipher context and MAC key, for opening.
pub struct OpeningKey {
    cipher: EvpCipher,
    mac: Mac,
    /// The packet's first block is decrypted already (in the output, and
    /// the cipher's stream has moved past it): its length was read while
    /// the rest had not arrived. The original construction only.
    first_block_done: bool,
}

/// One direction's cipher context and MAC key, for sealing.
pub struct SealingKey {
    cipher: EvpCipher,
    mac: Mac,
}

impl OpeningKey {
    /// None when a key or IV length is wrong or aws-lc refuses them.
    pub fn new(alg: EvpAlg, key: &[u8], iv: &[u8], mac: (MacSpec, &[u8])) -> Option<OpeningKey> {
        let (cipher, mac) = keyed(alg, (key, iv, false), mac)?;
        Some(OpeningKey {
            cipher,
            mac,
            first_block_done: false,
        })
    }

    fn decrypt(&mut self, io: &mut PacketIo<'_>, r: Range<usize>) -> Result<(), Refusal> {
        let cipher = &mut self.cipher;
        // SAFETY: `transform`'s pointers are what `update` asks for.
        let ok = io.transform(r, |input, output, n| unsafe {
            cipher.update(input, output, n)
        });
        ok.then_some(()).ok_or(Refusal::Length)
    }
}

impl OpenPacket for OpeningKey {
    fn framing(&self) -> Framing {
        framing(&self.cipher, &self.mac)
    }

    /// For a packet whose first block `read_length` decrypted, `input`
    /// holds that block decrypted (opened in place, or copied there from
    /// the output, `decrypted_prefix`).
    fn peek_length(&self, _seq: u32, input: &[u8]) -> Option<usize> {
        if self.mac.spec.etm || self.first_block_done {
            clear_length(input)
        } else {
            None
        }
    }

    fn read_length(&mut self, _seq: u32, io: &mut PacketIo<'_>) -> Result<Option<usize>, Refusal> {
        if self.mac.spec.etm {
            return Ok(clear_length(io.input(0..io.len())));
        }
        let block = self.cipher.alg.block_len();
        if io.len() < block {
            return Ok(None);
        }
        if !self.first_block_done {
            self.decrypt(io, 0..block)?;
            self.first_block_done = true;
        }
        Ok(clear_length(io.written(0..block)))
    }

    fn open(&mut self, seq: u32, span: Span, io: &mut PacketIo<'_>) -> Result<(), Refusal> {
        if self.mac.spec.etm {
            if !self
                .mac
                .verify(seq, io.input(span.sealed()), io.input(span.tag()))
            {
                return Err(Refusal::Mac);
            }
            io.pass(span.head());
            self.decrypt(io, span.body())?;
        } else {
            // The first block came with the length (`read_length`).
            let block = self.cipher.alg.block_len();
            self.decrypt(io, block..span.body().end)?;
            self.first_block_done = false;
            if !self
                .mac
                .verify(seq, io.written(span.sealed()), io.input(span.tag()))
            {
                return Err(Refusal::Mac);
            }
        }
        io.pass(span.tag());
        Ok(())
    }

    fn opens_across(&self) -> bool {
        !self.first_block_done
    }

    fn decrypted_prefix(&self) -> usize {
        if self.first_block_done {
            self.cipher.alg.block_len()
        } else {
            0
        }
    }
}

impl SealingKey {
    /// None when a key or IV length is wrong or aws-lc refuses them.
    pub fn new(alg: EvpAlg, key: &[u8], iv: &[u8], mac: (MacSpec, &[u8])) -> Option<SealingKey> {
        let (cipher, mac) = keyed(alg, (key, iv, true), mac)?;
        Some(SealingKey { cipher, mac })
    }
}

impl SealPacket for SealingKey {
    fn framing(&self) -> Framing {
        framing(&self.cipher, &self.mac)
    }

    /// The packet is joined in `out` and encrypted there; the MAC, which
    /// goes after what it covers, is made aside first.
    fn seal(&mut self, seq: u32, length: [u8; 4], parts: &[&[u8]], out: &mut Vec<u8>) {
        let start = out.len();
        let tag_len = self.mac.spec.out_len;
        let total = 4 + parts.iter().map(|p| p.len()).sum::<usize>() + tag_len;
        out.reserve(total);
        out.extend_from_slice(&length);
        for p in parts {
            out.extend_from_slice(p);
        }
        let packet = &mut out[start..];
        let (ok, tag) = if self.mac.spec.etm {
            let ok = self.cipher.apply(&mut packet[4..]);
            (ok, self.mac.tag(seq, packet))
        } else {
            let tag = self.mac.tag(seq, packet);
            (self.cipher.apply(packet), tag)
        };
        if ok {
            out.extend_from_slice(&tag[..tag_len]);
        } else {
            // Never plaintext: zeros, which the peer refuses.
            out.truncate(start);
            out.resize(start + total, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(mac: &str) -> (SealingKey, OpeningKey) {
        let spec = MacSpec::from_name(mac).unwrap();
        let (key, iv, mac_key) = ([5; 16], [3; 16], vec![7; spec.key_len()]);
        (
            SealingKey::new(EvpAlg::Aes128Cbc, &key, &iv, (spec, &mac_key)).unwrap(),
            OpeningKey::new(EvpAlg::Aes128Cbc, &key, &iv, (spec, &mac_key)).unwrap(),
        )
    }

    /// A packet of 4 + 28 bytes, padded for 16-byte blocks with or
    /// without the length field counted.
    fn seal_one(s: &mut SealingKey, fill: u8) -> (Span, Vec<u8>) {
        let len = if s.framing().aligns_length { 28 } else { 32 };
        let body = vec![fill; len];
        let mut wire = Vec::new();
        s.seal(
            1,
            (len as u32).to_be_bytes(),
            &[&body[..1], &body[1..]],
            &mut wire,
        );
        (Span::new(len, s.framing()), wire)
    }

    #[test]
    fn the_length_is_read_from_the_first_block_or_in_clear_with_etm() {
        for (mac, clear) in [("hmac-sha1", false), ("hmac-sha1-etm@openssh.com", true)] {
            let (mut s, mut o) = pair(mac);
            let (span, wire) = seal_one(&mut s, 4);
            assert_eq!(clear_length(&wire) == Some(span.len), clear, "{mac}");
            assert_eq!(o.peek_length(1, &wire).is_some(), clear, "{mac}");
            let mut dst = vec![0; 20];
            let mut io = PacketIo::across(&wire[..20], &mut dst);
            assert_eq!(o.read_length(1, &mut io), Ok(Some(span.len)), "{mac}");
            assert_eq!(o.decrypted_prefix(), if clear { 0 } else { 16 });
            assert_eq!(o.opens_across(), clear, "{mac}");
        }
    }

    #[test]
    fn a_mac_over_other_bytes_is_refused_and_etm_writes_nothing() {
        for mac in ["hmac-sha2-256", "hmac-sha2-256-etm@openssh.com"] {
            let (mut s, mut o) = pair(mac);
            let (span, mut wire) = seal_one(&mut s, 9);
            let last = wire.len() - 1;
            wire[last] ^= 0x80;
            let mut dst = vec![0xAA; wire.len()];
            let mut io = PacketIo::across(&wire, &mut dst);
            assert_eq!(o.read_length(1, &mut io), Ok(Some(span.len)));
            assert_eq!(o.open(1, span, &mut io), Err(Refusal::Mac), "{mac}");
            if mac.contains("etm") {
                assert!(dst.iter().all(|&b| b == 0xAA), "nothing written");
            }
        }
    }
}
