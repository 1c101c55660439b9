//! SSH_MSG_CHANNEL_REQUEST and its request types (RFC 4254 sections 6-7,
//! OpenSSH's agent forwarding).

use super::error::{Context, DecodeError};
use super::msg;
use crate::wire::{Reader, Writer};
use std::borrow::Cow;

/// The signal of an `exit-signal` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitSignalName<'a> {
    /// The RFC form: a name without the "SIG" prefix.
    Name(Cow<'a, str>),
    /// Old SSH.com servers (BUGS.OLD_EXIT) send a signal number instead of
    /// the name and core-dumped flag.
    Number(u32),
}

/// A request type and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelRequestKind<'a> {
    Pty {
        term: Cow<'a, str>,
        cols: u32,
        rows: u32,
        width: u32,
        height: u32,
        /// Encoded terminal modes (RFC 4254 section 8), raw.
        modes: &'a [u8],
    },
    WindowChange {
        cols: u32,
        rows: u32,
        width: u32,
        height: u32,
    },
    X11 {
        single: bool,
        protocol: Cow<'a, str>,
        cookie: &'a [u8],
        screen: u32,
    },
    Env {
        name: Cow<'a, str>,
        value: Cow<'a, str>,
    },
    Shell,
    Exec {
        command: Cow<'a, str>,
    },
    Subsystem {
        name: Cow<'a, str>,
    },
    Signal {
        name: Cow<'a, str>,
    },
    XonXoff {
        client_can_do: bool,
    },
    ExitStatus {
        code: u32,
    },
    ExitSignal {
        signal: ExitSignalName<'a>,
        core_dumped: bool,
        message: Cow<'a, str>,
        lang: Cow<'a, str>,
    },
    AuthAgent,
    /// Any other request; its fields, raw.
    Other {
        name: Cow<'a, str>,
        data: &'a [u8],
    },
}

impl ChannelRequestKind<'_> {
    /// The request name on the wire.
    pub fn name(&self) -> &str {
        match self {
            ChannelRequestKind::Pty { .. } => "pty-req",
            ChannelRequestKind::WindowChange { .. } => "window-change",
            ChannelRequestKind::X11 { .. } => "x11-req",
            ChannelRequestKind::Env { .. } => "env",
            ChannelRequestKind::Shell => "shell",
            ChannelRequestKind::Exec { .. } => "exec",
            ChannelRequestKind::Subsystem { .. } => "subsystem",
            ChannelRequestKind::Signal { .. } => "signal",
            ChannelRequestKind::XonXoff { .. } => "xon-xoff",
            ChannelRequestKind::ExitStatus { .. } => "exit-status",
            ChannelRequestKind::ExitSignal { .. } => "exit-signal",
            ChannelRequestKind::AuthAgent => "auth-agent-req@openssh.com",
            ChannelRequestKind::Other { name, .. } => name,
        }
    }
}

/// SSH_MSG_CHANNEL_REQUEST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRequest<'a> {
    pub recipient: u32,
    pub want_reply: bool,
    pub kind: ChannelRequestKind<'a>,
}

const REQ: &str = "CHANNEL_REQUEST";

