//! SFTP packet framing: `uint32 length, byte type, ...` over a byte
//! stream. A packet that lies whole in the chunk being fed is handed out
//! from that chunk, so its data can reach JS as a view of the chunk with no
//! copy; only a packet cut by a chunk's end is gathered here, and at most
//! one of the allowed size is held.
//!
//! A client's DATA reply is the exception: a 32 KiB read's reply never lies
//! whole in one 32 KiB channel packet, and gathering it would copy every
//! downloaded byte once more. Once its head (length, type, id, data length)
//! is in, its data is handed out in parts as the chunks bring it, each a
//! slice of its chunk, for the reader to copy straight to where it goes.

use super::res;
use crate::wire::Reader;

/// What the framer found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A whole packet: its type and the bytes after the type.
    Packet(u8, &'a [u8]),
    /// A packet longer than allowed: its declared length (type included)
    /// and its type, which decides the error before the handshake.
    TooLong(usize, u8),
    /// Part of a DATA reply that a chunk's end cut: the reply's id, the
    /// length of its data, the next bytes of that data, and whether they
    /// are the last. The parts of one reply come one after the other, with
    /// no other frame between them.
    DataPart {
        id: u32,
        total: usize,
        part: &'a [u8],
        last: bool,
    },
}

/// The bytes of a DATA reply's head: length, type, id, data length.
const DATA_HEAD: usize = 4 + 1 + 4 + 4;

/// A DATA reply being handed out in parts.
struct Passing {
    id: u32,
    total: usize,
    /// Data bytes not yet handed out.
    data_left: usize,
    /// Bytes after the data, inside the packet, still to skip (DATA's
    /// decoding ignores them too).
    skip_left: usize,
}

#[derive(Default)]
pub struct Framer {
    /// The start of a packet that an earlier chunk cut off.
    cut: Vec<u8>,
    /// `cut` holds a whole packet, handed out by the last `next`.
    handed_out: bool,
    /// The DATA reply whose parts are being handed out.
    passing: Option<Passing>,
}

