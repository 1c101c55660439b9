//! RFC 8308 EXT_INFO both ways, and messages no layer knows.

use super::*;

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
