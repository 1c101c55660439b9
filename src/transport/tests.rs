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

#[test]
fn every_kex_with_every_host_key_type() {
    for kex in implemented(&algorithms::KEX, "kex") {
        for hk in [
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "rsa-sha2-512",
            "rsa-sha2-256",
            "ssh-rsa",
        ] {
            let prefs = prefs_with(|p| {
                p.kex = vec![kex.into()];
                p.host_key = vec![hk.into()];
            });
            let (mut c, mut s) = connect(prefs, hk);
            let what = format!("{kex} + {hk}");
            assert_connected(&c, &s, &what);
            exchange(&mut c, &mut s, 3);
            assert_eq!(s.seen.payloads.len(), 3, "{what}");
            assert_eq!(c.seen.payloads.len(), 3, "{what}");
        }
    }
}

#[test]
fn every_cipher_with_every_mac() {
    for cipher in implemented(algorithms::cipher(), "cipher") {
        let aead = crypto::CipherSpec::from_name(cipher).unwrap().is_aead();
        let macs = implemented(&algorithms::MAC, "hmac");
        for mac in if aead { &macs[..1] } else { &macs[..] } {
            let prefs = prefs_with(|p| {
                p.cipher = vec![cipher.into()];
                p.mac = vec![mac.to_string()];
            });
            let (mut c, mut s) = connect(prefs, "ssh-ed25519");
            let what = format!("{cipher} + {mac}");
            assert_connected(&c, &s, &what);
            exchange(&mut c, &mut s, 20);
            assert_eq!(s.seen.payloads.len(), 20, "{what}");
        }
    }
}

#[test]
fn ext_info_carries_server_sig_algs_and_strict_kex_is_on() {
    let (c, s) = connect(Preferences::defaults(), "ssh-ed25519");
    assert_connected(&c, &s, "defaults");
    let algs = c.seen.server_sig_algs.clone().unwrap();
    assert!(algs.iter().any(|a| a == "rsa-sha2-512"));
    assert!(s.seen.server_sig_algs.is_none());
}

/// An EXT_INFO with one extension, server-sig-algs = `algs`.
fn ext_info(algs: &str) -> Vec<u8> {
    let mut w = crate::wire::Writer::new();
    w.u8(7)
        .u32(1)
        .string(b"server-sig-algs")
        .string(algs.as_bytes());
    w.into_vec()
}

/// Sends `payload` from `from` to `to` and tells whether `to` answered
/// (an UNIMPLEMENTED; nothing else is going on).
fn answered(from: &mut Side, to: &mut Side, payload: &[u8]) -> bool {
    from.t.send_raw(payload, true);
    let packet = from.t.take_output();
    to.feed(&packet);
    let reply = to.t.take_output();
    from.feed(&reply);
    !reply.is_empty()
}

#[test]
fn a_client_takes_ext_info_after_the_first_newkeys_and_during_auth_only() {
    // The first comes right after the server's first NEWKEYS.
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    assert!(c.seen.server_sig_algs.is_some());
    // A second during user auth (OpenSSH's ext-info-in-auth) is taken...
    assert!(!answered(&mut s, &mut c, &ext_info("ssh-ed25519")));
    assert_eq!(c.seen.server_sig_algs, Some(vec!["ssh-ed25519".into()]));
    // ...a third is not: UNIMPLEMENTED, and the list stays.
    assert!(answered(&mut s, &mut c, &ext_info("ssh-rsa")));
    assert_eq!(c.seen.server_sig_algs, Some(vec!["ssh-ed25519".into()]));
    // After USERAUTH_SUCCESS none is, even the second.
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    assert!(!answered(&mut s, &mut c, &[52]));
    assert!(answered(&mut s, &mut c, &ext_info("ssh-rsa")));
    assert!(c.seen.server_sig_algs.unwrap().len() > 1);
    assert!(c.seen.fatal.is_none());
    // Nor after a rekey.
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    assert!(!answered(&mut s, &mut c, &[52]));
    c.t.rekey().unwrap();
    pump(&mut c, &mut s);
    assert!(answered(&mut s, &mut c, &ext_info("ssh-rsa")));
    assert_connected(&c, &s, "after refused EXT_INFOs");
}