impl Framer {
    /// The next frame from what was cut off before and `chunk[*at..]`;
    /// `*at` moves past the bytes used. None once the chunk is used up,
    /// its tail kept for the next chunk. A zero-length frame, too short to
    /// hold a type, comes back as a `Packet` of type 0 with no body, which
    /// no handler accepts. With `pass_data` (a client past the handshake),
    /// a cut DATA reply comes as `DataPart`s.
    pub fn next<'a>(
        &'a mut self,
        chunk: &'a [u8],
        at: &mut usize,
        max: usize,
        pass_data: bool,
    ) -> Option<Frame<'a>> {
        if let Some(p) = &mut self.passing {
            let rest = &chunk[*at..];
            if p.data_left > 0 {
                if rest.is_empty() {
                    return None;
                }
                let n = p.data_left.min(rest.len());
                p.data_left -= n;
                *at += n;
                let (id, total, last) = (p.id, p.total, p.data_left == 0);
                if last && p.skip_left == 0 {
                    self.passing = None;
                }
                return Some(Frame::DataPart {
                    id,
                    total,
                    part: &rest[..n],
                    last,
                });
            }
            let n = p.skip_left.min(rest.len());
            p.skip_left -= n;
            *at += n;
            if p.skip_left > 0 {
                return None;
            }
            self.passing = None;
        }
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
                } else if pass_data && self.start_passing(len, rest) {
                    *at += DATA_HEAD;
                    return self.next(chunk, at, max, pass_data);
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
        // (A DATA packet shorter than its head is gathered: malformed.)
        if pass_data && 4 + len > DATA_HEAD {
            self.take_up_to(5, chunk, at);
            if self.cut.get(4) == Some(&res::DATA) {
                self.take_up_to(DATA_HEAD, chunk, at);
                if self.cut.len() < DATA_HEAD {
                    return None;
                }
                let head = std::mem::take(&mut self.cut);
                if self.start_passing(len, &head) {
                    return self.next(chunk, at, max, pass_data);
                }
                self.cut = head;
            }
        }
        self.take_up_to(4 + len, chunk, at);
        if self.cut.len() < 4 + len {
            return None;
        }
        self.handed_out = true;
        Some(packet(&self.cut[4..]))
    }

    /// Starts handing out the DATA reply whose packet (of declared length
    /// `len`) starts `head`, when `head` holds its head and its data fits in
    /// it. Anything else (no data, a data length beyond the packet) is
    /// gathered as before, for decoding to accept or refuse.
    fn start_passing(&mut self, len: usize, head: &[u8]) -> bool {
        if head.len() < DATA_HEAD || head[4] != res::DATA {
            return false;
        }
        let mut r = Reader::new(&head[5..DATA_HEAD]);
        let (Ok(id), Ok(total)) = (r.u32(), r.u32()) else {
            return false;
        };
        let total = total as usize;
        let Some(skip) = len.checked_sub(DATA_HEAD - 4 + total) else {
            return false;
        };
        if total == 0 {
            return false;
        }
        self.passing = Some(Passing {
            id,
            total,
            data_left: total,
            skip_left: skip,
        });
        true
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
        self.passing = None;
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
            while let Some(f) = framer.next(chunk, &mut at, max, false) {
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
                    Frame::DataPart { .. } => panic!("no parts without pass_data"),
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
        assert!(framer.next(&big[..1000], &mut a, 1 << 20, false).is_none());
        assert!(framer.cut.capacity() >= 1000, "the cut start is held");
        let got = framer.next(&big[1000..], &mut b, 1 << 20, false);
        assert!(matches!(got, Some(Frame::Packet(103, body)) if body.len() == 40_000));
        // The chunk is used up; the next call (the feed loop's last) frees it.
        assert!(framer.next(&big[1000..], &mut b, 1 << 20, false).is_none());
        assert_eq!(framer.cut.capacity(), 0);
    }

    /// A DATA packet: id, data, then `extra` bytes inside the packet.
    fn data_reply(id: u32, data: &[u8], extra: &[u8]) -> Vec<u8> {
        let body = [
            &id.to_be_bytes()[..],
            &(data.len() as u32).to_be_bytes(),
            data,
            extra,
        ]
        .concat();
        frame(res::DATA, &body)
    }

    /// Feeds `chunks` to a client framer past its handshake; each frame as
    /// (type, body, passed in parts), a DATA reply's body as its id and
    /// data however it came. Every part must be a slice of its chunk.
    fn passed(chunks: &[&[u8]]) -> Vec<(u8, Vec<u8>, bool)> {
        let mut framer = Framer::default();
        let mut out = Vec::new();
        let mut joined: Option<(u32, usize, Vec<u8>)> = None;
        for chunk in chunks {
            let mut at = 0;
            while let Some(f) = framer.next(chunk, &mut at, 1 << 20, true) {
                match f {
                    Frame::Packet(res::DATA, body) if body.len() >= 8 => {
                        let n = u32::from_be_bytes(body[4..8].try_into().unwrap()) as usize;
                        let data = body.get(8..8 + n).unwrap_or(b"malformed");
                        out.push((res::DATA, [&body[..4], data].concat(), false));
                    }
                    Frame::Packet(t, body) => {
                        assert!(joined.is_none(), "nothing comes between parts");
                        out.push((t, body.to_vec(), false));
                    }
                    Frame::DataPart {
                        id,
                        total,
                        part,
                        last,
                    } => {
                        assert!(!part.is_empty(), "no empty parts");
                        assert!(chunk.as_ptr_range().contains(&part.as_ptr()));
                        let j = joined.get_or_insert((id, total, Vec::new()));
                        assert_eq!((j.0, j.1), (id, total), "one reply at a time");
                        j.2.extend_from_slice(part);
                        assert_eq!(last, j.2.len() == total, "last means complete");
                        if last {
                            let (id, _, data) = joined.take().unwrap();
                            out.push((res::DATA, [&id.to_be_bytes()[..], &data].concat(), true));
                        }
                    }
                    Frame::TooLong(..) => panic!("nothing too long here"),
                }
            }
            assert_eq!(at, chunk.len(), "a chunk is always used up");
        }
        out
    }

    #[test]
    fn a_cut_data_reply_passes_in_parts_byte_exact_at_every_cut() {
        let a: Vec<u8> = (0..700u32).map(|i| (i * 7) as u8).collect();
        let b: Vec<u8> = (0..300u32).map(|i| (i * 13) as u8).collect();
        let stream = [
            data_reply(5, &a, b""),
            frame(101, b"status"),
            // Bytes after the data, inside the packet, are skipped.
            data_reply(6, &b, b"extra"),
            data_reply(7, &b, b""),
        ]
        .concat();
        let id_data = |id: u32, d: &[u8]| [&id.to_be_bytes()[..], d].concat();
        let want = [
            (res::DATA, id_data(5, &a)),
            (101, b"status".to_vec()),
            (res::DATA, id_data(6, &b)),
            (res::DATA, id_data(7, &b)),
        ];
        let plain = |got: &[(u8, Vec<u8>, bool)]| -> Vec<(u8, Vec<u8>)> {
            got.iter().map(|f| (f.0, f.1.clone())).collect()
        };
        let whole = passed(&[&stream]);
        assert_eq!(plain(&whole), want);
        assert!(whole.iter().all(|f| !f.2), "whole packets are not passed");
        let first = data_reply(5, &a, b"").len();
        for cut in 1..stream.len() {
            for second in [cut, cut + 1, cut + 17, stream.len()] {
                let second = second.min(stream.len());
                let chunks = [&stream[..cut], &stream[cut..second], &stream[second..]];
                let got = passed(&chunks);
                assert_eq!(plain(&got), want, "cut at {cut} and {second}");
                // The first reply's head whole in the first chunk, its data
                // not: passed in parts, not gathered.
                if (DATA_HEAD..first).contains(&cut) {
                    assert!(got[0].2, "cut at {cut}: passed");
                }
            }
        }
        // One byte per chunk: every reply passes.
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        let got = passed(&bytes);
        assert_eq!(plain(&got), want);
        assert_eq!(
            got.iter().map(|f| f.2).collect::<Vec<_>>(),
            [true, false, true, true]
        );
    }

    #[test]
    fn a_data_reply_that_cannot_pass_is_gathered_for_decoding_to_judge() {
        // Its data longer than its packet (here 2^32-1), or none: gathered
        // whole, one byte per chunk as much as in one chunk.
        let mut liar = data_reply(1, &[9u8; 40], b"");
        liar[9..13].copy_from_slice(&u32::MAX.to_be_bytes());
        let empty = data_reply(2, b"", b"trailing");
        for p in [&liar, &empty] {
            let gathered = passed(&[p]);
            assert!(!gathered[0].2);
            let bytes: Vec<&[u8]> = p.chunks(1).collect();
            assert_eq!(passed(&bytes), gathered);
            assert_eq!(passed(&[&p[..20], &p[20..]]), gathered);
        }
        // Without pass_data (a server, or before the handshake) nothing passes.
        let ok = data_reply(3, &[1u8; 100], b"");
        let got = frames(&[&ok[..50], &ok[50..]], 1 << 20);
        assert_eq!(got, [(res::DATA, ok[5..].to_vec(), false)]);
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