impl<'a> ChannelRequest<'a> {
    /// `old_exit`: the peer has BUGS.OLD_EXIT (numeric exit-signal).
    pub fn decode(r: &mut Reader<'a>, old_exit: bool) -> Result<Self, DecodeError> {
        let recipient = r.u32().ctx(REQ)?;
        let name = r.text().ctx(REQ)?;
        let want_reply = r.bool().ctx(REQ)?;
        let kind = match &*name {
            "pty-req" => ChannelRequestKind::Pty {
                term: r.text().ctx(REQ)?,
                cols: r.u32().ctx(REQ)?,
                rows: r.u32().ctx(REQ)?,
                width: r.u32().ctx(REQ)?,
                height: r.u32().ctx(REQ)?,
                modes: r.string().ctx(REQ)?,
            },
            "window-change" => ChannelRequestKind::WindowChange {
                cols: r.u32().ctx(REQ)?,
                rows: r.u32().ctx(REQ)?,
                width: r.u32().ctx(REQ)?,
                height: r.u32().ctx(REQ)?,
            },
            "x11-req" => ChannelRequestKind::X11 {
                single: r.bool().ctx(REQ)?,
                protocol: r.text().ctx(REQ)?,
                cookie: r.string().ctx(REQ)?,
                screen: r.u32().ctx(REQ)?,
            },
            "env" => ChannelRequestKind::Env {
                name: r.text().ctx(REQ)?,
                value: r.text().ctx(REQ)?,
            },
            "shell" => ChannelRequestKind::Shell,
            "exec" => ChannelRequestKind::Exec {
                command: r.text().ctx(REQ)?,
            },
            "subsystem" => ChannelRequestKind::Subsystem {
                name: r.text().ctx(REQ)?,
            },
            "signal" => ChannelRequestKind::Signal {
                name: r.text().ctx(REQ)?,
            },
            "xon-xoff" => ChannelRequestKind::XonXoff {
                client_can_do: r.bool().ctx(REQ)?,
            },
            "exit-status" => ChannelRequestKind::ExitStatus {
                code: r.u32().ctx(REQ)?,
            },
            "exit-signal" => {
                let (signal, core_dumped) = if old_exit {
                    (ExitSignalName::Number(r.u32().ctx(REQ)?), false)
                } else {
                    (ExitSignalName::Name(r.text().ctx(REQ)?), r.bool().ctx(REQ)?)
                };
                ChannelRequestKind::ExitSignal {
                    signal,
                    core_dumped,
                    message: r.text().ctx(REQ)?,
                    lang: r.text().ctx(REQ)?,
                }
            }
            "auth-agent-req@openssh.com" => ChannelRequestKind::AuthAgent,
            _ => ChannelRequestKind::Other {
                name,
                data: r.take_rest(),
            },
        };
        Ok(ChannelRequest {
            recipient,
            want_reply,
            kind,
        })
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(msg::CHANNEL_REQUEST)
            .u32(self.recipient)
            .string(self.kind.name().as_bytes())
            .bool(self.want_reply);
        match &self.kind {
            ChannelRequestKind::Pty {
                term,
                cols,
                rows,
                width,
                height,
                modes,
            } => {
                w.string(term.as_bytes())
                    .u32(*cols)
                    .u32(*rows)
                    .u32(*width)
                    .u32(*height)
                    .string(modes);
            }
            ChannelRequestKind::WindowChange {
                cols,
                rows,
                width,
                height,
            } => {
                w.u32(*cols).u32(*rows).u32(*width).u32(*height);
            }
            ChannelRequestKind::X11 {
                single,
                protocol,
                cookie,
                screen,
            } => {
                w.bool(*single)
                    .string(protocol.as_bytes())
                    .string(cookie)
                    .u32(*screen);
            }
            ChannelRequestKind::Env { name, value } => {
                w.string(name.as_bytes()).string(value.as_bytes());
            }
            ChannelRequestKind::Shell | ChannelRequestKind::AuthAgent => {}
            ChannelRequestKind::Exec { command } => {
                w.string(command.as_bytes());
            }
            ChannelRequestKind::Subsystem { name } | ChannelRequestKind::Signal { name } => {
                w.string(name.as_bytes());
            }
            ChannelRequestKind::XonXoff { client_can_do } => {
                w.bool(*client_can_do);
            }
            ChannelRequestKind::ExitStatus { code } => {
                w.u32(*code);
            }
            ChannelRequestKind::ExitSignal {
                signal,
                core_dumped,
                message,
                lang,
            } => {
                match signal {
                    ExitSignalName::Name(n) => w.string(n.as_bytes()).bool(*core_dumped),
                    ExitSignalName::Number(n) => w.u32(*n),
                };
                w.string(message.as_bytes()).string(lang.as_bytes());
            }
            ChannelRequestKind::Other { data, .. } => {
                w.raw(data);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(req: ChannelRequest<'_>, old_exit: bool) {
        let mut w = Writer::new();
        req.encode(&mut w);
        let bytes = w.into_vec();
        assert_eq!(bytes[0], msg::CHANNEL_REQUEST);
        let back = ChannelRequest::decode(&mut Reader::new(&bytes[1..]), old_exit).unwrap();
        assert_eq!(back, req);
        for cut in 1..bytes.len() - 1 {
            let short = ChannelRequest::decode(&mut Reader::new(&bytes[1..cut]), old_exit);
            // Requests with raw trailing data may decode from a prefix; the
            // fixed-field ones must not.
            if !matches!(req.kind, ChannelRequestKind::Other { .. }) {
                assert!(short.is_err(), "{} cut at {cut}", req.kind.name());
            }
        }
    }

    #[test]
    fn every_request_type_round_trips_and_refuses_truncation() {
        let kinds = vec![
            ChannelRequestKind::Pty {
                term: "vt100".into(),
                cols: 80,
                rows: 24,
                width: 640,
                height: 480,
                modes: &[1, 0, 0, 0, 3, 0],
            },
            ChannelRequestKind::WindowChange {
                cols: 1,
                rows: 2,
                width: 3,
                height: 4,
            },
            ChannelRequestKind::X11 {
                single: true,
                protocol: "MIT-MAGIC-COOKIE-1".into(),
                cookie: b"abcd",
                screen: 0,
            },
            ChannelRequestKind::Env {
                name: "LANG".into(),
                value: "C".into(),
            },
            ChannelRequestKind::Exec {
                command: "uptime".into(),
            },
            ChannelRequestKind::Subsystem {
                name: "sftp".into(),
            },
            ChannelRequestKind::Signal { name: "INT".into() },
            ChannelRequestKind::XonXoff {
                client_can_do: true,
            },
            ChannelRequestKind::ExitStatus { code: 3 },
            ChannelRequestKind::ExitSignal {
                signal: ExitSignalName::Name("KILL".into()),
                core_dumped: true,
                message: "boom".into(),
                lang: "".into(),
            },
        ];
        for kind in kinds {
            roundtrip(
                ChannelRequest {
                    recipient: 5,
                    want_reply: true,
                    kind,
                },
                false,
            );
        }
        roundtrip(
            ChannelRequest {
                recipient: 5,
                want_reply: false,
                kind: ChannelRequestKind::ExitSignal {
                    signal: ExitSignalName::Number(15),
                    core_dumped: false,
                    message: "".into(),
                    lang: "".into(),
                },
            },
            true,
        );
    }
}