#[test]
fn a_client_refuses_an_ext_info_before_the_first_newkeys_and_a_truncated_one() {
    // In the first exchange, before the server's NEWKEYS: strict kex (on
    // between two of ours) makes it a violation; it is never taken.
    let mut c = side(false, Preferences::defaults(), vec![]);
    let mut s = side(true, Preferences::defaults(), vec![host_key("ssh-ed25519")]);
    let a = c.t.take_output();
    s.feed(&a);
    s.t.send_raw(&ext_info("early"), true);
    pump(&mut c, &mut s);
    assert_eq!(
        c.seen.fatal.as_deref(),
        Some("strict KEX violation: unexpected packet type 7")
    );
    assert_eq!(c.seen.server_sig_algs, None);
    // An extension cut short ends the connection, as in OpenSSH.
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    let mut cut = ext_info("ssh-ed25519");
    cut.truncate(cut.len() - 3);
    answered(&mut s, &mut c, &cut);
    assert_eq!(c.seen.fatal.as_deref(), Some("Malformed packet"));
    // 1024 extensions or more: ignored with UNIMPLEMENTED.
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    let mut many = vec![7];
    many.extend_from_slice(&1024u32.to_be_bytes());
    assert!(answered(&mut s, &mut c, &many));
    assert!(c.seen.fatal.is_none());
}

#[test]
fn a_server_takes_one_ext_info_right_after_the_client_s_first_newkeys() {
    let mut c = side(false, Preferences::defaults(), vec![]);
    c.after_newkeys = vec![ext_info("ssh-ed25519")];
    let mut s = side(true, Preferences::defaults(), vec![host_key("ssh-ed25519")]);
    pump(&mut c, &mut s);
    assert_connected(&c, &s, "client EXT_INFO");
    assert!(
        s.seen.server_sig_algs.is_none(),
        "a server has no use for it"
    );
    // Anywhere else: UNIMPLEMENTED.
    assert!(answered(&mut c, &mut s, &ext_info("ssh-ed25519")));
    assert!(s.seen.fatal.is_none());
    // Also when it is the first the server sees, but another packet came
    // between it and the client's NEWKEYS.
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    assert!(!answered(&mut c, &mut s, &[2, 0, 0, 0, 0]));
    assert!(answered(&mut c, &mut s, &ext_info("ssh-ed25519")));
}

#[test]
fn unknown_message_numbers_get_unimplemented_and_known_ones_pass_up() {
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    for (kind, known) in [
        (200u8, false),
        (9, false),
        (54, false),
        (94, true),
        (5, true),
    ] {
        assert!(c.t.send(&[kind, 0, 0, 0, 0]));
        let packet = c.t.take_output();
        s.feed(&packet);
        let reply = s.t.take_output();
        assert_eq!(
            reply.is_empty(),
            known,
            "type {kind}: a reply only when unknown"
        );
        assert_eq!(
            s.seen.payloads.last().map(|p| p[0]) == Some(kind),
            known,
            "type {kind}"
        );
        // The reply opens on the client and ends nothing.
        c.feed(&reply);
        assert!(c.seen.fatal.is_none() && s.seen.fatal.is_none());
    }
}

#[test]
fn an_ssh_rsa_only_server_list_offers_rsa_sha2_too() {
    let server_prefs = prefs_with(|p| p.host_key = vec!["ssh-rsa".into()]);
    let client_prefs = prefs_with(|p| p.host_key = vec!["rsa-sha2-512".into()]);
    let mut c = side(false, client_prefs, vec![]);
    let mut s = side(true, server_prefs, vec![host_key("ssh-rsa")]);
    pump(&mut c, &mut s);
    assert_connected(&c, &s, "rsa-sha2-512 against ['ssh-rsa']");
}

