//! What a connection reports, and how the transport's events become these:
//! the protocol decisions between the transport and the session layer
//! (server-sig-algs, the session id, undecodable messages) are made here,
//! so the caller only maps each event to its own representation.

use super::Connection;
use crate::ssh::auth::SignedRequest;
use crate::ssh::Message;
use crate::transport::engine::{self, reason, FaultLevel, Transport};
use crate::transport::ident::Header;
use crate::transport::kexinit::{KexInit, Negotiated};

/// Something the caller acts on, in the order it happened.
pub enum Event<'a> {
    /// The peer's identification line (and the lines before it).
    Header(&'a Header),
    /// The peer's KEXINIT arrived (a key exchange begins or continues).
    KexInit,
    /// What this key exchange agreed on (only with `debug_events`).
    Negotiated(&'a Negotiated),
    /// Both sides' lists before they are compared (only with `debug_events`).
    Offers {
        local: &'a KexInit,
        remote: &'a KexInit,
    },
    /// Client: the server's host key, verified to have signed the
    /// exchange. Our NEWKEYS waits for `host_key_verdict`.
    HostKey {
        blob: &'a [u8],
        first_kex: bool,
    },
    /// The peer's NEWKEYS arrived.
    NewKeys,
    /// The first key exchange is complete in both directions.
    Ready,
    /// The peer disconnected; `name` is the reason's RFC 4253 name without
    /// its `SSH_DISCONNECT_` prefix ("UNKNOWN" for a code it lacks).
    Disconnect {
        code: u32,
        name: &'static str,
        description: &'a str,
        lang: &'a str,
    },
    Debug {
        message: &'a str,
        lang: &'a str,
    },
    /// A message of the session layer. `payload` is where it was decoded
    /// from (its slices borrow from it); `signed` is set for a signed
    /// user-auth request (server side).
    Message {
        message: Message<'a>,
        payload: &'a [u8],
        signed: Option<SignedRequest<'a>>,
    },
    /// The connection is over: 0.4.10's message and error level; a
    /// DISCONNECT is already sealed for the peer when the fault called
    /// for one.
    Fatal {
        message: &'a str,
        level: FaultLevel,
    },
    /// The step just reported on opened this many packets (reported last,
    /// when there were any: 0.4.10's 'packet', which keepalives watch).
    Received {
        packets: u64,
    },
}

impl Connection {
    /// Runs one step of the transport (`step`), turning its events into
    /// ours. A message the session layer cannot decode ends the
    /// connection after the step: PROTOCOL_ERROR to the peer, `Fatal` to
    /// the caller; nothing received after it is reported.
    pub(super) fn drive(
        &mut self,
        on_event: &mut dyn FnMut(Event<'_>),
        step: impl FnOnce(&mut Transport, &mut dyn FnMut(engine::Event<'_>)),
    ) {
        let session = &mut self.session;
        session.old_exit_bug = self.bugs.contains(super::Bugs::OLD_EXIT);
        let debug_events = self.debug_events;
        let bugs = &mut self.bugs;
        let packets_before = self.transport.packets_in;
        let mut undecodable: Option<String> = None;
        let mut handler = |e: engine::Event<'_>| {
            if undecodable.is_some() {
                return;
            }
            match e {
                engine::Event::Header(h) => {
                    *bugs = super::bugs_of(&h.software);
                    session.old_exit_bug = bugs.contains(super::Bugs::OLD_EXIT);
                    on_event(Event::Header(&h));
                }
                engine::Event::KexInit => on_event(Event::KexInit),
                engine::Event::Negotiated(n) if debug_events => on_event(Event::Negotiated(n)),
                engine::Event::Offers { local, remote } if debug_events => {
                    on_event(Event::Offers { local, remote })
                }
                engine::Event::Negotiated(_) | engine::Event::Offers { .. } => {}
                engine::Event::HostKey { blob, first_kex } => on_event(Event::HostKey {
                    blob: &blob,
                    first_kex,
                }),
                engine::Event::NewKeys => on_event(Event::NewKeys),
                engine::Event::Ready => on_event(Event::Ready),
                engine::Event::ServerSigAlgs(list) => session.set_server_sig_algs(list),
                engine::Event::Disconnect {
                    code,
                    description,
                    lang,
                } => on_event(Event::Disconnect {
                    code,
                    name: reason::name(code),
                    description: &description,
                    lang: &lang,
                }),
                engine::Event::Debug { message, lang } => on_event(Event::Debug {
                    message: &message,
                    lang: &lang,
                }),
                engine::Event::Payload(p) if session.ignores(p) => {}
                engine::Event::Payload(p) => match session.decode(p) {
                    Ok(message) => {
                        let signed = match &message {
                            Message::UserauthRequest(req) => {
                                req.signed(p, session.session_id().unwrap_or_default())
                            }
                            _ => None,
                        };
                        on_event(Event::Message {
                            message,
                            payload: p,
                            signed,
                        })
                    }
                    Err(e) => undecodable = Some(e.to_string()),
                },
                engine::Event::Fatal { message, level } => on_event(Event::Fatal {
                    message: &message,
                    level,
                }),
            }
        };
        step(&mut self.transport, &mut handler);
        if let Some(id) = self.transport.session_id() {
            self.session.set_session_id(id);
        }
        if let Some(message) = undecodable {
            self.transport.disconnect(reason::PROTOCOL_ERROR);
            on_event(Event::Fatal {
                message: &message,
                level: FaultLevel::Protocol,
            });
        }
        let packets = self.transport.packets_in - packets_before;
        if packets > 0 {
            on_event(Event::Received { packets });
        }
    }
}
