//! A session-layer payload as one typed value.

use super::auth::{self, InfoRequest, UserauthRequest};
use super::channel::{ChannelOpen, ChannelOpenConfirmation, ChannelOpenFailure};
use super::channel_request::ChannelRequest;
use super::error::{Context, DecodeError};
use super::global_request::GlobalRequest;
use super::msg;
use crate::wire::{Reader, Writer};
use std::borrow::Cow;

/// What decoding needs to know that the payload does not say.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeContext<'s> {
    /// The method of the oldest unanswered USERAUTH_REQUEST: it decides
    /// what message 60 is (RFC 4252 and 4256 reuse the number).
    pub pending_auth_method: Option<&'s str>,
    /// The peer has BUGS.OLD_EXIT.
    pub old_exit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    ServiceRequest(Cow<'a, str>),
    ServiceAccept(Cow<'a, str>),
    UserauthRequest(UserauthRequest<'a>),
    UserauthFailure {
        methods: Vec<&'a str>,
        partial_success: bool,
    },
    UserauthSuccess,
    UserauthBanner {
        message: Cow<'a, str>,
        lang: Cow<'a, str>,
    },
    UserauthPkOk {
        algorithm: Cow<'a, str>,
        key: &'a [u8],
    },
    UserauthPasswdChangereq {
        prompt: Cow<'a, str>,
        lang: Cow<'a, str>,
    },
    UserauthInfoRequest(InfoRequest<'a>),
    UserauthInfoResponse(Vec<Cow<'a, str>>),
    GlobalRequest(GlobalRequest<'a>),
    RequestSuccess(&'a [u8]),
    RequestFailure,
    ChannelOpen(ChannelOpen<'a>),
    ChannelOpenConfirmation(ChannelOpenConfirmation<'a>),
    ChannelOpenFailure(ChannelOpenFailure<'a>),
    ChannelWindowAdjust {
        recipient: u32,
        bytes: u32,
    },
    ChannelData {
        recipient: u32,
        data: &'a [u8],
    },
    ChannelExtendedData {
        recipient: u32,
        data_type: u32,
        data: &'a [u8],
    },
    ChannelEof(u32),
    ChannelClose(u32),
    ChannelRequest(ChannelRequest<'a>),
    ChannelSuccess(u32),
    ChannelFailure(u32),
    /// A message number the session layer does not know (the caller answers
    /// with SSH_MSG_UNIMPLEMENTED).
    Unknown(u8),
}

impl<'a> Message<'a> {
    pub fn decode(payload: &'a [u8], ctx: DecodeContext<'_>) -> Result<Self, DecodeError> {
        let Some(&number) = payload.first() else {
            return Err(DecodeError::Empty);
        };
        let mut r = Reader::new(&payload[1..]);
        let r = &mut r;
        Ok(match number {
            msg::SERVICE_REQUEST => Message::ServiceRequest(r.text().ctx("SERVICE_REQUEST")?),
            msg::SERVICE_ACCEPT => Message::ServiceAccept(r.text().ctx("SERVICE_ACCEPT")?),
            msg::USERAUTH_REQUEST => Message::UserauthRequest(UserauthRequest::decode(payload)?),
            msg::USERAUTH_FAILURE => Message::UserauthFailure {
                methods: r.name_list().ctx("USERAUTH_FAILURE")?,
                partial_success: r.bool().ctx("USERAUTH_FAILURE")?,
            },
            msg::USERAUTH_SUCCESS => Message::UserauthSuccess,
            msg::USERAUTH_BANNER => Message::UserauthBanner {
                message: r.text().ctx("USERAUTH_BANNER")?,
                lang: r.text().ctx("USERAUTH_BANNER")?,
            },
            msg::USERAUTH_60 => match ctx.pending_auth_method {
                Some("publickey") => Message::UserauthPkOk {
                    algorithm: r.text().ctx("USERAUTH_PK_OK")?,
                    key: r.string().ctx("USERAUTH_PK_OK")?,
                },
                Some("password") => Message::UserauthPasswdChangereq {
                    prompt: r.text().ctx("USERAUTH_PASSWD_CHANGEREQ")?,
                    lang: r.text().ctx("USERAUTH_PASSWD_CHANGEREQ")?,
                },
                Some("keyboard-interactive") => {
                    Message::UserauthInfoRequest(InfoRequest::decode(r)?)
                }
                other => return Err(unexpected_auth(other)),
            },
            msg::USERAUTH_INFO_RESPONSE => match ctx.pending_auth_method {
                Some("keyboard-interactive") => {
                    Message::UserauthInfoResponse(auth::decode_info_response(r)?)
                }
                other => return Err(unexpected_auth(other)),
            },
            msg::GLOBAL_REQUEST => Message::GlobalRequest(GlobalRequest::decode(r)?),
            msg::REQUEST_SUCCESS => Message::RequestSuccess(r.take_rest()),
            msg::REQUEST_FAILURE => Message::RequestFailure,
            msg::CHANNEL_OPEN => Message::ChannelOpen(ChannelOpen::decode(r)?),
            msg::CHANNEL_OPEN_CONFIRMATION => {
                Message::ChannelOpenConfirmation(ChannelOpenConfirmation::decode(r)?)
            }
            msg::CHANNEL_OPEN_FAILURE => {
                Message::ChannelOpenFailure(ChannelOpenFailure::decode(r)?)
            }
            msg::CHANNEL_WINDOW_ADJUST => Message::ChannelWindowAdjust {
                recipient: r.u32().ctx("CHANNEL_WINDOW_ADJUST")?,
                bytes: r.u32().ctx("CHANNEL_WINDOW_ADJUST")?,
            },
            msg::CHANNEL_DATA => Message::ChannelData {
                recipient: r.u32().ctx("CHANNEL_DATA")?,
                data: r.string().ctx("CHANNEL_DATA")?,
            },
            msg::CHANNEL_EXTENDED_DATA => Message::ChannelExtendedData {
                recipient: r.u32().ctx("CHANNEL_EXTENDED_DATA")?,
                data_type: r.u32().ctx("CHANNEL_EXTENDED_DATA")?,
                data: r.string().ctx("CHANNEL_EXTENDED_DATA")?,
            },
            msg::CHANNEL_EOF => Message::ChannelEof(r.u32().ctx("CHANNEL_EOF")?),
            msg::CHANNEL_CLOSE => Message::ChannelClose(r.u32().ctx("CHANNEL_CLOSE")?),
            msg::CHANNEL_REQUEST => {
                Message::ChannelRequest(ChannelRequest::decode(r, ctx.old_exit)?)
            }
            msg::CHANNEL_SUCCESS => Message::ChannelSuccess(r.u32().ctx("CHANNEL_SUCCESS")?),
            msg::CHANNEL_FAILURE => Message::ChannelFailure(r.u32().ctx("CHANNEL_FAILURE")?),
            other => Message::Unknown(other),
        })
    }

    /// Appends the payload of this message. `Unknown` writes nothing.
    pub fn encode(&self, w: &mut Writer) {
        match self {
            Message::ServiceRequest(name) => {
                w.u8(msg::SERVICE_REQUEST).string(name.as_bytes());
            }
            Message::ServiceAccept(name) => {
                w.u8(msg::SERVICE_ACCEPT).string(name.as_bytes());
            }
            Message::UserauthRequest(req) => req.encode(w),
            Message::UserauthFailure {
                methods,
                partial_success,
            } => {
                w.u8(msg::USERAUTH_FAILURE)
                    .name_list(methods)
                    .bool(*partial_success);
            }
            Message::UserauthSuccess => {
                w.u8(msg::USERAUTH_SUCCESS);
            }
            Message::UserauthBanner { message, lang } => {
                w.u8(msg::USERAUTH_BANNER)
                    .string(message.as_bytes())
                    .string(lang.as_bytes());
            }
            Message::UserauthPkOk { algorithm, key } => {
                w.u8(msg::USERAUTH_60)
                    .string(algorithm.as_bytes())
                    .string(key);
            }
            Message::UserauthPasswdChangereq { prompt, lang } => {
                w.u8(msg::USERAUTH_60)
                    .string(prompt.as_bytes())
                    .string(lang.as_bytes());
            }
            Message::UserauthInfoRequest(req) => req.encode(w),
            Message::UserauthInfoResponse(responses) => auth::encode_info_response(w, responses),
            Message::GlobalRequest(req) => req.encode(w),
            Message::RequestSuccess(data) => {
                w.u8(msg::REQUEST_SUCCESS).raw(data);
            }
            Message::RequestFailure => {
                w.u8(msg::REQUEST_FAILURE);
            }
            Message::ChannelOpen(open) => open.encode(w),
            Message::ChannelOpenConfirmation(c) => c.encode(w),
            Message::ChannelOpenFailure(f) => f.encode(w),
            Message::ChannelWindowAdjust { recipient, bytes } => {
                super::channel::encode_window_adjust(w, *recipient, *bytes)
            }
            Message::ChannelData { .. } | Message::ChannelExtendedData { .. } => {
                if let Some((head, data)) = self.data_parts() {
                    w.raw(head.as_bytes()).raw(data);
                }
            }
            Message::ChannelEof(c) => super::channel::encode_channel_only(w, msg::CHANNEL_EOF, *c),
            Message::ChannelClose(c) => {
                super::channel::encode_channel_only(w, msg::CHANNEL_CLOSE, *c)
            }
            Message::ChannelRequest(req) => req.encode(w),
            Message::ChannelSuccess(c) => {
                super::channel::encode_channel_only(w, msg::CHANNEL_SUCCESS, *c)
            }
            Message::ChannelFailure(c) => {
                super::channel::encode_channel_only(w, msg::CHANNEL_FAILURE, *c)
            }
            Message::Unknown(_) => {}
        }
    }

    /// CHANNEL_DATA / CHANNEL_EXTENDED_DATA as header and data apart (the
    /// header is the payload up to the data string's bytes), so the data
    /// can be sealed without first being copied into a payload. `encode`
    /// writes these two messages from it too: one definition of the layout.
    pub fn data_parts(&self) -> Option<(DataHeader, &'a [u8])> {
        match *self {
            Message::ChannelData { recipient, data } => Some((
                DataHeader::new(msg::CHANNEL_DATA, &[recipient, data.len() as u32]),
                data,
            )),
            Message::ChannelExtendedData {
                recipient,
                data_type,
                data,
            } => Some((
                DataHeader::new(
                    msg::CHANNEL_EXTENDED_DATA,
                    &[recipient, data_type, data.len() as u32],
                ),
                data,
            )),
            _ => None,
        }
    }

    pub fn to_payload(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(64);
        self.encode(&mut w);
        w.into_vec()
    }
}

fn unexpected_auth(method: Option<&str>) -> DecodeError {
    DecodeError::UnexpectedAuthMessage {
        method: method.unwrap_or("(none)").to_owned(),
    }
}

/// The fixed part of a channel data payload: message number and uint32s.
pub struct DataHeader {
    bytes: [u8; 13],
    len: usize,
}

impl DataHeader {
    fn new(number: u8, fields: &[u32]) -> DataHeader {
        let mut h = DataHeader {
            bytes: [0; 13],
            len: 1,
        };
        h.bytes[0] = number;
        for f in fields {
            h.bytes[h.len..h.len + 4].copy_from_slice(&f.to_be_bytes());
            h.len += 4;
        }
        h
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssh::auth::Prompt;

    fn roundtrip(m: Message<'_>, ctx: DecodeContext<'_>) {
        let bytes = m.to_payload();
        assert_eq!(Message::decode(&bytes, ctx).unwrap(), m);
    }

    #[test]
    fn simple_messages_round_trip() {
        let none = DecodeContext::default();
        roundtrip(Message::ServiceRequest("ssh-userauth".into()), none);
        roundtrip(Message::ServiceAccept("ssh-userauth".into()), none);
        roundtrip(
            Message::UserauthFailure {
                methods: vec!["publickey", "password"],
                partial_success: false,
            },
            none,
        );
        roundtrip(Message::UserauthSuccess, none);
        roundtrip(
            Message::UserauthBanner {
                message: "hi\r\n".into(),
                lang: "".into(),
            },
            none,
        );
        roundtrip(Message::RequestSuccess(&[0, 0, 0, 9]), none);
        roundtrip(Message::RequestFailure, none);
        roundtrip(
            Message::ChannelWindowAdjust {
                recipient: 1,
                bytes: 2,
            },
            none,
        );
        roundtrip(
            Message::ChannelData {
                recipient: 1,
                data: b"hello",
            },
            none,
        );
        roundtrip(
            Message::ChannelExtendedData {
                recipient: 1,
                data_type: 1,
                data: b"err",
            },
            none,
        );
        for m in [
            Message::ChannelEof(3),
            Message::ChannelClose(3),
            Message::ChannelSuccess(3),
            Message::ChannelFailure(3),
        ] {
            roundtrip(m, none);
        }
    }

    #[test]
    fn message_60_is_decoded_by_the_pending_method() {
        let pk = Message::UserauthPkOk {
            algorithm: "ssh-ed25519".into(),
            key: b"blob",
        };
        roundtrip(
            pk.clone(),
            DecodeContext {
                pending_auth_method: Some("publickey"),
                ..Default::default()
            },
        );
        roundtrip(
            Message::UserauthPasswdChangereq {
                prompt: "change it".into(),
                lang: "".into(),
            },
            DecodeContext {
                pending_auth_method: Some("password"),
                ..Default::default()
            },
        );
        roundtrip(
            Message::UserauthInfoRequest(InfoRequest {
                name: "n".into(),
                instruction: "i".into(),
                lang: "".into(),
                prompts: vec![Prompt {
                    prompt: "Password: ".into(),
                    echo: false,
                }],
            }),
            DecodeContext {
                pending_auth_method: Some("keyboard-interactive"),
                ..Default::default()
            },
        );
        let err = Message::decode(&pk.to_payload(), DecodeContext::default()).unwrap_err();
        assert_eq!(err.to_string(), "Invalid authentication method: (none)");
        let err = Message::decode(
            &pk.to_payload(),
            DecodeContext {
                pending_auth_method: Some("none"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid authentication method: none");
    }

    #[test]
    fn empty_and_unknown_payloads() {
        assert_eq!(
            Message::decode(&[], DecodeContext::default()),
            Err(DecodeError::Empty)
        );
        assert_eq!(
            Message::decode(&[200, 1, 2], DecodeContext::default()),
            Ok(Message::Unknown(200))
        );
    }

    #[test]
    fn decode_never_panics_on_random_payloads() {
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let iters: usize = crate::fuzz_iters(20_000);
        let methods = [
            None,
            Some("publickey"),
            Some("password"),
            Some("keyboard-interactive"),
        ];
        for i in 0..iters {
            let len = (next() % 64) as usize;
            let mut payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if let Some(first) = payload.first_mut() {
                // Bias towards the session-layer message numbers.
                *first = [
                    5, 6, 50, 51, 52, 53, 60, 61, 80, 81, 82, 90, 91, 92, 93, 94, 95, 96, 97, 98,
                    99, 100,
                ][(next() % 22) as usize];
            }
            let ctx = DecodeContext {
                pending_auth_method: methods[i % methods.len()],
                old_exit: i % 2 == 0,
            };
            let _ = Message::decode(&payload, ctx);
        }
    }
}