#[test]
fn rekeys_from_either_side_with_traffic_in_flight() {
    let (mut c, mut s) = connect(Preferences::defaults(), "ssh-ed25519");
    for round in 0..4 {
        let (who, other) = if round % 2 == 0 {
            (&mut c, &mut s)
        } else {
            (&mut s, &mut c)
        };
        who.t.rekey().unwrap();
        assert_eq!(who.t.rekey(), Err("A re-key is already in progress"));
        // Sent during the exchange: queued, then delivered in order.
        for i in 0..10u8 {
            who.t.send(&[94, round, i]);
            other.t.send(&[94, round, i]);
        }
        pump(&mut c, &mut s);
    }
    assert_connected(&c, &s, "after rekeys");
    assert_eq!(c.seen.payloads.len(), 40);
    assert_eq!(s.seen.payloads.len(), 40);
    let expected: Vec<Vec<u8>> = (0..4u8)
        .flat_map(|r| (0..10u8).map(move |i| vec![94, r, i]))
        .collect();
    assert_eq!(c.seen.payloads, expected);
    assert_eq!(s.seen.payloads, expected);
    assert_eq!(c.seen.host_keys, 5, "verdict asked on every exchange");
    assert_eq!(c.seen.newkeys, 5);
}

#[test]
fn a_host_key_changed_at_rekey_is_fatal() {
    // The server has only an Ed25519 key at first; the client prefers
    // ECDSA. Once the server also has an ECDSA key, a rekey negotiates
    // that one: a key the app never saw, refused as OpenSSH refuses it.
    let prefs = prefs_with(|p| {
        p.host_key = vec!["ecdsa-sha2-nistp256".into(), "ssh-ed25519".into()];
    });
    let mut c = side(false, prefs.clone(), vec![]);
    let mut s = side(true, prefs, vec![host_key("ssh-ed25519")]);
    pump(&mut c, &mut s);
    assert_connected(&c, &s, "first exchange");
    s.t.add_host_key(host_key("ecdsa-sha2-nistp256"));
    c.t.rekey().unwrap();
    pump(&mut c, &mut s);
    assert_eq!(
        c.seen.fatal.as_deref(),
        Some("Handshake failed: host key changed during rekey")
    );
    assert_eq!(
        c.seen.host_keys, 1,
        "the changed key is not offered to the app"
    );
    assert!(c.t.is_dead());
    assert_eq!(s.seen.disconnect, Some(3));
}

#[test]
fn a_refused_host_key_ends_the_handshake() {
    let mut c = side(false, Preferences::defaults(), vec![]);
    c.accept_host_key = false;
    let mut s = side(true, Preferences::defaults(), vec![host_key("ssh-ed25519")]);
    pump(&mut c, &mut s);
    assert!(!c.seen.ready);
    assert!(c.t.is_dead());
    assert_eq!(s.seen.disconnect, Some(3));
}

#[test]
fn strict_kex_refuses_a_packet_injected_before_newkeys() {
    let mut c = side(false, Preferences::defaults(), vec![]);
    let mut s = side(true, Preferences::defaults(), vec![host_key("ssh-ed25519")]);
    // Idents and KEXINITs.
    let a = c.t.take_output();
    let b = s.t.take_output();
    s.feed(&a);
    c.feed(&b);
    // The client slips an IGNORE in before its kex packets (Terrapin's move).
    c.t.send_raw(&[2, 0, 0, 0, 0], true);
    pump(&mut c, &mut s);
    assert!(
        s.seen
            .fatal
            .as_deref()
            .unwrap_or_default()
            .contains("strict KEX violation"),
        "{:?}",
        s.seen.fatal
    );
    assert_eq!(s.seen.fatal_level.map(FaultLevel::as_str), Some("protocol"));
    assert!(!s.seen.ready);
}

#[test]
fn no_common_algorithm_is_a_handshake_failure() {
    let mut c = side(
        false,
        prefs_with(|p| p.cipher = vec!["aes128-ctr".into()]),
        vec![],
    );
    let mut s = side(
        true,
        prefs_with(|p| p.cipher = vec!["aes256-gcm@openssh.com".into()]),
        vec![host_key("ssh-ed25519")],
    );
    pump(&mut c, &mut s);
    // Both sides see the KEXINITs and fail the same way.
    assert_eq!(
        s.seen.fatal.as_deref(),
        Some("Handshake failed: no matching client->server cipher")
    );
    assert_eq!(
        c.seen.fatal.as_deref(),
        Some("Handshake failed: no matching client->server cipher")
    );
    // 0.4.10's err.level, as the binding hands it to JS.
    for side in [&c, &s] {
        assert_eq!(
            side.seen.fatal_level.map(FaultLevel::as_str),
            Some("handshake")
        );
    }
    assert!(!c.seen.ready && !s.seen.ready);
}

