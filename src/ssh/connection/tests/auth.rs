//! User authentication through whole connections: password, publickey
//! (query, PK_OK, signature checked by the server over what it covers),
//! and the server's rules on answers.

use super::*;
use crate::ssh::msg;
use crate::ssh::AuthStateError;

#[test]
fn password_auth_reaches_the_server_and_its_success_the_client() {
    let (c, s) = logged_in(Preferences::defaults());
    let req = s.messages()[0].to_vec();
    assert_eq!(req[0], msg::USERAUTH_REQUEST);
    assert!(req.windows(8).any(|w| w == b"password"));
    assert_eq!(c.messages(), vec![&[msg::USERAUTH_SUCCESS][..]]);
}

/// Publickey auth of a client key of `key_type`: returns the signature
/// algorithm the client chose.
fn publickey_login(key_type: &str) -> String {
    let (mut c, mut s) = connected(Preferences::defaults(), "ssh-ed25519");
    let key = Key::generate(key_type, 2048).unwrap();
    let blob = key.public_blob().to_vec();
    // The query, answered with PK_OK.
    let algo = c.conn.signature_algorithm(key.key_type());
    let query = AuthMethod::PublicKey {
        algorithm: algo.as_str().into(),
        key: &blob,
        signature: None,
    };
    c.conn.send_auth("user", query);
    pump(&mut c, &mut s);
    assert_eq!(
        s.seen
            .iter()
            .filter(|e| matches!(e, Seen::Message(_, None)))
            .count(),
        1
    );
    assert_eq!(s.conn.auth_pk_ok(key.key_type(), &blob), Ok(Sent::Sealed));
    pump(&mut c, &mut s);
    assert_eq!(c.messages().last().unwrap()[0], msg::USERAUTH_60);
    // The signed request.
    let method = AuthMethod::PublicKey {
        algorithm: algo.as_str().into(),
        key: &blob,
        signature: None,
    };
    let to_sign = c.conn.data_to_sign("user", method);
    assert_eq!(to_sign.algorithm, algo);
    let sig = key.sign(&algo, &to_sign.data).unwrap();
    let wrapped = crate::ssh::auth::signature_blob(&algo, &sig);
    let signed = AuthMethod::PublicKey {
        algorithm: algo.as_str().into(),
        key: &blob,
        signature: Some(&wrapped),
    };
    c.conn.send_auth("user", signed);
    pump(&mut c, &mut s);
    // The server was given the bare signature and what it covers: the
    // same bytes the client signed, and they verify with the public key.
    let (got_sig, covered) = s
        .seen
        .iter()
        .find_map(|e| match e {
            Seen::Message(_, Some(signed)) => Some(signed.clone()),
            _ => None,
        })
        .expect("a signed request");
    assert_eq!(covered, to_sign.data);
    assert_eq!(got_sig, sig);
    let public = Key::from_public_blob(&blob).unwrap();
    assert!(public.verify(&algo, &covered, &got_sig));
    let mut tampered = covered.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert!(!public.verify(&algo, &tampered, &got_sig));
    assert_eq!(s.conn.auth_success(), Ok(Sent::Sealed));
    pump(&mut c, &mut s);
    assert_eq!(c.messages().last(), Some(&&[msg::USERAUTH_SUCCESS][..]));
    algo
}

#[test]
fn publickey_auth_signs_what_the_server_checks_for_ed25519_ecdsa_and_rsa() {
    assert_eq!(publickey_login("ssh-ed25519"), "ssh-ed25519");
    assert_eq!(
        publickey_login("ecdsa-sha2-nistp256"),
        "ecdsa-sha2-nistp256"
    );
    // Our server lists server-sig-algs: an RSA key signs with SHA-512.
    assert_eq!(publickey_login("ssh-rsa"), "rsa-sha2-512");
}

#[test]
fn a_server_answers_only_requests_it_has_and_ignores_them_after_success() {
    let (mut c, mut s) = connected(Preferences::defaults(), "ssh-ed25519");
    assert_eq!(s.conn.auth_success(), Err(AuthStateError::NoAuthInProgress));
    assert_eq!(
        s.conn.auth_pk_ok("ssh-ed25519", &[1]),
        Err(AuthStateError::PublickeyNotInProgress)
    );
    c.conn.send_auth("user", AuthMethod::None);
    pump(&mut c, &mut s);
    assert_eq!(s.conn.auth_failure(&["publickey"], false), Ok(Sent::Sealed));
    assert_eq!(
        s.conn.auth_failure(&["publickey"], false),
        Err(AuthStateError::NoAuthInProgress)
    );
    pump(&mut c, &mut s);
    assert_eq!(c.messages().last().unwrap()[0], msg::USERAUTH_FAILURE);
    c.conn.send_auth("user", AuthMethod::None);
    pump(&mut c, &mut s);
    assert_eq!(s.conn.auth_success(), Ok(Sent::Sealed));
    pump(&mut c, &mut s);
    // RFC 4252 5.1: requests after success are not reported.
    let before = s.messages().len();
    c.conn.send_auth("user", AuthMethod::None);
    pump(&mut c, &mut s);
    assert_eq!(s.messages().len(), before);
    assert_eq!(s.fatal(), None);
}
