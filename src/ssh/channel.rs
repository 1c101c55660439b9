//! Channel messages of RFC 4254 section 5, except requests (channel_request.rs).

use super::error::{Context, DecodeError};
use super::msg;
use crate::wire::{Reader, Writer};
use std::borrow::Cow;

/// The type-specific part of SSH_MSG_CHANNEL_OPEN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelOpenData<'a> {
    /// `session` and `auth-agent@openssh.com` carry nothing.
    None,
    /// `direct-tcpip` (host to connect, originator) and `forwarded-tcpip`
    /// (address that was connected, originator).
    Tcpip {
        dest_addr: Cow<'a, str>,
        dest_port: u32,
        orig_addr: Cow<'a, str>,
        orig_port: u32,
    },
    /// `direct-streamlocal@openssh.com` and `forwarded-streamlocal@openssh.com`.
    StreamLocal { socket_path: Cow<'a, str> },
    /// `x11`: the originator.
    X11 {
        orig_addr: Cow<'a, str>,
        orig_port: u32,
    },
    /// Any other channel type: its fields, raw.
    Other(&'a [u8]),
}

/// SSH_MSG_CHANNEL_OPEN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOpen<'a> {
    pub channel_type: Cow<'a, str>,
    pub sender: u32,
    pub window: u32,
    pub max_packet: u32,
    pub data: ChannelOpenData<'a>,
}

const OPEN: &str = "CHANNEL_OPEN";

impl<'a> ChannelOpen<'a> {
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let channel_type = r.text().ctx(OPEN)?;
        let sender = r.u32().ctx(OPEN)?;
        let window = r.u32().ctx(OPEN)?;
        let max_packet = r.u32().ctx(OPEN)?;
        let data = match &*channel_type {
            "direct-tcpip" | "forwarded-tcpip" => ChannelOpenData::Tcpip {
                dest_addr: r.text().ctx(OPEN)?,
                dest_port: r.u32().ctx(OPEN)?,
                orig_addr: r.text().ctx(OPEN)?,
                orig_port: r.u32().ctx(OPEN)?,
            },
            "direct-streamlocal@openssh.com" | "forwarded-streamlocal@openssh.com" => {
                // A reserved string follows in the direct form; nothing reads it.
                ChannelOpenData::StreamLocal {
                    socket_path: r.text().ctx(OPEN)?,
                }
            }
            "x11" => ChannelOpenData::X11 {
                orig_addr: r.text().ctx(OPEN)?,
                orig_port: r.u32().ctx(OPEN)?,
            },
            "session" | "auth-agent@openssh.com" => ChannelOpenData::None,
            _ => ChannelOpenData::Other(r.take_rest()),
        };
        Ok(ChannelOpen {
            channel_type,
            sender,
            window,
            max_packet,
            data,
        })
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(msg::CHANNEL_OPEN)
            .string(self.channel_type.as_bytes())
            .u32(self.sender)
            .u32(self.window)
            .u32(self.max_packet);
        match &self.data {
            ChannelOpenData::None => {}
            ChannelOpenData::Tcpip {
                dest_addr,
                dest_port,
                orig_addr,
                orig_port,
            } => {
                w.string(dest_addr.as_bytes())
                    .u32(*dest_port)
                    .string(orig_addr.as_bytes())
                    .u32(*orig_port);
            }
            ChannelOpenData::StreamLocal { socket_path } => {
                w.string(socket_path.as_bytes()).string(b"");
            }
            ChannelOpenData::X11 {
                orig_addr,
                orig_port,
            } => {
                w.string(orig_addr.as_bytes()).u32(*orig_port);
            }
            ChannelOpenData::Other(raw) => {
                w.raw(raw);
            }
        }
    }
}

/// SSH_MSG_CHANNEL_OPEN_CONFIRMATION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOpenConfirmation<'a> {
    pub recipient: u32,
    pub sender: u32,
    pub window: u32,
    pub max_packet: u32,
    /// Type-specific data, if any.
    pub extra: &'a [u8],
}

const CONFIRM: &str = "CHANNEL_OPEN_CONFIRMATION";

impl<'a> ChannelOpenConfirmation<'a> {
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        Ok(ChannelOpenConfirmation {
            recipient: r.u32().ctx(CONFIRM)?,
            sender: r.u32().ctx(CONFIRM)?,
            window: r.u32().ctx(CONFIRM)?,
            max_packet: r.u32().ctx(CONFIRM)?,
            extra: r.take_rest(),
        })
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(msg::CHANNEL_OPEN_CONFIRMATION)
            .u32(self.recipient)
            .u32(self.sender)
            .u32(self.window)
            .u32(self.max_packet)
            .raw(self.extra);
    }
}

