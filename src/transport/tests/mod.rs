//! Our client against our server, in memory: every kex method with every
//! host key type, every cipher with every MAC, rekeys from both sides with
//! traffic in flight, strict kex, and hostile input.

use super::algorithms;
use super::engine::{Config, Event, FaultLevel, Preferences, Transport};
use super::packet::SEQUENCE_EXHAUSTED;
use super::rekey_limit::{Limits, PACKETS_PER_KEY};
use crate::crypto;
use crate::keys::Key;
use std::sync::{Arc, OnceLock};

mod ext_info;
mod host_cert;
mod input;
mod kex;
mod rekey_limits;

#[derive(Debug, Default)]
struct Seen {
    ready: bool,
    payloads: Vec<Vec<u8>>,
    fatal: Option<String>,
    fatal_level: Option<FaultLevel>,
    fatals: usize,
    host_keys: usize,
    newkeys: usize,
    server_sig_algs: Option<Vec<String>>,
    disconnect: Option<u32>,
}

struct Side {
    t: Transport,
    seen: Seen,
    accept_host_key: bool,
    /// Sent (bypassing the kex queue) right after our NEWKEYS goes out.
    after_newkeys: Vec<Vec<u8>>,
}

impl Side {
    fn feed(&mut self, data: &[u8]) {
        let mut host_key = false;
        let seen = &mut self.seen;
        self.t.feed(data, &mut |e| record(seen, e, &mut host_key));
        if host_key {
            let accept = self.accept_host_key;
            let seen = &mut self.seen;
            let mut ignore = false;
            self.t
                .host_key_verdict(accept, &mut |e| record(seen, e, &mut ignore));
            for p in std::mem::take(&mut self.after_newkeys) {
                self.t.send_raw(&p, true);
            }
        }
    }
}

fn record(seen: &mut Seen, e: Event<'_>, host_key: &mut bool) {
    match e {
        Event::Ready => seen.ready = true,
        Event::Payload(p) => seen.payloads.push(p.to_vec()),
        Event::Fatal { message, level } => {
            seen.fatal = Some(message);
            seen.fatal_level = Some(level);
            seen.fatals += 1;
        }
        Event::HostKey { .. } => {
            seen.host_keys += 1;
            *host_key = true;
        }
        Event::NewKeys => seen.newkeys += 1,
        Event::ServerSigAlgs(a) => seen.server_sig_algs = Some(a),
        Event::Disconnect { code, .. } => seen.disconnect = Some(code),
        _ => {}
    }
}

fn host_key(t: &str) -> Arc<Key> {
    static KEYS: OnceLock<Vec<Arc<Key>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        [
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "ssh-rsa",
        ]
        .iter()
        .map(|t| Arc::new(Key::generate(t, 2048).unwrap()))
        .collect()
    });
    let want = if t.starts_with("rsa-sha2-") {
        "ssh-rsa"
    } else {
        t
    };
    keys.iter().find(|k| k.key_type() == want).unwrap().clone()
}

fn side(server: bool, prefs: Preferences, host_keys: Vec<Arc<Key>>) -> Side {
    side_with_limits(server, prefs, host_keys, Limits::default())
}

fn side_with_limits(
    server: bool,
    prefs: Preferences,
    host_keys: Vec<Arc<Key>>,
    rekey: Limits,
) -> Side {
    Side {
        t: Transport::new(Config {
            server,
            ident: format!("SSH-2.0-test{}", if server { "srv" } else { "" }),
            greeting: None,
            algorithms: prefs.into(),
            host_keys,
            max_packet: 35000,
            rekey,
        })
        .unwrap(),
        seen: Seen::default(),
        accept_host_key: true,
        after_newkeys: Vec::new(),
    }
}

/// Moves bytes both ways until neither side has anything to send.
fn pump(c: &mut Side, s: &mut Side) {
    for _ in 0..100 {
        let a = c.t.take_output();
        let b = s.t.take_output();
        if a.is_empty() && b.is_empty() {
            return;
        }
        s.feed(&a);
        c.feed(&b);
    }
    panic!("no quiescence");
}

fn connect(prefs: Preferences, host_key_algo: &str) -> (Side, Side) {
    let mut c = side(false, prefs.clone(), vec![]);
    let mut s = side(true, prefs, vec![host_key(host_key_algo)]);
    pump(&mut c, &mut s);
    (c, s)
}

fn prefs_with(f: impl FnOnce(&mut Preferences)) -> Preferences {
    let mut p = Preferences::defaults();
    f(&mut p);
    p
}

fn exchange(c: &mut Side, s: &mut Side, n: usize) {
    for i in 0..n {
        let p = vec![90, (i % 251) as u8, 1, 2, 3];
        c.t.send(&p);
        s.t.send(&p);
    }
    pump(c, s);
}

fn assert_connected(c: &Side, s: &Side, what: &str) {
    assert!(
        c.seen.fatal.is_none() && s.seen.fatal.is_none(),
        "{what}: {:?} / {:?}",
        c.seen.fatal,
        s.seen.fatal
    );
    assert!(c.seen.ready && s.seen.ready, "{what}: not ready");
}

fn implemented(list: &algorithms::AlgorithmList, cat: &str) -> Vec<&'static str> {
    list.supported()
        .filter(|n| crypto::implemented(cat, n))
        .collect()
}