#[test]
fn unknown_algorithm_names_are_refused_up_front() {
    let err = Transport::new(Config {
        server: false,
        ident: "SSH-2.0-x".into(),
        greeting: None,
        algorithms: prefs_with(|p| p.cipher = vec!["rot13".into()]).into(),
        host_keys: vec![],
        max_packet: 35000,
        rekey: Limits::default(),
    })
    .err()
    .unwrap();
    assert_eq!(err, "Unsupported algorithm (cipher): rot13");
}

#[test]
fn garbage_and_mutated_input_never_panic_and_end_cleanly() {
    // The server's view of a client that sends an ident and then random or
    // mutated bytes: never a panic, and once dead it stays dead.
    let iters: usize = crate::fuzz_iters(300);
    let mut next = crate::test_rng(0x1234_5678_9abc_def1);
    // A real client's first flight, to mutate.
    let mut c = side(false, Preferences::defaults(), vec![]);
    let flight = c.t.take_output();
    for i in 0..iters {
        let mut s = side(true, Preferences::defaults(), vec![host_key("ssh-ed25519")]);
        let mut input = flight.clone();
        if i % 3 == 0 {
            input.truncate(20);
            input.extend((0..(next() % 2000)).map(|_| next() as u8));
        } else {
            for _ in 0..(1 + next() % 8) {
                let at = (next() as usize) % input.len();
                input[at] ^= 1 << (next() % 8);
            }
        }
        let mut at = 0;
        while at < input.len() {
            let n = 1 + (next() as usize) % 64;
            let end = (at + n).min(input.len());
            s.feed(&input[at..end]);
            at = end;
        }
    }
}

#[test]
fn compression_zlib_from_newkeys_and_openssh_after_auth() {
    for method in ["zlib", "zlib@openssh.com", "none"] {
        let prefs = prefs_with(|p| p.compress = vec![method.into()]);
        let (mut c, mut s) = connect(prefs, "ssh-ed25519");
        assert_connected(&c, &s, method);
        // Before auth, then the server's USERAUTH_SUCCESS, then after.
        exchange(&mut c, &mut s, 5);
        s.t.send(&[52]);
        pump(&mut c, &mut s);
        let big = vec![94u8; 30000];
        for _ in 0..5 {
            c.t.send(&big);
        }
        let wire = c.t.take_output();
        assert!(
            method == "none" || wire.len() < 30000,
            "{method}: {} bytes for 150 KB",
            wire.len()
        );
        s.feed(&wire);
        s.t.send(&big);
        pump(&mut c, &mut s);
        assert_connected(&c, &s, method);
        assert_eq!(s.seen.payloads.len(), 5 + 5, "{method}");
        assert_eq!(c.seen.payloads.len(), 5 + 1 + 1, "{method}");
        assert_eq!(
            s.seen.payloads.last().map(|p| p.len()),
            Some(30000),
            "{method}"
        );
        assert_eq!(
            c.seen.payloads.last().map(|p| p.len()),
            Some(30000),
            "{method}"
        );
    }
}

#[test]
fn every_registry_name_is_implemented() {
    for (list, cat) in [
        (&algorithms::KEX, "kex"),
        (&algorithms::SERVER_HOST_KEY, "serverHostKey"),
        (algorithms::cipher(), "cipher"),
        (&algorithms::MAC, "hmac"),
        (&algorithms::COMPRESSION, "compress"),
    ] {
        for name in list.supported() {
            assert!(crypto::implemented(cat, name), "{cat}: {name}");
        }
    }
}

