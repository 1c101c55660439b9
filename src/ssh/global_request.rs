//! SSH_MSG_GLOBAL_REQUEST (RFC 4254 section 4, OpenSSH extensions).

use super::error::{Context, DecodeError};
use super::msg;
use crate::wire::{Reader, Writer};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobalRequestKind<'a> {
    /// `tcpip-forward` and `cancel-tcpip-forward`.
    TcpipForward {
        cancel: bool,
        bind_addr: Cow<'a, str>,
        bind_port: u32,
    },
    /// `streamlocal-forward@openssh.com` and its cancel.
    StreamLocalForward {
        cancel: bool,
        socket_path: Cow<'a, str>,
    },
    /// `no-more-sessions@openssh.com`.
    NoMoreSessions,
    /// Anything else (`keepalive@openssh.com`, `hostkeys-00@openssh.com`, ...).
    Other { name: Cow<'a, str>, data: &'a [u8] },
}

impl GlobalRequestKind<'_> {
    pub fn name(&self) -> &str {
        match self {
            GlobalRequestKind::TcpipForward { cancel: false, .. } => "tcpip-forward",
            GlobalRequestKind::TcpipForward { cancel: true, .. } => "cancel-tcpip-forward",
            GlobalRequestKind::StreamLocalForward { cancel: false, .. } => {
                "streamlocal-forward@openssh.com"
            }
            GlobalRequestKind::StreamLocalForward { cancel: true, .. } => {
                "cancel-streamlocal-forward@openssh.com"
            }
            GlobalRequestKind::NoMoreSessions => "no-more-sessions@openssh.com",
            GlobalRequestKind::Other { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalRequest<'a> {
    pub want_reply: bool,
    pub kind: GlobalRequestKind<'a>,
}

const REQ: &str = "GLOBAL_REQUEST";

impl<'a> GlobalRequest<'a> {
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let name = r.text().ctx(REQ)?;
        let want_reply = r.bool().ctx(REQ)?;
        let kind = match &*name {
            "tcpip-forward" | "cancel-tcpip-forward" => GlobalRequestKind::TcpipForward {
                cancel: name.starts_with("cancel"),
                bind_addr: r.text().ctx(REQ)?,
                bind_port: r.u32().ctx(REQ)?,
            },
            "streamlocal-forward@openssh.com" | "cancel-streamlocal-forward@openssh.com" => {
                GlobalRequestKind::StreamLocalForward {
                    cancel: name.starts_with("cancel"),
                    socket_path: r.text().ctx(REQ)?,
                }
            }
            "no-more-sessions@openssh.com" => GlobalRequestKind::NoMoreSessions,
            _ => GlobalRequestKind::Other {
                name,
                data: r.take_rest(),
            },
        };
        Ok(GlobalRequest { want_reply, kind })
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(msg::GLOBAL_REQUEST)
            .string(self.kind.name().as_bytes())
            .bool(self.want_reply);
        match &self.kind {
            GlobalRequestKind::TcpipForward {
                bind_addr,
                bind_port,
                ..
            } => {
                w.string(bind_addr.as_bytes()).u32(*bind_port);
            }
            GlobalRequestKind::StreamLocalForward { socket_path, .. } => {
                w.string(socket_path.as_bytes());
            }
            GlobalRequestKind::NoMoreSessions => {}
            GlobalRequestKind::Other { data, .. } => {
                w.raw(data);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        let kinds = [
            GlobalRequestKind::TcpipForward {
                cancel: false,
                bind_addr: "0.0.0.0".into(),
                bind_port: 8080,
            },
            GlobalRequestKind::TcpipForward {
                cancel: true,
                bind_addr: "".into(),
                bind_port: 0,
            },
            GlobalRequestKind::StreamLocalForward {
                cancel: false,
                socket_path: "/tmp/x".into(),
            },
            GlobalRequestKind::NoMoreSessions,
            GlobalRequestKind::Other {
                name: "keepalive@openssh.com".into(),
                data: b"",
            },
        ];
        for kind in kinds {
            let req = GlobalRequest {
                want_reply: true,
                kind,
            };
            let mut w = Writer::new();
            req.encode(&mut w);
            let bytes = w.into_vec();
            let back = GlobalRequest::decode(&mut Reader::new(&bytes[1..])).unwrap();
            assert_eq!(back, req);
        }
    }
}
