//! What opening and sealing one SSH packet asks of a cipher, whichever it
//! is. Each algorithm has an opening key (`OpenPacket`) and a sealing key
//! (`SealPacket`) of its own types (cleartext.rs, gcm.rs, chacha.rs,
//! cipher_mac.rs), so a key made for one direction cannot be used for the
//! other. The packet layer above keeps what every cipher shares: the
//! length limits, the padding, the sequence numbers.
//!
//! A packet is opened either from the received chunk into another buffer
//! or in place, and each cipher writes that once: `PacketIo` is the input
//! and the output, the same bytes when opening in place, which aws-lc's
//! ciphers accept (input and output either equal or apart).

use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ops::Range;

/// How a cipher frames packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// Padding aligns the packet to a multiple of this (at least 8).
    pub block: usize,
    /// The MAC or tag after the packet.
    pub tag_len: usize,
    /// Whether the 4-byte packet_length counts towards the alignment: yes
    /// in clear and when encrypted with the body (a MAC over the
    /// plaintext); no for the AEADs and -etm MACs, which keep it apart.
    pub aligns_length: bool,
}

/// Where the parts of one whole packet lie, from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// packet_length: the padding length byte, payload and padding.
    pub len: usize,
    pub tag_len: usize,
}

impl Span {
    pub fn new(len: usize, framing: Framing) -> Span {
        Span {
            len,
            tag_len: framing.tag_len,
        }
    }

    /// The packet_length field.
    pub fn head(&self) -> Range<usize> {
        0..4
    }

    /// What packet_length counts.
    pub fn body(&self) -> Range<usize> {
        4..4 + self.len
    }

    /// The length field and the body: what a MAC or tag covers.
    pub fn sealed(&self) -> Range<usize> {
        0..4 + self.len
    }

    pub fn tag(&self) -> Range<usize> {
        4 + self.len..self.total()
    }

    /// Every byte of the packet on the wire.
    pub fn total(&self) -> usize {
        4 + self.len + self.tag_len
    }
}

/// Why a packet was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The cipher failed on the bytes given (a length no block mode takes).
    Length,
    /// The MAC or tag does not match.
    Mac,
}

/// The packet_length field in clear at the front of `b`, if 4 bytes are
/// there.
pub fn clear_length(b: &[u8]) -> Option<usize> {
    let field: [u8; 4] = b.get(..4)?.try_into().ok()?;
    Some(u32::from_be_bytes(field) as usize)
}

/// Opening packets under one direction's keys.
pub trait OpenPacket {
    fn framing(&self) -> Framing;

    /// The packet_length of the packet at the front of `input`, when it
    /// can be read without changing anything: None while too few bytes
    /// are there, or while the field is encrypted with the first block.
    /// In clear unless the cipher says otherwise.
    fn peek_length(&self, _seq: u32, input: &[u8]) -> Option<usize> {
        clear_length(input)
    }

    /// The packet_length of the packet at the front of `io`, decrypting
    /// into the output what reading it takes. Ok(None): too few bytes.
    fn read_length(&mut self, seq: u32, io: &mut PacketIo<'_>) -> Result<Option<usize>, Refusal> {
        Ok(self.peek_length(seq, io.input(0..io.len())))
    }

    /// Checks and decrypts the whole packet `span` at the front of `io`.
    /// Afterwards the output holds the clear length field, the plaintext
    /// body and the tag as received, over the packet's whole span.
    fn open(&mut self, seq: u32, span: Span, io: &mut PacketIo<'_>) -> Result<(), Refusal>;

    /// Whether `PacketIo::across` may be used now (else in place only).
    fn opens_across(&self) -> bool {
        true
    }

    /// How many bytes at the front of a packet not yet whole
    /// `read_length` left decrypted in the output.
    fn decrypted_prefix(&self) -> usize {
        0
    }
}

/// Sealing packets under one direction's keys.
pub trait SealPacket {
    fn framing(&self) -> Framing;

    /// Appends one packet to `out`: `length` (packet_length, in clear)
    /// protected as this cipher does, the body (the concatenation of
    /// `parts`: padding length, payload, padding) and the MAC or tag, in
    /// all 4 + body + tag_len bytes. Were the cipher to fail, zeros stand
    /// in their place (the peer refuses them): plaintext never goes out.
    fn seal(&mut self, seq: u32, length: [u8; 4], parts: &[&[u8]], out: &mut Vec<u8>);
}

/// Appends `total` bytes to `out`, written by `fill` into its spare
/// capacity, or `total` zeros when `fill` returns false.
///
/// # Safety
/// When `fill` returns true it has written every one of the `total` bytes
/// it was given.
pub unsafe fn append_with(
    out: &mut Vec<u8>,
    total: usize,
    fill: impl FnOnce(&mut [MaybeUninit<u8>]) -> bool,
) {
    out.reserve(total);
    let start = out.len();
    if fill(&mut out.spare_capacity_mut()[..total]) {
        // SAFETY: the caller's promise: all `total` bytes were written.
        unsafe { out.set_len(start + total) };
    } else {
        out.resize(start + total, 0);
    }
}

/// The bytes of received packets on their way to being opened: read from
/// an input and written to an output at the same offsets, which are two
/// buffers (`across`, decrypting from the received chunk) or one
/// (`in_place`).
pub struct PacketIo<'a> {
    input: *const u8,
    output: *mut u8,
    len: usize,
    _bufs: PhantomData<&'a mut [u8]>,
}

