//! Key exchange, identification, quirks and the end of a connection.

use super::*;
use crate::crypto;
use crate::ssh::channel_request::{ChannelRequestKind, ExitSignalName};
use crate::ssh::DecodeContext;
use crate::transport::algorithms;
use crate::transport::engine::reason;
use crate::transport::quirks::Bugs;

fn prefs_with(f: impl FnOnce(&mut Preferences)) -> Preferences {
    let mut p = Preferences::defaults();
    f(&mut p);
    p
}

#[test]
fn every_kex_with_every_host_key_type_reaches_ready_and_agrees_on_the_session_id() {
    let kexes: Vec<_> = algorithms::KEX
        .supported()
        .filter(|n| crypto::implemented("kex", n))
        .collect();
    assert!(kexes.len() >= 8, "{kexes:?}");
    for kex in kexes {
        for (hk, key_type) in [
            ("ssh-ed25519", "ssh-ed25519"),
            ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"),
            ("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384"),
            ("ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521"),
            ("rsa-sha2-512", "ssh-rsa"),
            ("rsa-sha2-256", "ssh-rsa"),
            ("ssh-rsa", "ssh-rsa"),
        ] {
            let prefs = prefs_with(|p| {
                p.kex = vec![kex.into()];
                p.host_key = vec![hk.into()];
            });
            let (c, s) = connected(prefs, key_type);
            let what = format!("{kex} + {hk}");
            assert_ready(&c, &s, &what);
            assert_eq!(
                c.seen.iter().find(|e| matches!(e, Seen::HostKey(_))),
                Some(&Seen::HostKey(host_key(key_type).public_blob().to_vec())),
                "{what}"
            );
            assert!(c.conn.session_id().is_some(), "{what}");
            assert_eq!(c.conn.session_id(), s.conn.session_id(), "{what}");
            assert_eq!(c.seen[0], Seen::Header("ConnTestServer".into()));
            assert_eq!(s.seen[0], Seen::Header("ConnTestClient".into()));
        }
    }
}

#[test]
fn a_refused_host_key_ends_the_handshake_with_key_exchange_failed() {
    let mut c = Peer::new(config(false, Preferences::defaults()));
    c.accept_host_key = false;
    let mut scfg = config(true, Preferences::defaults());
    scfg.host_keys = vec![host_key("ssh-ed25519")];
    let mut s = Peer::new(scfg);
    pump(&mut c, &mut s);
    assert!(!c.conn.is_ready());
    assert!(c.conn.is_closed());
    assert!(s
        .seen
        .contains(&Seen::Disconnect(3, "KEY_EXCHANGE_FAILED", String::new())));
}

#[test]
fn a_disconnect_reaches_the_peer_by_name_and_ends_both_sides() {
    let (mut c, mut s) = logged_in(Preferences::defaults());
    c.conn.disconnect(reason::BY_APPLICATION);
    assert!(c.conn.is_closed());
    assert_eq!(c.conn.ping(), Sent::Dropped);
    pump(&mut c, &mut s);
    assert_eq!(
        s.seen.last(),
        Some(&Seen::Received(1)),
        "one packet reported"
    );
    assert!(s
        .seen
        .contains(&Seen::Disconnect(11, "BY_APPLICATION", String::new())));
    assert!(s.conn.is_closed());
    assert_eq!(reason::name(99), "UNKNOWN");
    assert_eq!(reason::name(0), "UNKNOWN");
}

#[test]
fn a_message_the_session_layer_cannot_decode_ends_the_connection_with_protocol_error() {
    let (mut c, mut s) = logged_in(Preferences::defaults());
    // CHANNEL_DATA cut short, then a message that must not be reported.
    c.conn.send_raw(&[94, 0, 0], false);
    c.conn.send_raw(&[80, 0, 0, 0, 1, b'x', 0], false);
    pump(&mut c, &mut s);
    let fatal = s.fatal().expect("server failed").to_owned();
    assert!(fatal.contains("CHANNEL_DATA"), "{fatal}");
    assert!(s.conn.is_closed());
    assert!(s.messages().iter().all(|p| p[0] != 80), "nothing after it");
    assert!(c
        .seen
        .contains(&Seen::Disconnect(2, "PROTOCOL_ERROR", String::new())));
}

#[test]
fn the_peer_s_bugs_come_from_its_version_and_old_exit_reads_a_numeric_signal() {
    let prefs = Preferences::defaults();
    let mut c = Peer::new(config(false, prefs.clone()));
    let mut scfg = config(true, prefs);
    // An old SSH.com server: its version is digits and dots.
    scfg.ident = "SSH-2.0-3.2.9".into();
    scfg.host_keys = vec![host_key("ssh-ed25519")];
    let mut s = Peer::new(scfg);
    pump(&mut c, &mut s);
    assert_ready(&c, &s, "old server");
    assert_eq!(c.conn.bugs(), Bugs::OLD_EXIT);
    assert_eq!(s.conn.bugs(), Bugs::default());
    // exit-signal with a number where a name belongs.
    let mut p = vec![98, 0, 0, 0, 0, 0, 0, 0, 11];
    p.extend_from_slice(b"exit-signal");
    p.extend_from_slice(&[0, 0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0]);
    s.conn.send_raw(&p, false);
    pump(&mut c, &mut s);
    assert_eq!(c.fatal(), None);
    let got = *c.messages().last().unwrap();
    let ctx = DecodeContext {
        pending_auth_method: None,
        old_exit: true,
    };
    match Message::decode(got, ctx).unwrap() {
        Message::ChannelRequest(r) => assert!(matches!(
            r.kind,
            ChannelRequestKind::ExitSignal {
                signal: ExitSignalName::Number(15),
                ..
            }
        )),
        other => panic!("{other:?}"),
    }
    // The app's own view wins until the next identification (none here).
    c.conn.set_bugs(Bugs::default());
    s.conn.send_raw(&p, false);
    pump(&mut c, &mut s);
    assert!(
        c.fatal().is_some(),
        "read as a name, the numeric form fails"
    );
}
