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
//! A server's WRITE request is the same the other way (`WriteHead`, then
//! the parts): ssh2's client sends a WRITE's head and its 32 KiB of data as
//! two channel packets, so its data arrives whole in one chunk and can reach
//! the app as a view of it, with no copy at all.

use super::{req, res};
use crate::wire::Reader;

/// Which packets a framer hands out in parts when a chunk's end cuts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Nothing,
    /// A client's DATA replies.
    DataReplies,
    /// A server's WRITE requests.
    WriteRequests,
}

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
    /// Also the parts of a WRITE request, after its `WriteHead`.
    DataPart {
        id: u32,
        total: usize,
        part: &'a [u8],
        last: bool,
    },
    /// The head of a WRITE request that a chunk's end cut: its id, handle,
    /// offset and the length of its data, which follows as `DataPart`s.
    WriteHead {
        id: u32,
        handle: &'a [u8],
        offset: u64,
        total: usize,
    },
}

/// The bytes of a DATA reply's head: length, type, id, data length.
const DATA_HEAD: usize = 4 + 1 + 4 + 4;
/// A WRITE request's head up to its handle: length, type, id, handle length.
const WRITE_HEAD_START: usize = 4 + 1 + 4 + 4;
/// And after the handle: offset, data length.
const WRITE_HEAD_END: usize = 8 + 4;

/// What the start of a packet says about handing it out in parts.
enum Head<'h> {
    /// It passes: its head is `len` bytes long (length field included).
    Passes {
        len: usize,
        passing: Passing,
        write: Option<(&'h [u8], u64)>,
    },
    /// This many bytes (length field included) are needed to tell.
    Needs(usize),
    /// It is gathered whole, for decoding to accept or refuse.
    Gathered,
}

/// Reads the head of the packet of declared length `len` that `b` starts.
/// A packet of another type, with no data, or whose head or data would
/// reach past its end, is gathered.
fn head(pass: Pass, len: usize, b: &[u8]) -> Head<'_> {
    let want = match pass {
        Pass::Nothing => return Head::Gathered,
        Pass::DataReplies => (res::DATA, DATA_HEAD),
        Pass::WriteRequests => (req::WRITE, WRITE_HEAD_START),
    };
    if b.len() < 5 {
        return Head::Needs(5);
    }
    if b[4] != want.0 {
        return Head::Gathered;
    }
    let mut need = want.1;
    if b.len() < need {
        return Head::Needs(need);
    }
    let mut r = Reader::new(&b[5..need]);
    let (Ok(id), Ok(n)) = (r.u32(), r.u32()) else {
        return Head::Gathered;
    };
    let mut write = None;
    let mut total = n as usize;
    if pass == Pass::WriteRequests {
        // `n` is the handle's length; the head goes on after the handle.
        need = match need.checked_add(total + WRITE_HEAD_END) {
            Some(end) if end <= 4 + len => end,
            _ => return Head::Gathered,
        };
        if b.len() < need {
            return Head::Needs(need);
        }
        let handle = &b[WRITE_HEAD_START..WRITE_HEAD_START + total];
        let mut r = Reader::new(&b[need - WRITE_HEAD_END..need]);
        let (Ok(offset), Ok(n)) = (r.u64(), r.u32()) else {
            return Head::Gathered;
        };
        write = Some((handle, offset));
        total = n as usize;
    }
    let Some(skip) = (4 + len).checked_sub(need + total) else {
        return Head::Gathered;
    };
    if total == 0 {
        return Head::Gathered;
    }
    Head::Passes {
        len: need,
        passing: Passing {
            id,
            total,
            data_left: total,
            skip_left: skip,
        },
        write,
    }
}

/// A DATA reply or WRITE request being handed out in parts.
struct Passing {
    id: u32,
    total: usize,
    /// Data bytes not yet handed out.
    data_left: usize,
    /// Bytes after the data, inside the packet, still to skip (decoding
    /// ignores them too).
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
    /// no handler accepts. `pass`: which packets a chunk's end cuts are
    /// handed out in parts (a client's DATA replies or a server's WRITE
    /// requests, past the handshake).
    pub fn next<'a>(
        &'a mut self,
        chunk: &'a [u8],
        at: &mut usize,
        max: usize,
        pass: Pass,
    ) -> Option<Frame<'a>> {
        if self.handed_out {
            // Freed, not cleared: a cut packet may be the largest allowed,
            // and an idle session would keep its buffer for good.
            self.cut = Vec::new();
            self.handed_out = false;
        }
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
                } else if let Head::Passes {
                    len: head_len,
                    passing,
                    write,
                } = head(pass, len, rest)
                {
                    *at += head_len;
                    return self.start_passing(passing, write, chunk, at, max, pass);
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
        // The head of a packet that may pass, as far as it takes to tell.
        loop {
            match head(pass, len, &self.cut) {
                Head::Needs(n) if n <= 4 + len => {
                    self.take_up_to(n, chunk, at);
                    if self.cut.len() < n {
                        return None;
                    }
                }
                Head::Passes { passing, write, .. } => {
                    // `cut` holds the head and nothing more: the data is
                    // in the chunk.
                    let Some((handle, offset)) = write else {
                        self.cut = Vec::new();
                        return self.start_passing(passing, None, chunk, at, max, pass);
                    };
                    // A WRITE's handle borrows `cut`; the next call frees it.
                    let (id, total, handle_len) = (passing.id, passing.total, handle.len());
                    self.passing = Some(passing);
                    self.handed_out = true;
                    return Some(Frame::WriteHead {
                        id,
                        handle: &self.cut[WRITE_HEAD_START..WRITE_HEAD_START + handle_len],
                        offset,
                        total,
                    });
                }
                _ => break,
            }
        }
        self.take_up_to(4 + len, chunk, at);
        if self.cut.len() < 4 + len {
            return None;
        }
        self.handed_out = true;
        Some(packet(&self.cut[4..]))
    }

    /// Hands out a packet in parts from `chunk[*at..]`, where its data
    /// starts: a WRITE's head first (`write`: its handle, a slice of the
    /// chunk, and offset), else the first part of a DATA reply.
    fn start_passing<'a>(
        &'a mut self,
        passing: Passing,
        write: Option<(&'a [u8], u64)>,
        chunk: &'a [u8],
        at: &mut usize,
        max: usize,
        pass: Pass,
    ) -> Option<Frame<'a>> {
        let (id, total) = (passing.id, passing.total);
        self.passing = Some(passing);
        match write {
            Some((handle, offset)) => Some(Frame::WriteHead {
                id,
                handle,
                offset,
                total,
            }),
            None => self.next(chunk, at, max, pass),
        }
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
#[path = "frame_tests.rs"]
mod tests;
