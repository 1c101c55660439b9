//! What a connection reports, and how the transport's events become these:
//! the protocol decisions between the transport and the session layer
//! (server-sig-algs, the session id, undecodable messages) are made here,
//! so the caller only maps each event to its own representation.

use super::Connection;
use crate::ssh::auth::SignedRequest;
use crate::ssh::Message;
use crate::transport::engine::{self, reason, FaultLevel, Report, Transport};

/// Something the caller acts on, in the order it happened.
pub enum Event<'a> {
    /// From the transport, as it is: identification, key exchange steps,
    /// the peer's DISCONNECT or DEBUG, a fault that ended the connection.
    Transport(Report<'a>),
    /// A message of the session layer. `payload` is where it was decoded
    /// from (its slices borrow from it); `signed` is set for a signed
    /// user-auth request (server side).
    Message {
        message: Message<'a>,
        payload: &'a [u8],
        signed: Option<SignedRequest<'a>>,
    },
    /// The step just reported on opened this many packets (reported last,
    /// when there were any: 0.4.10's 'packet', which keepalives watch).
    Received { packets: u64 },
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
        let bugs = &mut self.bugs;
        let packets_before = self.transport.packets_in;
        let mut undecodable: Option<String> = None;
        let mut handler = |e: engine::Event<'_>| {
            if undecodable.is_some() {
                return;
            }
            match e {
                engine::Event::Report(r) => {
                    if let Report::Header(h) = &r {
                        *bugs = super::bugs_of(&h.software);
                        session.old_exit_bug = bugs.contains(super::Bugs::OLD_EXIT);
                    }
                    on_event(Event::Transport(r))
                }
                engine::Event::ServerSigAlgs(list) => session.set_server_sig_algs(list),
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
            }
        };
        step(&mut self.transport, &mut handler);
        if let Some(id) = self.transport.session_id() {
            self.session.set_session_id(id);
        }
        if let Some(message) = undecodable {
            self.transport.disconnect(reason::PROTOCOL_ERROR);
            on_event(Event::Transport(Report::Fatal {
                message,
                level: FaultLevel::Protocol,
            }));
        }
        let packets = self.transport.packets_in - packets_before;
        if packets > 0 {
            on_event(Event::Received { packets });
        }
    }
}
