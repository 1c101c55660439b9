//! SFTP packet framing: `uint32 length, byte type, ...` over a byte
//! stream. Buffers at most one packet of the allowed size.

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
    buf: Vec<u8>,
    pos: usize,
}

impl Framer {
    pub fn push(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// The next frame, if a whole one is buffered (or, for one too long,
    /// its length and type). A zero-length frame, too short to hold a type,
    /// comes back as a `Packet` of type 0 with no body, which no handler
    /// accepts.
    pub fn next(&mut self, max: usize) -> Option<Frame<'_>> {
        let avail = &self.buf[self.pos..];
        if avail.len() < 4 {
            self.compact();
            return None;
        }
        let len = u32::from_be_bytes([avail[0], avail[1], avail[2], avail[3]]) as usize;
        if len > max {
            // Waits for the type byte: one byte, never the packet.
            return avail.get(4).map(|&kind| Frame::TooLong(len, kind));
        }
        if avail.len() < 4 + len {
            self.compact();
            return None;
        }
        let start = self.pos + 4;
        self.pos = start + len;
        let packet = &self.buf[start..start + len];
        Some(match packet.split_first() {
            Some((&t, body)) => Frame::Packet(t, body),
            None => Frame::Packet(0, &[]),
        })
    }

    /// Drops consumed bytes once they dominate the buffer, so a stream of
    /// partial packets never grows it past one packet plus one chunk.
    fn compact(&mut self) {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    pub fn clear(&mut self) {
        self.buf = Vec::new();
        self.pos = 0;
    }
}
