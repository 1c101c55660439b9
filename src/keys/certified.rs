//! A private key followed by its OpenSSH certificate in one text (a key
//! file, then its `-cert.pub` line): what an ssh2@0.8 app can pass as
//! `privateKey` to log in with a user certificate. The key then shows the
//! certificate to the peer (its type name and blob) and signs as the key
//! the certificate certifies (PROTOCOL.certkeys). A certificate line on
//! its own still reads as the key it certifies (`public_text`).

use super::error::{fail, KeyResult};
use super::public::PublicKey;
use super::Key;
use crate::wire::Reader;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// What ends a certificate's type name (`ssh-ed25519-cert-v01@openssh.com`).
pub const CERT_SUFFIX: &str = "-cert-v01@openssh.com";

const MALFORMED: &str = "Malformed OpenSSH certificate";
const NOT_PRIVATE: &str = "A certificate must follow a private key";

/// The key text and the certificate line, when the last line of `text`
/// names a certificate type and something comes before it.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let (head, last) = text.trim_end().rsplit_once('\n')?;
    let last = last.trim();
    let (name, _) = last.split_once(' ')?;
    name.ends_with(CERT_SUFFIX).then(|| (head.trim_end(), last))
}

/// The certificate's own type name, read from its blob (the line's first
/// word is only a label).
fn cert_type(blob: &[u8]) -> Option<&str> {
    Reader::new(blob)
        .utf8()
        .ok()
        .filter(|n| n.ends_with(CERT_SUFFIX))
}

/// Gives the private keys of `keys` the certificate `line`. Fails when the
/// line is not a certificate we read, when a key is not private, or when
/// the certificate certifies some other key.
pub fn attach(keys: &mut [Key], line: &str) -> KeyResult<()> {
    let mut words = line.split_whitespace();
    let (Some(label), Some(b64)) = (words.next(), words.next()) else {
        return fail(MALFORMED);
    };
    let Ok(blob) = STANDARD.decode(b64) else {
        return fail(MALFORMED);
    };
    if cert_type(&blob) != Some(label) {
        return fail(MALFORMED);
    }
    let public = match PublicKey::from_blob(&blob) {
        Ok(public) => public,
        Err(e) => return fail(format!("{MALFORMED}: {e}")),
    };
    if keys.is_empty() {
        return fail(NOT_PRIVATE);
    }
    for key in keys.iter_mut() {
        if !key.is_private() {
            return fail(NOT_PRIVATE);
        }
        if key.public != public {
            return fail(
                "The certificate is not for this private key (it certifies a different key)",
            );
        }
        key.key_type = label.to_owned();
        key.public_blob = blob.clone();
    }
    Ok(())
}

/// Whether `key` carries a certificate attached by [`attach`].
pub fn is_certified(key: &Key) -> bool {
    key.key_type.ends_with(CERT_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_only_a_trailing_certificate_line() {
        let text =
            "-----BEGIN X-----\nAAAA\n-----END X-----\nssh-ed25519-cert-v01@openssh.com AAAA c\n";
        let (key, line) = split(text).unwrap();
        assert!(key.ends_with("-----END X-----"));
        assert_eq!(line, "ssh-ed25519-cert-v01@openssh.com AAAA c");
        assert!(split("ssh-ed25519-cert-v01@openssh.com AAAA").is_none());
        assert!(split("a\nssh-ed25519 AAAA").is_none());
        assert!(split("a\nssh-ed25519-cert-v00@openssh.com AAAA").is_none());
    }

    #[test]
    fn a_certificate_of_another_key_is_refused() {
        let key = Key::generate("ssh-ed25519", 0).unwrap();
        let other = Key::generate("ssh-ed25519", 0).unwrap();
        // A minimal certificate blob of `other` (its fields past the key
        // are not read when attaching).
        let mut w = crate::wire::Writer::new();
        w.string(b"ssh-ed25519-cert-v01@openssh.com")
            .string(b"nonce");
        other.public.write_fields(&mut w);
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, w.into_vec());
        let line = format!("ssh-ed25519-cert-v01@openssh.com {b64}");
        let mut keys = vec![key];
        let err = attach(&mut keys, &line).unwrap_err();
        assert!(err.0.contains("not for this private key"), "{}", err.0);
        let mut keys = vec![other];
        attach(&mut keys, &line).unwrap();
        assert!(is_certified(&keys[0]));
        assert_eq!(keys[0].key_type, "ssh-ed25519-cert-v01@openssh.com");
    }
}
