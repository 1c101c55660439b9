//! Received bytes: garbage, damage, compression, opening from the input.

use super::*;

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
