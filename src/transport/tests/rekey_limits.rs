//! Rekeying by ourselves on the volume or packets sent or received.

use super::*;

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