/// SSH_MSG_CHANNEL_OPEN_FAILURE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOpenFailure<'a> {
    pub recipient: u32,
    pub reason: u32,
    pub description: Cow<'a, str>,
    pub lang: Cow<'a, str>,
}

const FAILURE: &str = "CHANNEL_OPEN_FAILURE";

/// RFC 4254 5.1's reason names (without `SSH_OPEN_`), by code - 1: the one
/// table (lib/constants.js builds 0.4.10's `CHANNEL_OPEN_FAILURE` from it).
pub const OPEN_FAILURE_REASONS: [&str; 4] = [
    "ADMINISTRATIVELY_PROHIBITED",
    "CONNECT_FAILED",
    "UNKNOWN_CHANNEL_TYPE",
    "RESOURCE_SHORTAGE",
];

impl ChannelOpenFailure<'_> {
    /// The name of the reason, when RFC 4254 lists it.
    pub fn reason_name(&self) -> Option<&'static str> {
        self.reason
            .checked_sub(1)
            .and_then(|i| OPEN_FAILURE_REASONS.get(i as usize).copied())
    }
}

impl<'a> ChannelOpenFailure<'a> {
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        Ok(ChannelOpenFailure {
            recipient: r.u32().ctx(FAILURE)?,
            reason: r.u32().ctx(FAILURE)?,
            description: r.text().ctx(FAILURE)?,
            lang: r.text().ctx(FAILURE)?,
        })
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(msg::CHANNEL_OPEN_FAILURE)
            .u32(self.recipient)
            .u32(self.reason)
            .string(self.description.as_bytes())
            .string(self.lang.as_bytes());
    }
}

/// Writes a message that is just a number and a recipient channel
/// (EOF, CLOSE, SUCCESS, FAILURE).
pub fn encode_channel_only(w: &mut Writer, message: u8, recipient: u32) {
    w.u8(message).u32(recipient);
}

pub fn encode_window_adjust(w: &mut Writer, recipient: u32, bytes: u32) {
    w.u8(msg::CHANNEL_WINDOW_ADJUST).u32(recipient).u32(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_open(bytes: &[u8]) -> Result<ChannelOpen<'_>, DecodeError> {
        let mut r = Reader::new(&bytes[1..]);
        ChannelOpen::decode(&mut r)
    }

    #[test]
    fn every_channel_type_round_trips() {
        let opens = [
            ChannelOpenData::None,
            ChannelOpenData::Tcpip {
                dest_addr: "10.0.0.1".into(),
                dest_port: 22,
                orig_addr: "127.0.0.1".into(),
                orig_port: 5000,
            },
            ChannelOpenData::X11 {
                orig_addr: "127.0.0.1".into(),
                orig_port: 6000,
            },
        ];
        for (kind, data) in ["session", "direct-tcpip", "x11"].into_iter().zip(opens) {
            let open = ChannelOpen {
                channel_type: kind.into(),
                sender: 7,
                window: 2 * 1024 * 1024,
                max_packet: 32768,
                data,
            };
            let mut w = Writer::new();
            open.encode(&mut w);
            assert_eq!(decode_open(w.as_slice()).unwrap(), open);
        }
        let open = ChannelOpen {
            channel_type: "direct-streamlocal@openssh.com".into(),
            sender: 1,
            window: 1,
            max_packet: 1,
            data: ChannelOpenData::StreamLocal {
                socket_path: "/tmp/s".into(),
            },
        };
        let mut w = Writer::new();
        open.encode(&mut w);
        assert_eq!(decode_open(w.as_slice()).unwrap(), open);
    }

    #[test]
    fn truncated_opens_are_errors() {
        let open = ChannelOpen {
            channel_type: "direct-tcpip".into(),
            sender: 7,
            window: 1,
            max_packet: 1,
            data: ChannelOpenData::Tcpip {
                dest_addr: "a".into(),
                dest_port: 1,
                orig_addr: "b".into(),
                orig_port: 2,
            },
        };
        let mut w = Writer::new();
        open.encode(&mut w);
        let bytes = w.into_vec();
        for cut in 1..bytes.len() {
            assert!(decode_open(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
