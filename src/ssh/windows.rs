//! Flow control of the channels this side opened or confirmed: how much
//! data the peer may still send on each (the window we granted) and in how
//! large a packet. A peer that ignores them is cut off the way OpenSSH does
//! it (channels.c): up to a tenth of the window in excess is tolerated, more
//! ends the connection; a packet above the agreed size is a protocol error.
//!
//! Data after the peer's EOF on a channel ends the connection too: RFC 4254
//! 5.3 has the peer send nothing more after it, and ssh2@0.8's channel
//! pushed such data onto its ended stream, an ERR_STREAM_PUSH_AFTER_EOF
//! uncaught in the app (issue 16). OpenSSH ends the connection on extended
//! data after EOF and drops plain data; here both end it.
//!
//! Channels we never opened or confirmed (0.4.10 let apps send on any
//! number) are not tracked and pass unchecked.

use super::message::Message;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy)]
struct Channel {
    remote: Option<u32>,
    window: u64,
    max_window: u64,
    max_packet: u32,
    excess: u64,
    eof: bool,
}

/// A channel's flow control broken by the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowError {
    PacketTooLarge { channel: u32, len: usize, max: u32 },
    WindowIgnored { channel: u32 },
    DataAfterEof { channel: u32 },
}

impl std::fmt::Display for WindowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WindowError::PacketTooLarge { channel, len, max } => {
                write!(f, "Channel {channel}: data packet of {len} bytes exceeds the agreed maximum of {max}")
            }
            WindowError::WindowIgnored { channel } => {
                write!(f, "Channel {channel}: peer ignored channel window")
            }
            WindowError::DataAfterEof { channel } => {
                write!(f, "Channel {channel}: data after EOF")
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct ChannelWindows {
    /// By our (local) channel number.
    channels: HashMap<u32, Channel>,
}

impl ChannelWindows {
    /// Notes what an outgoing message grants: a window and packet size for
    /// a channel we open or confirm, more window, or the end of a channel.
    pub fn sent(&mut self, msg: &Message<'_>) {
        match msg {
            Message::ChannelOpen(o) => self.track(o.sender, None, o.window, o.max_packet),
            Message::ChannelOpenConfirmation(c) => {
                self.track(c.sender, Some(c.recipient), c.window, c.max_packet)
            }
            Message::ChannelWindowAdjust { recipient, bytes } => {
                if let Some(ch) = self.by_remote(*recipient) {
                    ch.window += u64::from(*bytes);
                    ch.max_window = ch.max_window.max(ch.window);
                }
            }
            _ => {}
        }
    }

    /// Checks an incoming message against the flow control we granted.
    pub fn received(&mut self, msg: &Message<'_>) -> Result<(), WindowError> {
        match msg {
            Message::ChannelOpenConfirmation(c) => {
                if let Some(ch) = self.channels.get_mut(&c.recipient) {
                    ch.remote = Some(c.sender);
                }
                Ok(())
            }
            // Ends only an open of ours still waiting for its answer: a
            // failure for an open channel is bogus, and forgetting the
            // channel would let data after its EOF through.
            Message::ChannelOpenFailure(f) => {
                if self
                    .channels
                    .get(&f.recipient)
                    .is_some_and(|ch| ch.remote.is_none())
                {
                    self.forget(f.recipient);
                }
                Ok(())
            }
            Message::ChannelData { recipient, data }
            | Message::ChannelExtendedData {
                recipient, data, ..
            } => self.consume(*recipient, data.len()),
            Message::ChannelEof(local) => {
                if let Some(ch) = self.channels.get_mut(local) {
                    ch.eof = true;
                }
                Ok(())
            }
            Message::ChannelClose(local) => {
                self.forget(*local);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Drops a channel; the table's memory goes with the last one (a
    /// connection that once had many channels may then idle for days).
    fn forget(&mut self, local: u32) {
        self.channels.remove(&local);
        if self.channels.is_empty() {
            self.channels = HashMap::new();
        }
    }

    fn track(&mut self, local: u32, remote: Option<u32>, window: u32, max_packet: u32) {
        let window = u64::from(window);
        self.channels.insert(
            local,
            Channel {
                remote,
                window,
                max_window: window,
                max_packet,
                excess: 0,
                eof: false,
            },
        );
    }

    fn by_remote(&mut self, remote: u32) -> Option<&mut Channel> {
        self.channels
            .values_mut()
            .find(|ch| ch.remote == Some(remote))
    }

    fn consume(&mut self, local: u32, len: usize) -> Result<(), WindowError> {
        let Some(ch) = self.channels.get_mut(&local) else {
            return Ok(());
        };
        if ch.eof {
            return Err(WindowError::DataAfterEof { channel: local });
        }
        if len > ch.max_packet as usize {
            return Err(WindowError::PacketTooLarge {
                channel: local,
                len,
                max: ch.max_packet,
            });
        }
        let len = len as u64;
        if len > ch.window {
            ch.excess += len - ch.window;
            ch.window = 0;
            if ch.excess > ch.max_window / 10 {
                return Err(WindowError::WindowIgnored { channel: local });
            }
        } else {
            ch.window -= len;
            ch.excess = 0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssh::channel::{
        ChannelOpen, ChannelOpenConfirmation, ChannelOpenData, ChannelOpenFailure,
    };

    fn data(recipient: u32, len: usize) -> Message<'static> {
        static ZEROS: [u8; 70000] = [0; 70000];
        Message::ChannelData {
            recipient,
            data: &ZEROS[..len],
        }
    }

    fn confirmed(local: u32, remote: u32, window: u32, max_packet: u32) -> ChannelWindows {
        let mut w = ChannelWindows::default();
        w.sent(&Message::ChannelOpenConfirmation(ChannelOpenConfirmation {
            recipient: remote,
            sender: local,
            window,
            max_packet,
            extra: &[],
        }));
        w
    }

    #[test]
    fn data_or_extended_data_after_the_peers_eof_is_an_error() {
        for extended in [false, true] {
            let mut w = confirmed(1, 100, 1000, 500);
            assert_eq!(w.received(&data(1, 10)), Ok(()));
            assert_eq!(w.received(&Message::ChannelEof(1)), Ok(()));
            let after = if extended {
                Message::ChannelExtendedData {
                    recipient: 1,
                    data_type: 1,
                    data: b"late",
                }
            } else {
                data(1, 4)
            };
            assert_eq!(
                w.received(&after),
                Err(WindowError::DataAfterEof { channel: 1 })
            );
        }
        // A bogus OPEN_FAILURE for the open channel does not make it forget.
        let mut w = confirmed(1, 100, 1000, 500);
        assert_eq!(w.received(&Message::ChannelEof(1)), Ok(()));
        assert_eq!(
            w.received(&Message::ChannelOpenFailure(ChannelOpenFailure {
                recipient: 1,
                reason: 1,
                description: "".into(),
                lang: "".into(),
            })),
            Ok(())
        );
        assert_eq!(
            w.received(&data(1, 4)),
            Err(WindowError::DataAfterEof { channel: 1 })
        );
        // EOF on a channel we do not track changes nothing.
        let mut w = confirmed(1, 100, 1000, 500);
        assert_eq!(w.received(&Message::ChannelEof(7)), Ok(()));
        assert_eq!(w.received(&data(1, 4)), Ok(()));
    }

    #[test]
    fn data_within_the_window_passes_and_adjusts_reopen_it() {
        let mut w = confirmed(1, 100, 1000, 500);
        for _ in 0..2 {
            assert_eq!(w.received(&data(1, 500)), Ok(()));
        }
        w.sent(&Message::ChannelWindowAdjust {
            recipient: 100,
            bytes: 1000,
        });
        for _ in 0..2 {
            assert_eq!(w.received(&data(1, 500)), Ok(()));
        }
    }

    #[test]
    fn a_tenth_in_excess_is_tolerated_more_ends_it() {
        let mut w = confirmed(1, 100, 1000, 1000);
        assert_eq!(w.received(&data(1, 1000)), Ok(()));
        assert_eq!(w.received(&data(1, 100)), Ok(()));
        assert_eq!(
            w.received(&data(1, 1)),
            Err(WindowError::WindowIgnored { channel: 1 })
        );
    }

    #[test]
    fn a_packet_above_the_maximum_is_refused() {
        let mut w = confirmed(7, 100, 1 << 20, 32768);
        let err = w.received(&data(7, 32769)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Channel 7: data packet of 32769 bytes exceeds the agreed maximum of 32768"
        );
    }

    #[test]
    fn our_own_opens_count_from_the_open_and_closed_channels_are_forgotten() {
        let mut w = ChannelWindows::default();
        w.sent(&Message::ChannelOpen(ChannelOpen {
            channel_type: "session".into(),
            sender: 3,
            window: 100,
            max_packet: 100,
            data: ChannelOpenData::None,
        }));
        assert!(w.received(&data(3, 200)).is_err());
        w.received(&Message::ChannelClose(3)).unwrap();
        // Untracked now, like a channel never opened: unchecked, as in 0.4.10.
        assert_eq!(w.received(&data(3, 60000)), Ok(()));
        assert_eq!(w.received(&data(42, 60000)), Ok(()));
    }

    #[test]
    fn the_table_is_freed_when_its_last_channel_closes() {
        let mut w = ChannelWindows::default();
        for local in 0..100 {
            w.sent(&Message::ChannelOpenConfirmation(ChannelOpenConfirmation {
                recipient: 1000 + local,
                sender: local,
                window: 100,
                max_packet: 100,
                extra: &[],
            }));
        }
        for local in 0..99 {
            w.received(&Message::ChannelClose(local)).unwrap();
        }
        assert!(w.channels.capacity() >= 1, "one channel is still open");
        w.received(&Message::ChannelClose(99)).unwrap();
        assert_eq!(w.channels.capacity(), 0);
    }
}
