//! Key exchange between our client and server: every method and host key
//! type, every cipher and MAC, rekeys, strict kex, refusals.

use super::*;

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
