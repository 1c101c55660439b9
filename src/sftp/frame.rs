//! SFTP packet framing: `uint32 length, byte type, ...` over a byte
//! stream. A packet that lies whole in the chunk being fed is handed out
//! from that chunk, so its data can reach JS as a view of the chunk with no
//! copy; only a packet cut by a chunk's end is gathered here, and at most
//! one of the allowed size is held.

use crate::wire::Reader;

/// What the framer found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A whole packet: its type and the bytes after the type.
    Packet(u8, &'a [u8]),
    /// A packet longer than allowed: its declared length (type included)
    /// and its type, which decides the error before the handshake.
    TooLong(usize, u8),
}

#[derive(Default)]
pub struct Framer {
    /// The start of a packet that an earlier chunk cut off.
    cut: Vec<u8>,
    /// `cut` holds a whole packet, handed out by the last `next`.
    handed_out: bool,
}

impl Framer {
    /// The next frame from what was cut off before and `chunk[*at..]`;
    /// `*at` moves past the bytes used. None once the chunk is used up,
    /// its tail kept for the next chunk. A zero-length frame, too short to
    /// hold a type, comes back as a `Packet` of type 0 with no body, which
    /// no handler accepts.
    pub fn next<'a>(
        &'a mut self,
        chunk: &'a [u8],
        at: &mut usize,
        max: usize,
    ) -> Option<Frame<'a>> {
        if self.handed_out {
            // Freed, not cleared: a cut packet may be the largest allowed,
            // and an idle session would keep its buffer for good.
            self.cut = Vec::new();
            self.handed_out = false;
        }
        if self.cut.is_empty() {
            let rest = &chunk[*at..];
            if let Some(len) = declared_len(rest) {
                if len > max {
                    // Waits for the type byte: one byte, never the packet.
                    if let Some(&kind) = rest.get(4) {
                        return Some(Frame::TooLong(len, kind));
                    }
                } else if rest.len() >= 4 + len {
                    *at += 4 + len;
                    return Some(packet(&rest[4..4 + len]));
                }
            }
            self.cut.extend_from_slice(rest);
            *at = chunk.len();
            return None;
        }
        // Completes the cut packet: its length first, then its body.
        self.take_up_to(4, chunk, at);
        let len = declared_len(&self.cut)?;
        if len > max {
            self.take_up_to(5, chunk, at);
            return self.cut.get(4).map(|&kind| Frame::TooLong(len, kind));
        }
        self.take_up_to(4 + len, chunk, at);
        if self.cut.len() < 4 + len {
            return None;
        }
        self.handed_out = true;
        Some(packet(&self.cut[4..]))
    }

    /// Moves bytes from `chunk[*at..]` into `cut` until it holds `want`.
    fn take_up_to(&mut self, want: usize, chunk: &[u8], at: &mut usize) {
        let n = want.saturating_sub(self.cut.len()).min(chunk.len() - *at);
        self.cut.extend_from_slice(&chunk[*at..*at + n]);
        *at += n;
    }

    pub fn clear(&mut self) {
        self.cut = Vec::new();
        self.handed_out = false;
    }
}

fn declared_len(b: &[u8]) -> Option<usize> {
    Reader::new(b).u32().ok().map(|n| n as usize)
}

fn packet(p: &[u8]) -> Frame<'_> {
    match p.split_first() {
        Some((&t, body)) => Frame::Packet(t, body),
        None => Frame::Packet(0, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut f = ((body.len() + 1) as u32).to_be_bytes().to_vec();
        f.push(kind);
        f.extend_from_slice(body);
        f
    }

    /// Feeds `chunks` in turn; each frame as (type, body, lay in its chunk).
    fn frames(chunks: &[&[u8]], max: usize) -> Vec<(u8, Vec<u8>, bool)> {
        let mut framer = Framer::default();
        let mut out = Vec::new();
        for chunk in chunks {
            let mut at = 0;
            while let Some(f) = framer.next(chunk, &mut at, max) {
                match f {
                    Frame::Packet(t, body) => {
                        let inside =
                            chunk.as_ptr_range().contains(&body.as_ptr()) || body.is_empty();
                        out.push((t, body.to_vec(), inside));
                    }
                    Frame::TooLong(len, t) => {
                        out.push((t, (len as u32).to_be_bytes().to_vec(), false));
                        return out;
                    }
                }
            }
            assert_eq!(at, chunk.len(), "a chunk is always used up");
        }
        out
    }

    #[test]
    fn any_split_gives_the_same_frames_and_whole_ones_borrow_the_chunk() {
        let big: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
        let stream = [
            frame(103, &big),
            frame(101, b"status"),
            frame(0, b""),
            frame(102, b"h"),
        ]
        .concat();
        let whole = frames(&[&stream], 1 << 20);
        assert_eq!(whole.len(), 4);
        assert!(
            whole.iter().all(|f| f.2),
            "every frame of one chunk is a view of it"
        );
        assert_eq!(whole[0].1, big);
        for step in [1, 3, 4, 5, 7, 4096, 32768, 39_999] {
            let chunks: Vec<&[u8]> = stream.chunks(step).collect();
            let got = frames(&chunks, 1 << 20);
            let plain: Vec<_> = got.iter().map(|f| (f.0, f.1.clone())).collect();
            let want: Vec<_> = whole.iter().map(|f| (f.0, f.1.clone())).collect();
            assert_eq!(plain, want, "chunks of {step}");
        }
        // Two chunks cut inside the first frame: it is gathered, the rest are views.
        let got = frames(&[&stream[..10], &stream[10..]], 1 << 20);
        assert_eq!(
            got.iter().map(|f| f.2).collect::<Vec<_>>(),
            [false, true, true, true]
        );
    }

    #[test]
    fn a_gathered_packet_s_buffer_is_freed_once_it_is_handed_out() {
        let big = frame(103, &[7u8; 40_000]);
        let mut framer = Framer::default();
        let (mut a, mut b) = (0, 0);
        assert!(framer.next(&big[..1000], &mut a, 1 << 20).is_none());
        assert!(framer.cut.capacity() >= 1000, "the cut start is held");
        let got = framer.next(&big[1000..], &mut b, 1 << 20);
        assert!(matches!(got, Some(Frame::Packet(103, body)) if body.len() == 40_000));
        // The chunk is used up; the next call (the feed loop's last) frees it.
        assert!(framer.next(&big[1000..], &mut b, 1 << 20).is_none());
        assert_eq!(framer.cut.capacity(), 0);
    }

    #[test]
    fn too_long_is_reported_with_its_type_once_the_type_arrives() {
        let long = frame(3, &[0u8; 100]);
        assert_eq!(
            frames(&[&long[..4], &long[4..]], 50),
            [(3, 101u32.to_be_bytes().to_vec(), false)]
        );
        assert_eq!(frames(&[&long[..2], &long[2..3], &long[3..]], 50)[0].0, 3);
        assert!(frames(&[&long[..4]], 50).is_empty(), "no type byte yet");
    }
}
