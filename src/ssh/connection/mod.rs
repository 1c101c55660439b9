//! `Connection`: one SSH connection, sans-IO. It owns the transport (keys,
//! packets, key exchange), the session state (user-auth queue, windows,
//! session id, server-sig-algs) and the peer's known bugs, and makes every
//! protocol decision between them. The caller (the N-API binding, or a
//! test) does three things only:
//!
//! - hands it received bytes (`feed`, or `receive` + `receive_into` to
//!   choose the buffer packets are opened in) and acts on the typed
//!   [`Event`]s it reports, in order;
//! - sends messages (`send` and the helpers in `send.rs`), each of which
//!   is sealed at once or queued behind a key exchange ([`Sent`]);
//! - takes what is to go on the wire with `poll_transmit`, the only way
//!   output leaves.
//!
//! The shape is quinn-proto's `Connection`: no sockets, timers or callbacks
//! into the caller beyond the event sink of the call being made.

mod event;
mod receive;
pub mod send;
#[cfg(test)]
mod tests;

pub use crate::ssh::auth::SignedRequest;
pub use crate::transport::quirks::{bugs_of, Bugs};
pub use event::Event;
pub use receive::Receive;
pub use send::Sent;

use super::SessionState;
use crate::keys::Key;
use crate::transport::engine::{self, Preferences, Transport};
use crate::transport::rekey_limit::Limits;
use std::sync::Arc;

/// What a connection is set up with.
pub struct Config {
    pub server: bool,
    /// Our identification line, without CR LF.
    pub ident: String,
    /// Server: text sent before the identification line.
    pub greeting: Option<String>,
    pub algorithms: Arc<Preferences>,
    /// Server: the host keys offered.
    pub host_keys: Vec<Arc<Key>>,
    /// The largest packet_length accepted (at least 35000).
    pub max_packet: usize,
    /// When to rekey by ourselves.
    pub rekey: Limits,
    /// Whether `Event::Offers` and `Event::Negotiated` are wanted: they
    /// exist for debug output only, and are not reported without it.
    pub debug_events: bool,
}

impl Config {
    /// A connection with the default algorithms and limits.
    pub fn new(server: bool, ident: impl Into<String>) -> Config {
        Config {
            server,
            ident: ident.into(),
            greeting: None,
            algorithms: Preferences::shared_defaults(),
            host_keys: Vec::new(),
            max_packet: 35000,
            rekey: Limits::default(),
            debug_events: false,
        }
    }
}

pub struct Connection {
    transport: Transport,
    session: SessionState,
    /// The peer's known bugs (0.4.10's `remoteBugs`): found from its
    /// software version when its identification arrives; the app may set
    /// them too.
    bugs: Bugs,
    debug_events: bool,
}

impl Connection {
    /// Fails on an algorithm name that is not implemented, or an empty list.
    pub fn new(cfg: Config) -> Result<Connection, String> {
        let transport = Transport::new(engine::Config {
            server: cfg.server,
            ident: cfg.ident,
            greeting: cfg.greeting,
            algorithms: cfg.algorithms,
            host_keys: cfg.host_keys,
            max_packet: cfg.max_packet,
            rekey: cfg.rekey,
        })?;
        Ok(Connection {
            transport,
            session: SessionState::new(cfg.server),
            bugs: Bugs::default(),
            debug_events: cfg.debug_events,
        })
    }

    /// Server: one more host key to offer (before the peer's KEXINIT).
    pub fn add_host_key(&mut self, key: Arc<Key>) {
        self.transport.add_host_key(key);
    }

    /// Everything sealed since the last call, in order: the only way
    /// output leaves the connection. None when nothing waits.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transport
            .has_output()
            .then(|| self.transport.take_output())
    }

    /// Bytes waiting for `poll_transmit`.
    pub fn pending_output(&self) -> usize {
        self.transport.output_len()
    }

    /// Payload bytes waiting behind a key exchange in progress.
    pub fn queued_bytes(&self) -> usize {
        self.transport.queued_len()
    }

    pub fn bugs(&self) -> Bugs {
        self.bugs
    }

    /// The app's own view of the peer's bugs (0.4.10 let it set them).
    pub fn set_bugs(&mut self, bugs: Bugs) {
        self.bugs = bugs;
    }

    pub fn remote_ident(&self) -> Option<&str> {
        self.transport.remote_ident()
    }

    /// Our public value in the current key exchange.
    pub fn kex_public_key(&self) -> Option<&[u8]> {
        self.transport.kex_public_key()
    }

    /// The first exchange hash H.
    pub fn session_id(&self) -> Option<&[u8]> {
        self.transport.session_id()
    }

    /// Bytes copied to hold and reassemble received packets (a statistic
    /// for tests that this work is linear in the bytes fed).
    pub fn input_bytes_copied(&self) -> u64 {
        self.transport.input_copied
    }

    /// The first key exchange is done in both directions.
    pub fn is_ready(&self) -> bool {
        self.transport.ready()
    }

    /// The connection has ended (a fault, or a DISCONNECT either way).
    pub fn is_closed(&self) -> bool {
        self.transport.is_dead()
    }

    /// Client: the app's verdict on the server's host key
    /// (`Event::HostKey`); acceptance sends our NEWKEYS.
    pub fn host_key_verdict(&mut self, accepted: bool, on_event: &mut dyn FnMut(Event<'_>)) {
        self.drive(on_event, |t, h| t.host_key_verdict(accepted, h));
    }

    /// Starts a key exchange (the app's `rekey()`).
    pub fn rekey(&mut self) -> Result<(), &'static str> {
        self.transport.rekey()
    }
}