#[test]
fn feed_into_opens_gcm_from_the_input_and_leaves_no_byte_unwritten() {
    let prefs = prefs_with(|p| p.cipher = vec!["aes128-gcm@openssh.com".into()]);
    let (mut c, mut s) = connect(prefs, "ssh-ed25519");
    assert_connected(&c, &s, "gcm");
    let before = s.seen.payloads.len();
    for i in 0..5u8 {
        c.t.send(&[90, i, 7, 7, 7]);
    }
    let mut wire = c.t.take_output();
    // The third packet's ciphertext is damaged: two payloads, then the fault.
    let third = (wire.len() / 5) * 2 + 8;
    wire[third] ^= 1;
    let mut dst = vec![0xAA; wire.len()];
    let seen = &mut s.seen;
    let mut ignore = false;
    s.t.feed_into(&wire, &mut dst, &mut |e| record(seen, e, &mut ignore));
    let got: Vec<_> = s.seen.payloads[before..].to_vec();
    assert_eq!(got, vec![vec![90, 0, 7, 7, 7], vec![90, 1, 7, 7, 7]]);
    assert_eq!(s.seen.fatal.as_deref(), Some("Invalid HMAC"));
    // Past the fault the input is copied as it came: nothing of the Buffer
    // JS receives is left as it was allocated.
    let fault_at = (wire.len() / 5) * 2;
    assert_eq!(dst[fault_at..], wire[fault_at..]);
}

/// A connected pair with these rekey limits, past user authentication (the
/// server's USERAUTH_SUCCESS: no automatic rekey comes before it).
fn authenticated(prefs: Preferences, client: Limits, server: Limits) -> (Side, Side) {
    let mut c = side_with_limits(false, prefs.clone(), vec![], client);
    let mut s = side_with_limits(true, prefs, vec![host_key("ssh-ed25519")], server);
    pump(&mut c, &mut s);
    assert!(s.t.send(&[52]));
    pump(&mut c, &mut s);
    assert_connected(&c, &s, "authenticated");
    c.seen.payloads.clear();
    (c, s)
}

/// CHANNEL_DATA-like payloads: type 94, then `len` bytes that tell `i`.
fn data(i: usize, len: usize) -> Vec<u8> {
    let mut p = vec![94];
    p.extend((0..len).map(|j| ((i * 7 + j) % 251) as u8));
    p
}

#[test]
fn both_sides_rekey_by_themselves_on_a_small_volume_and_the_data_arrives_intact() {
    let volume = 64 * 1024;
    let limits = Limits {
        volume: Some(volume),
        ..Limits::default()
    };
    for cipher in [
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-ctr",
        "3des-cbc",
    ] {
        let prefs = prefs_with(|p| p.cipher = vec![cipher.into()]);
        let (mut c, mut s) = authenticated(prefs, limits, limits);
        let (mut to_s, mut to_c) = (Vec::new(), Vec::new());
        // 64 packets of 16 KiB each way: 1 MiB, 16 volume limits.
        for i in 0..64 {
            let (a, b) = (data(i, 16 * 1024), data(i + 1000, 16 * 1024));
            c.t.send(&a);
            s.t.send(&b);
            to_s.push(a);
            to_c.push(b);
            pump(&mut c, &mut s);
            // The count starts again at each NEWKEYS: never more than the
            // limit's worth (plus the one packet always let through).
            for side in [&c, &s] {
                let (sent, received) = side.t.key_usage();
                for u in [sent, received] {
                    assert!(u.blocks * 8 <= volume + 17 * 1024, "{cipher}: {u:?}");
                    assert!(u.packets <= 8, "{cipher}: {u:?}");
                }
            }
        }
        assert_connected(&c, &s, cipher);
        assert!(s.seen.payloads == to_s, "{cipher}: client to server");
        assert!(c.seen.payloads == to_c, "{cipher}: server to client");
        // The first exchange, then about one per 64 KiB each way.
        for side in [&c, &s] {
            assert!(side.seen.newkeys > 10, "{cipher}: {}", side.seen.newkeys);
        }
    }
}

#[test]
fn either_side_rekeys_on_the_packets_it_sends_or_receives() {
    let few = Limits {
        packets: 50,
        ..Limits::default()
    };
    // The sender's own count; then the receiver's.
    for (client, server) in [(few, Limits::default()), (Limits::default(), few)] {
        let (mut c, mut s) = authenticated(Preferences::defaults(), client, server);
        let mut sent = Vec::new();
        for i in 0..400 {
            let p = data(i, 10);
            c.t.send(&p);
            sent.push(p);
            if i % 20 == 0 {
                pump(&mut c, &mut s);
            }
            assert!(c.t.key_usage().0.packets <= 52 + 20);
        }
        pump(&mut c, &mut s);
        assert_connected(&c, &s, "packet limit");
        assert!(s.seen.payloads == sent);
        // The first exchange, then one per 50-odd packets.
        assert!(c.seen.newkeys > 400 / 70, "{}", c.seen.newkeys);
        assert_eq!(c.seen.newkeys, s.seen.newkeys);
    }
}

