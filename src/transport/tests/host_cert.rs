//! Host certificates in memory (issue 19): a server with a certified host
//! key offers the certificate names first, shows the certificate under them
//! and signs as its key; a client offers them only when named, and sees
//! the certificate blob in its host key check.

use super::*;
use crate::keys::certified;
use crate::wire::Writer;
use base64::Engine;

/// `key_type` key with a certificate attached. The blob holds what the
/// transport reads of one (type, nonce, the key); the rest of a real
/// certificate is the app's to check.
fn certified_key(key_type: &str) -> Arc<Key> {
    let cert_type = format!("{key_type}{}", crate::keys::CERT_SUFFIX);
    let key = Key::generate(key_type, 2048).unwrap();
    let mut w = Writer::new();
    w.string(cert_type.as_bytes()).string(b"nonce");
    key.public.write_fields(&mut w);
    let b64 = base64::engine::general_purpose::STANDARD.encode(w.into_vec());
    let mut keys = vec![key];
    certified::attach(&mut keys, &format!("{cert_type} {b64}")).unwrap();
    Arc::new(keys.pop().unwrap())
}

/// What the client saw: the server's host key list, the agreed name, the
/// blob it was asked about, and a fatal error.
#[derive(Default)]
struct ClientView {
    offered: Vec<String>,
    agreed: Option<String>,
    blob: Option<Vec<u8>>,
    fatal: Option<String>,
}

fn run(
    client_host_keys: Option<&[&str]>,
    server_host_keys: Option<&[&str]>,
    key: Arc<Key>,
) -> ClientView {
    let names = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    let c_prefs = prefs_with(|p| {
        if let Some(l) = client_host_keys {
            p.host_key = names(l);
        }
    });
    let s_prefs = match server_host_keys {
        Some(l) => prefs_with(|p| p.host_key = names(l)),
        // The shared defaults, as a session that names none has.
        None => (*Preferences::shared_defaults()).clone(),
    };
    let mut c = side(false, c_prefs, vec![]);
    let mut s = side(true, s_prefs, vec![key]);
    let mut view = ClientView::default();
    for _ in 0..100 {
        let a = c.t.take_output();
        let b = s.t.take_output();
        if a.is_empty() && b.is_empty() {
            break;
        }
        s.feed(&a);
        let mut asked = false;
        c.t.feed(&b, &mut |e| match e {
            Event::Offers { remote, .. } => view.offered = remote.host_key.clone(),
            Event::Negotiated(n) => view.agreed = Some(n.host_key.clone()),
            Event::HostKey { blob, .. } => {
                view.blob = Some(blob);
                asked = true;
            }
            Event::Fatal { message, .. } => view.fatal = Some(message),
            _ => {}
        });
        if asked {
            c.t.host_key_verdict(true, &mut |_| {});
        }
    }
    view
}

#[test]
fn a_certificate_is_offered_first_shown_and_signed_as_its_key() {
    for (key_type, first, plain) in [
        (
            "ssh-ed25519",
            &["ssh-ed25519-cert-v01@openssh.com"][..],
            &["ssh-ed25519"][..],
        ),
        (
            "ecdsa-sha2-nistp384",
            &["ecdsa-sha2-nistp384-cert-v01@openssh.com"][..],
            &["ecdsa-sha2-nistp384"][..],
        ),
        (
            "ssh-rsa",
            &[
                "rsa-sha2-512-cert-v01@openssh.com",
                "rsa-sha2-256-cert-v01@openssh.com",
                "ssh-rsa-cert-v01@openssh.com",
            ][..],
            &["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"][..],
        ),
    ] {
        let key = certified_key(key_type);
        let expected: Vec<&str> = first.iter().chain(plain).copied().collect();
        // Server with the default list, or naming the certificate's type
        // alone (as ssh2's Server does): certificate names, then plain.
        let cert_type = key.key_type().to_owned();
        for server in [None, Some(&[cert_type.as_str()][..])] {
            for name in first {
                let v = run(Some(&[name]), server, key.clone());
                assert_eq!(v.fatal, None, "{name}");
                assert_eq!(v.offered, expected, "{key_type}");
                assert_eq!(v.agreed.as_deref(), Some(*name));
                assert_eq!(v.blob.as_deref(), Some(key.public_blob()), "{name}");
            }
        }
        // A client naming none gets the plain key, shown as itself.
        let v = run(None, None, key.clone());
        assert_eq!(v.fatal, None);
        assert_eq!(v.agreed.as_deref(), Some(plain[0]));
        assert_eq!(v.blob, Some(key.public.to_blob()));
        // A server naming only plain names offers no certificate.
        let v = run(Some(&[first[0]]), Some(plain), key.clone());
        assert_eq!(v.offered, plain);
        assert!(v.fatal.is_some(), "no common host key algorithm");
    }
}

#[test]
fn without_a_certificate_the_default_offer_is_unchanged() {
    let key = host_key("ssh-ed25519");
    let v = run(None, None, key.clone());
    assert_eq!(v.offered, ["ssh-ed25519"]);
    let v = run(Some(&["ssh-ed25519-cert-v01@openssh.com"]), None, key);
    assert!(v.fatal.is_some(), "a certificate name needs a certificate");
}