impl<'a> PacketIo<'a> {
    pub fn in_place(buf: &'a mut [u8]) -> PacketIo<'a> {
        let at = buf.as_mut_ptr();
        PacketIo {
            input: at,
            output: at,
            len: buf.len(),
            _bufs: PhantomData,
        }
    }

    /// From `src` into `dst`, as far as both reach.
    pub fn across(src: &'a [u8], dst: &'a mut [u8]) -> PacketIo<'a> {
        PacketIo {
            input: src.as_ptr(),
            output: dst.as_mut_ptr(),
            len: src.len().min(dst.len()),
            _bufs: PhantomData,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn check(&self, r: &Range<usize>) {
        assert!(
            r.start <= r.end && r.end <= self.len,
            "{r:?} of {}",
            self.len
        );
    }

    /// The input's bytes at `r`: as received, or in place as written so
    /// far.
    pub fn input(&self, r: Range<usize>) -> &[u8] {
        self.check(&r);
        // SAFETY: within the input's `len` bytes, borrowed for 'a; no
        // &mut to them can exist while &self is held (output takes &mut).
        unsafe { std::slice::from_raw_parts(self.input.add(r.start), r.len()) }
    }

    /// The output's bytes at `r`, as written so far.
    pub fn written(&self, r: Range<usize>) -> &[u8] {
        self.check(&r);
        // SAFETY: as in `input`, for the output buffer.
        unsafe { std::slice::from_raw_parts(self.output.add(r.start), r.len()) }
    }

    pub fn output(&mut self, r: Range<usize>) -> &mut [u8] {
        self.check(&r);
        // SAFETY: within the output's `len` bytes, exclusively borrowed for
        // 'a and here through &mut self.
        unsafe { std::slice::from_raw_parts_mut(self.output.add(r.start), r.len()) }
    }

    /// Copies the input's bytes at `r` to the output unchanged (nothing to
    /// do in place).
    pub fn pass(&mut self, r: Range<usize>) {
        self.check(&r);
        if self.input != self.output.cast_const() {
            // SAFETY: both hold `len` bytes; two buffers borrowed at once,
            // one of them mutably, do not overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    self.input.add(r.start),
                    self.output.add(r.start),
                    r.len(),
                )
            }
        }
    }

    /// Calls `f(input, output, n)` for the `n` bytes at `r`: valid for
    /// reading and writing `n` bytes, and either equal (in place) or not
    /// overlapping, as aws-lc's ciphers require.
    pub fn transform<T>(
        &mut self,
        r: Range<usize>,
        f: impl FnOnce(*const u8, *mut u8, usize) -> T,
    ) -> T {
        self.check(&r);
        // SAFETY: r lies within both buffers (checked).
        unsafe { f(self.input.add(r.start), self.output.add(r.start), r.len()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_the_input_is_what_was_written() {
        let mut buf = *b"abcdefgh";
        let mut io = PacketIo::in_place(&mut buf);
        io.output(0..2).copy_from_slice(b"XY");
        assert_eq!(io.input(0..3), b"XYc");
        io.pass(0..8);
        io.transform(2..4, |i, o, n| {
            assert_eq!((i, n), (o.cast_const(), 2));
        });
        assert_eq!(&buf, b"XYcdefgh");
    }

    #[test]
    fn across_reads_one_buffer_and_writes_the_other_as_far_as_both_reach() {
        let src = *b"abcdefgh";
        let mut dst = [0u8; 6];
        let mut io = PacketIo::across(&src, &mut dst);
        assert_eq!(io.len(), 6);
        io.pass(1..3);
        io.output(4..5)[0] = b'!';
        assert_eq!(io.written(0..6), b"\0bc\0!\0");
        assert_eq!(io.input(0..6), b"abcdef");
        assert_eq!(dst, *b"\0bc\0!\0");
    }

    #[test]
    fn a_failed_fill_leaves_zeros() {
        let mut out = b"ab".to_vec();
        // SAFETY: the fills that succeed write every byte.
        unsafe {
            append_with(&mut out, 3, |room| {
                room.iter_mut().for_each(|b| {
                    b.write(1);
                });
                true
            });
            append_with(&mut out, 2, |room| {
                room[0].write(9);
                false
            });
        }
        assert_eq!(out, [b'a', b'b', 1, 1, 1, 0, 0]);
    }
}