#[test]
fn no_automatic_rekey_before_user_authentication_and_one_packet_per_rekey_below_one() {
    let tiny = Limits {
        volume: Some(16),
        ..Limits::default()
    };
    // Before USERAUTH_SUCCESS: none, however small the limit.
    let mut c = side_with_limits(false, Preferences::defaults(), vec![], tiny);
    let mut s = side_with_limits(
        true,
        Preferences::defaults(),
        vec![host_key("ssh-ed25519")],
        tiny,
    );
    pump(&mut c, &mut s);
    for i in 0..10 {
        c.t.send(&data(i, 1000));
        pump(&mut c, &mut s);
    }
    assert_eq!((c.seen.newkeys, s.seen.newkeys), (1, 1));
    // After it: a limit smaller than a packet lets one through per rekey.
    let (mut c, mut s) = authenticated(Preferences::defaults(), tiny, tiny);
    let mut sent = Vec::new();
    for i in 0..10 {
        let p = data(i, 1000);
        c.t.send(&p);
        sent.push(p);
        pump(&mut c, &mut s);
    }
    assert_connected(&c, &s, "tiny limit");
    assert!(s.seen.payloads == sent);
    assert!(c.seen.newkeys >= 10, "{}", c.seen.newkeys);
}

#[test]
fn a_sequence_number_never_repeats_under_the_same_keys() {
    // Our keys have sealed 2^32 - 1 packets and the peer never answers the
    // KEXINIT they call for: the data waits, and the next packet that
    // would be sealed (an UNIMPLEMENTED reply) ends the session instead.
    let (mut c, mut s) = authenticated(
        Preferences::defaults(),
        Limits::default(),
        Limits::default(),
    );
    c.t.set_packets_under_keys(PACKETS_PER_KEY - 1, 0);
    assert!(!c.t.send(&data(1, 100)), "queued behind the rekey");
    let kexinit = c.t.take_output();
    assert!(!kexinit.is_empty());
    s.t.send_raw(&[200, 0, 0, 0, 0], true);
    let unknown = s.t.take_output();
    c.feed(&unknown);
    assert_eq!(c.seen.fatal.as_deref(), Some(SEQUENCE_EXHAUSTED));
    assert!(c.t.is_dead());
    assert!(
        c.t.take_output().is_empty(),
        "nothing sealed past the limit"
    );
    assert_eq!(c.t.key_usage().0.packets, PACKETS_PER_KEY);
    c.feed(&unknown);
    assert_eq!(c.seen.fatals, 1, "reported once");

    // A fault while our keys are spent: its own error, and only that (the
    // DISCONNECT it would send cannot be sealed).
    let (mut c, mut s) = authenticated(
        Preferences::defaults(),
        Limits::default(),
        Limits::default(),
    );
    c.t.set_packets_under_keys(PACKETS_PER_KEY, 0);
    s.t.send_raw(&[21], true);
    let stray_newkeys = s.t.take_output();
    c.feed(&stray_newkeys);
    c.feed(&stray_newkeys);
    assert_eq!(c.seen.fatal.as_deref(), Some("Received unexpected packet"));
    assert_eq!(c.seen.fatals, 1);
    assert!(c.t.take_output().is_empty());

    // Received: the 2^32nd packet under the same keys is refused unopened.
    let (mut c, mut s) = authenticated(
        Preferences::defaults(),
        Limits::default(),
        Limits::default(),
    );
    s.t.set_packets_under_keys(0, PACKETS_PER_KEY - 1);
    c.t.send_raw(&data(1, 100), true);
    c.t.send_raw(&data(2, 100), true);
    let two = c.t.take_output();
    s.feed(&two);
    assert_eq!(s.seen.payloads, vec![data(1, 100)]);
    assert_eq!(s.seen.fatal.as_deref(), Some(SEQUENCE_EXHAUSTED));
}
