//! Received bytes in. Packets are opened in a buffer the caller chooses
//! (the binding gives a Node Buffer, so channel data reaches JS as views
//! of it without a copy), in two steps: `receive` says whether a buffer is
//! needed and how long, `receive_into` opens the packets in it. `feed`
//! does both with a buffer of its own.

use super::{Connection, Event};

/// What `receive` did with a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receive {
    /// Taken whole: identification lines, or a piece of a packet still
    /// incomplete (held, with nothing to open yet).
    Taken,
    /// Call `receive_into` with the same chunk and a buffer this long.
    NeedsBuffer(usize),
}

impl Connection {
    /// Step one for a received chunk. Before the identification lines are
    /// done they are read here (reporting their events); a chunk that only
    /// extends a packet still arriving is appended to it (a 35 KB packet
    /// fed a byte at a time is copied once, not once per byte).
    pub fn receive(&mut self, chunk: &[u8], on_event: &mut dyn FnMut(Event<'_>)) -> Receive {
        if !self.transport.past_ident() {
            self.drive(on_event, |t, h| t.feed(chunk, h));
            return Receive::Taken;
        }
        if self.transport.hold(chunk) {
            return Receive::Taken;
        }
        Receive::NeedsBuffer(self.transport.partial().len() + chunk.len())
    }

    /// Step two: opens the packets of `chunk` (after what was held back) in
    /// `buf`, of the length `receive` asked for. Payloads, and the slices
    /// of the messages reported, point into `buf`. Afterwards every byte
    /// of `buf` is written. Packets are decrypted from `chunk` straight
    /// into `buf`, except the one held back in part: that one is copied in
    /// (the held part and its rest from `chunk`) and opened in place. In a
    /// bulk transfer nearly every chunk begins inside such a packet, and
    /// copying the whole chunk for it cost as much as the copy saved.
    pub fn receive_into(
        &mut self,
        chunk: &[u8],
        buf: &mut [u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) {
        let held = self.transport.partial().len();
        debug_assert_eq!(buf.len(), held + chunk.len());
        if held == 0 {
            self.drive(on_event, |t, h| t.feed_into(chunk, buf, h));
            return;
        }
        // Up to the end of the held packet, when its length can be read
        // (else all of `chunk`, as the packets after it are found only by
        // opening it).
        let cut = match self.transport.partial_total() {
            Some(total) if total > held && total <= buf.len() => total,
            _ => buf.len(),
        };
        let (head, tail) = buf[..cut].split_at_mut(held);
        head.copy_from_slice(self.transport.partial());
        tail.copy_from_slice(&chunk[..cut - held]);
        self.transport.clear_partial();
        self.transport.count_input_copied(cut - held);
        let after = &chunk[cut - held..];
        self.drive(on_event, |t, h| {
            t.feed_in_place(&mut buf[..cut], h);
            if after.is_empty() {
                return;
            }
            let left = t.partial().len();
            if left == 0 && t.past_ident() {
                t.feed_into(after, &mut buf[cut..], h);
                return;
            }
            // The connection ended on that packet (nothing more is opened,
            // but `buf` is still written whole); or, should the packet not
            // have ended where its length said, what it left is opened with
            // the rest in place, as when the length cannot be read.
            buf[cut..].copy_from_slice(after);
            t.count_input_copied(after.len());
            if t.past_ident() {
                t.clear_partial();
                t.feed_in_place(&mut buf[cut - left..], h);
            }
        });
    }

    /// Both steps, in a buffer of the connection's own making.
    pub fn feed(&mut self, chunk: &[u8], on_event: &mut dyn FnMut(Event<'_>)) {
        if let Receive::NeedsBuffer(len) = self.receive(chunk, on_event) {
            let mut buf = vec![0; len];
            self.receive_into(chunk, &mut buf, on_event);
        }
    }
}
