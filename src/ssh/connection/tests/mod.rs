//! Whole connections in Rust, our client against our server in memory,
//! driven as the binding drives them (no Node: these run under
//! `cargo test --no-default-features`).

mod auth;
mod channel;
mod handshake;
#[cfg(not(feature = "alloc-count"))]
mod memory;
mod receive;

use super::{Config, Connection, Event, Report, Sent};
use crate::keys::Key;
use crate::ssh::auth::AuthMethod;
use crate::ssh::Message;
use crate::transport::engine::reason;
use crate::transport::engine::Preferences;
use std::sync::Arc;

/// An event as a test keeps it (the connection's borrow its input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seen {
    Header(String),
    HostKey(Vec<u8>),
    NewKeys,
    Ready,
    Disconnect(u32, &'static str, String),
    Fatal(String),
    /// A session-layer message: its payload, and for a signed user-auth
    /// request the signature and what it covers.
    Message(Vec<u8>, Option<(Vec<u8>, Vec<u8>)>),
    /// Channel data: recipient and bytes.
    Data(u32, Vec<u8>),
    Received(u64),
}

pub(super) struct Peer {
    pub conn: Connection,
    pub seen: Vec<Seen>,
    pub accept_host_key: bool,
    host_keys_answered: usize,
}

fn record(seen: &mut Vec<Seen>, e: Event<'_>) {
    seen.push(match e {
        Event::Transport(r) => match r {
            Report::Header(h) => Seen::Header(h.software),
            Report::HostKey { blob, .. } => Seen::HostKey(blob),
            Report::NewKeys => Seen::NewKeys,
            Report::Ready => Seen::Ready,
            Report::Disconnect {
                code, description, ..
            } => Seen::Disconnect(code, reason::name(code), description),
            Report::Fatal { message, .. } => Seen::Fatal(message),
            Report::KexInit
            | Report::Negotiated(_)
            | Report::Offers { .. }
            | Report::Debug { .. } => return,
        },
        Event::Message {
            message: Message::ChannelData { recipient, data },
            ..
        } => Seen::Data(recipient, data.to_vec()),
        Event::Message {
            payload, signed, ..
        } => Seen::Message(
            payload.to_vec(),
            signed.map(|s| (s.signature.to_vec(), s.data)),
        ),
        Event::Received { packets } => Seen::Received(packets),
    });
}

impl Peer {
    pub fn new(cfg: Config) -> Peer {
        Peer {
            conn: Connection::new(cfg).unwrap(),
            seen: Vec::new(),
            accept_host_key: true,
            host_keys_answered: 0,
        }
    }

    /// Feeds received bytes as the binding does; answers a host key
    /// with `accept_host_key`.
    pub fn feed(&mut self, chunk: &[u8]) {
        let seen = &mut self.seen;
        self.conn.feed(chunk, &mut |e| record(seen, e));
        self.answer_host_key();
    }

    /// Answers a host key reported and not yet answered.
    pub fn answer_host_key(&mut self) {
        let asked = self
            .seen
            .iter()
            .filter(|s| matches!(s, Seen::HostKey(_)))
            .count();
        if asked > self.host_keys_answered {
            self.host_keys_answered = asked;
            let seen = &mut self.seen;
            let accept = self.accept_host_key;
            self.conn.host_key_verdict(accept, &mut |e| record(seen, e));
        }
    }

    pub fn fatal(&self) -> Option<&str> {
        self.seen.iter().find_map(|s| match s {
            Seen::Fatal(m) => Some(m.as_str()),
            _ => None,
        })
    }

    pub fn count(&self, f: impl Fn(&Seen) -> bool) -> usize {
        self.seen.iter().filter(|s| f(s)).count()
    }

    /// The session-layer payloads received, in order (channel data apart).
    pub fn messages(&self) -> Vec<&[u8]> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Message(p, _) => Some(p.as_slice()),
                _ => None,
            })
            .collect()
    }

    /// Channel data received on `chan`, joined.
    pub fn data(&self, chan: u32) -> Vec<u8> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Data(c, d) if *c == chan => Some(d.as_slice()),
                _ => None,
            })
            .flatten()
            .copied()
            .collect()
    }
}

/// Moves bytes both ways until neither side has anything to send.
pub(super) fn pump(c: &mut Peer, s: &mut Peer) {
    for _ in 0..1000 {
        let a = c.conn.poll_transmit();
        let b = s.conn.poll_transmit();
        if a.is_none() && b.is_none() {
            return;
        }
        if let Some(a) = a {
            s.feed(&a);
        }
        if let Some(b) = b {
            c.feed(&b);
        }
    }
    panic!("no quiescence");
}

pub(super) fn host_key(key_type: &str) -> Arc<Key> {
    crate::test_host_key(key_type)
}

pub(super) fn config(server: bool, prefs: Preferences) -> Config {
    let mut cfg = Config::new(
        server,
        if server {
            "SSH-2.0-ConnTestServer"
        } else {
            "SSH-2.0-ConnTestClient"
        },
    );
    cfg.algorithms = Arc::new(prefs);
    cfg
}

/// A client and a server (with an `host_key_type` host key) that have
/// finished their first key exchange.
pub(super) fn connected(prefs: Preferences, host_key_type: &str) -> (Peer, Peer) {
    let mut c = Peer::new(config(false, prefs.clone()));
    let mut scfg = config(true, prefs);
    scfg.host_keys = vec![host_key(host_key_type)];
    let mut s = Peer::new(scfg);
    pump(&mut c, &mut s);
    (c, s)
}

pub(super) fn assert_ready(c: &Peer, s: &Peer, what: &str) {
    assert_eq!((c.fatal(), s.fatal()), (None, None), "{what}");
    assert!(c.conn.is_ready() && s.conn.is_ready(), "{what}: not ready");
}

/// Past user authentication by password (the server accepts).
pub(super) fn logged_in(prefs: Preferences) -> (Peer, Peer) {
    let (mut c, mut s) = connected(prefs, "ssh-ed25519");
    let method = AuthMethod::Password {
        password: "pw".into(),
        new_password: None,
    };
    assert_eq!(c.conn.send_auth("user", method), Sent::Sealed);
    pump(&mut c, &mut s);
    assert_eq!(s.conn.auth_success(), Ok(Sent::Sealed));
    pump(&mut c, &mut s);
    assert_ready(&c, &s, "logged in");
    (c, s)
}
