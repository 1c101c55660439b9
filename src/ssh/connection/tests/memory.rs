//! What an idle connection holds, as a property: a server keeps thousands
//! of them open, so buffers sized for bulk transfer or for the key
//! exchange must not stay with it once they are not in use. Counted by
//! the tests' per-thread allocator (src/test_alloc.rs): Rust's heap
//! bytes, plus the `Connection` itself (the binding boxes it). aws-lc's
//! own contexts (one cipher per direction) are malloc'd in C and not
//! counted here.

use super::*;
use crate::test_alloc;

/// Rust bytes one idle side may hold, past the handshake, user auth and
/// one open channel: the connection's fields, the identification lines,
/// the session id, the host key (client) and the channel's window. Before
/// the padding pool went inline and the key exchange's state was boxed,
/// each side held over 6 KiB here.
const IDLE_SIDE_LIMIT: usize = 2048;

fn side(server: bool, prefs: &Arc<Preferences>) -> Peer {
    let mut cfg = Config::new(
        server,
        if server {
            "SSH-2.0-MemS"
        } else {
            "SSH-2.0-MemC"
        },
    );
    cfg.algorithms = prefs.clone();
    if server {
        cfg.host_keys = vec![host_key("ssh-ed25519")];
    }
    Peer::new(cfg)
}

/// A client and a server past the handshake, password auth and a session
/// channel's open, as scripts/bench/memory.js leaves its pairs; the test's
/// own record of events is dropped.
fn idle_pair(prefs: &Arc<Preferences>) -> (Peer, Peer) {
    let (mut c, mut s) = (side(false, prefs), side(true, prefs));
    pump(&mut c, &mut s);
    let method = AuthMethod::Password {
        password: "pw".into(),
        new_password: None,
    };
    c.conn.send_auth("user", method);
    pump(&mut c, &mut s);
    assert_eq!(s.conn.auth_success(), Ok(Sent::Sealed));
    pump(&mut c, &mut s);
    super::channel::open_session(&mut c, &mut s);
    assert_ready(&c, &s, "idle pair");
    c.seen = Vec::new();
    s.seen = Vec::new();
    (c, s)
}

/// Rust bytes held per side by an idle pair with `prefs`.
fn held_per_side(prefs: Preferences) -> usize {
    let prefs = Arc::new(prefs);
    // Once-per-process state (test keys, tables) is made by a first pair.
    drop(idle_pair(&prefs));
    let before = test_alloc::live();
    let pair = idle_pair(&prefs);
    let heap = test_alloc::live() - before;
    drop(pair);
    heap as usize / 2 + std::mem::size_of::<Connection>()
}

fn prefs(kex: &str, cipher: &str, mac: &str) -> Preferences {
    let mut p = (*Preferences::shared_defaults()).clone();
    p.kex = vec![kex.into()];
    p.cipher = vec![cipher.into()];
    p.mac = vec![mac.into()];
    p
}

#[test]
fn an_idle_connection_holds_no_buffers_from_its_handshake() {
    for (cipher, mac) in [
        ("aes128-gcm@openssh.com", "hmac-sha2-256"),
        ("chacha20-poly1305@openssh.com", "hmac-sha2-256"),
        ("aes128-ctr", "hmac-sha2-256"),
        ("aes256-ctr", "hmac-sha2-512-etm@openssh.com"),
    ] {
        let held = held_per_side(prefs("curve25519-sha256", cipher, mac));
        assert!(
            held <= IDLE_SIDE_LIMIT,
            "{cipher} {mac}: {held} bytes per side"
        );
    }
}

#[test]
fn a_post_quantum_exchange_leaves_only_its_public_value() {
    // Each side keeps its own public value (0.4.10's
    // `_state.outgoing.pubkey`): 1216 bytes for the client, 1120 for the
    // server, at their exact size.
    let held = held_per_side(prefs(
        "mlkem768x25519-sha256",
        "aes128-gcm@openssh.com",
        "hmac-sha2-256",
    ));
    assert!(held <= IDLE_SIDE_LIMIT + 1216, "{held} bytes per side");
}

#[test]
fn the_partial_packet_buffer_is_freed_once_the_packet_is_whole() {
    let prefs = Arc::new(prefs(
        "curve25519-sha256",
        "aes128-gcm@openssh.com",
        "hmac-sha2-256",
    ));
    let (mut c, mut s) = idle_pair(&prefs);
    let data = vec![7u8; 30_000];
    s.conn.send(&Message::ChannelData {
        recipient: 0,
        data: &data,
    });
    let wire = s.conn.poll_transmit().unwrap();
    let before = test_alloc::live();
    // A packet in three pieces: the first two are held back.
    let (a, rest) = wire.split_at(1000);
    let (b, last) = rest.split_at(20_000);
    c.feed(a);
    c.feed(b);
    assert!(
        test_alloc::live() - before >= 20_000,
        "the partial packet is held"
    );
    c.feed(last);
    assert_eq!(c.data(0), data);
    c.seen = Vec::new();
    assert!(
        test_alloc::live() - before <= 0,
        "{} bytes still held after the packet was opened",
        test_alloc::live() - before
    );
}
