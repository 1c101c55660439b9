//! No protection: the packets before the first NEWKEYS (RFC 4253 6), in
//! clear with no MAC, padded to 8 bytes counting the length field.

use super::packet_io::{Framing, OpenPacket, PacketIo, Refusal, SealPacket, Span};

const FRAMING: Framing = Framing {
    block: 8,
    tag_len: 0,
    aligns_length: true,
};

/// Opens packets in clear.
#[derive(Debug, Default)]
pub struct OpeningKey;

/// Sends packets in clear.
#[derive(Debug, Default)]
pub struct SealingKey;

impl OpenPacket for OpeningKey {
    fn framing(&self) -> Framing {
        FRAMING
    }

    fn open(&mut self, _seq: u32, span: Span, io: &mut PacketIo<'_>) -> Result<(), Refusal> {
        io.pass(0..span.total());
        Ok(())
    }

    /// The few packets before NEWKEYS are opened where they are: there is
    /// no decryption to fold a copy into.
    fn opens_across(&self) -> bool {
        false
    }
}

impl SealPacket for SealingKey {
    fn framing(&self) -> Framing {
        FRAMING
    }

    fn seal(&mut self, _seq: u32, length: [u8; 4], parts: &[&[u8]], out: &mut Vec<u8>) {
        out.reserve(4 + parts.iter().map(|p| p.len()).sum::<usize>());
        out.extend_from_slice(&length);
        for p in parts {
            out.extend_from_slice(p);
        }
    }
}
