//! Received bytes: the identification lines, then packets. Three entry
//! points take input (`feed` copies it into the transport's own buffer;
//! `feed_in_place` and `feed_into` open packets where the caller's buffer
//! holds them, so payloads reach JS without a copy); all of them end in
//! `open_packets`, which opens each whole packet and hands it to `handle`.

use super::fault::{fault, reason, FaultLevel};
use super::{Event, Report, Transport};
use crate::transport::ident::IdentReader;
use crate::transport::quirks::{bugs_of, Bugs};
use bytes::{Buf, BytesMut};

impl Transport {
    /// Processes received bytes, calling `on_event` for each event.
    pub fn feed(&mut self, mut data: &[u8], on_event: &mut dyn FnMut(Event<'_>)) {
        self.report_exhausted(on_event);
        if self.dead {
            return;
        }
        if !self.header_done {
            match self.ident.feed(data) {
                Err(e) => {
                    self.dead = true;
                    on_event(Event::Report(Report::Fatal {
                        message: e.message().to_owned(),
                        level: FaultLevel::Protocol,
                    }));
                    return;
                }
                Ok((used, header)) => {
                    data = &data[used..];
                    let Some(header) = header else { return };
                    self.header_done = true;
                    // The reader's buffers (a greeting may be 64 KiB) are
                    // not needed again.
                    self.ident = IdentReader::new(self.cfg.server);
                    self.remote_ident = Some(header.ident_raw.clone());
                    self.peer_bad_dhgex = bugs_of(&header.software).contains(Bugs::BAD_DHGEX);
                    on_event(Event::Report(Report::Header(header)));
                    if self.dead {
                        return;
                    }
                    self.start_kex();
                }
            }
        }
        self.inbuf.extend_from_slice(data);
        self.input_copied += data.len() as u64;
        let mut inbuf = std::mem::take(&mut self.inbuf);
        let pos = self.open_packets(&mut inbuf, None, on_event);
        if !self.dead {
            inbuf.advance(pos.min(inbuf.len()));
            self.inbuf = inbuf;
            self.free_empty_inbuf();
        }
    }

    /// Gives back the partial-packet buffer once nothing is held in it:
    /// it grows to a whole packet (35 KB and more), and an idle connection
    /// would otherwise keep that for its lifetime. Holding a partial
    /// packet again costs one allocation, next to copying it.
    fn free_empty_inbuf(&mut self) {
        if self.inbuf.is_empty() && self.inbuf.capacity() > 0 {
            self.inbuf = BytesMut::new();
        }
    }

    /// Whether `feed_in_place` may be used: the identification lines are
    /// done (they are parsed from `feed`'s input as it comes).
    pub fn past_ident(&self) -> bool {
        self.header_done && !self.dead
    }

    /// The received bytes of a packet not yet complete: the caller copies
    /// them, then new input, into a buffer for `feed_in_place`, and calls
    /// `clear_partial`.
    pub fn partial(&self) -> &[u8] {
        &self.inbuf
    }

    /// Forgets the partial packet once the caller has copied it, and
    /// frees its buffer (`free_empty_inbuf`).
    pub fn clear_partial(&mut self) {
        self.input_copied += self.inbuf.len() as u64;
        self.inbuf.clear();
        self.free_empty_inbuf();
    }

    /// The length on the wire of the packet `partial()` begins, when its
    /// length field can be read (None also when nothing is held).
    pub fn partial_total(&self) -> Option<usize> {
        if self.dead || self.inbuf.is_empty() {
            return None;
        }
        self.opener.peek_total(&self.inbuf)
    }

    /// Counts received bytes the caller copied to open them in place.
    pub fn count_input_copied(&mut self, n: usize) {
        self.input_copied += n as u64;
    }

    /// When a partial packet is held whose length is known and `chunk`
    /// does not complete it, appends `chunk` and returns true: there is
    /// nothing to open yet. Otherwise returns false and leaves everything
    /// as it was (the caller goes on with `feed_in_place`). Without this, a
    /// 35 KB packet fed one byte at a time was copied whole on each byte.
    pub fn hold(&mut self, chunk: &[u8]) -> bool {
        match self.partial_total() {
            Some(total) if self.inbuf.len() + chunk.len() < total => {
                self.inbuf.extend_from_slice(chunk);
                self.input_copied += chunk.len() as u64;
                true
            }
            _ => false,
        }
    }

    /// Like `feed`, for a buffer that is `partial()` followed by new
    /// input, owned by the caller: packets are decrypted where they lie, so
    /// the payloads the events borrow are slices of `buf` (lib/ssh.js hands
    /// channel data out as views of it, without a copy).
    pub fn feed_in_place(&mut self, buf: &mut [u8], on_event: &mut dyn FnMut(Event<'_>)) {
        self.open_whole(buf, None, on_event);
    }

    /// Like `feed_in_place`, with nothing held back (`partial()` was
    /// empty): the input `src` is opened into `dst`, a buffer of the same
    /// length, which afterwards holds what `feed_in_place` would have left
    /// in it. Packets are decrypted from `src` straight into `dst`; from
    /// the first one that cannot be (`Opener::opens_out_of_place`: a
    /// cleartext packet before the first NEWKEYS) on, the rest is copied
    /// over and opened in place.
    pub fn feed_into(&mut self, src: &[u8], dst: &mut [u8], on_event: &mut dyn FnMut(Event<'_>)) {
        debug_assert!(src.len() == dst.len());
        self.open_whole(dst, Some(src), on_event);
    }

    /// `feed_in_place` and `feed_into`: opens what it can and keeps the
    /// rest as the held-back partial packet, taken from `buf` (a CBC/CTR
    /// packet's first block may already be decrypted there).
    fn open_whole(
        &mut self,
        buf: &mut [u8],
        src: Option<&[u8]>,
        on_event: &mut dyn FnMut(Event<'_>),
    ) {
        debug_assert!(self.inbuf.is_empty());
        let pos = self.open_packets(buf, src, on_event);
        if !self.dead {
            let rest = &buf[pos.min(buf.len())..];
            self.inbuf.extend_from_slice(rest);
            self.input_copied += rest.len() as u64;
        }
    }

    /// Opens and handles each whole packet at the front of `inbuf`; returns
    /// how many bytes they took. With `src`, the packets are read from it
    /// and `inbuf` is where they are opened: every byte of `inbuf` is
    /// written by the time this returns (the caller hands it to JS).
    fn open_packets(
        &mut self,
        inbuf: &mut [u8],
        src: Option<&[u8]>,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> usize {
        let mut pos = 0;
        // Whether inbuf[pos..] holds the input (always, without src).
        let mut copied = src.is_none();
        loop {
            if self.dead {
                break;
            }
            let result = match src {
                Some(src) if !copied && self.opener.opens_out_of_place() => {
                    self.opener.open_from(&src[pos..], &mut inbuf[pos..])
                }
                _ => {
                    if let (Some(src), false) = (src, copied) {
                        inbuf[pos..].copy_from_slice(&src[pos..]);
                        copied = true;
                    }
                    self.opener.open(&mut inbuf[pos..])
                }
            };
            let opened = match result {
                Ok(Some(o)) => o,
                Ok(None) => break,
                Err(e) => {
                    let f = fault(e.message, FaultLevel::Protocol, e.disconnect);
                    self.fail(f, on_event);
                    break;
                }
            };
            let start = pos + opened.payload.start;
            let end = pos + opened.payload.end;
            pos += opened.consumed;
            self.packets_in += 1;
            self.bytes_in_keying += opened.consumed as u64;
            let result = match self.inflate.as_mut() {
                None => self.handle(&inbuf[start..end], on_event),
                Some(inflater) => match inflater.decompress(&inbuf[start..end]) {
                    Some(payload) => self.handle(&payload, on_event),
                    None => Err(fault(
                        "Bad compressed data",
                        FaultLevel::Protocol,
                        Some(reason::COMPRESSION_ERROR),
                    )),
                },
            };
            if let Err(f) = result {
                self.fail(f, on_event);
                break;
            }
            self.report_exhausted(on_event);
            // Received enough under these keys: start a key exchange.
            if self.rekey_due(0) {
                self.start_kex();
            }
        }
        if let (Some(src), false) = (src, copied) {
            // After what `open_from` already wrote of a packet cut short.
            let from = (pos + self.opener.decrypted_prefix()).min(src.len());
            inbuf[from..].copy_from_slice(&src[from..]);
        }
        pos
    }
}
