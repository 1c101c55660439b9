//! Public keys as text: OpenSSH's one-line form (`type base64 [comment]`,
//! certificates included) and RFC 4716's SSH2 public key file. The blob
//! inside is read by `ssh-key` (`PublicKey::from_blob`).
//!
//! The line itself is split here, by 0.4.10's rules, not by `ssh-key`'s
//! `PublicKey::from_openssh`: that one takes exactly one space between the
//! fields (a tab, or a second space before the comment, fails the line or
//! becomes part of the comment), where 0.4.10 took any run of whitespace;
//! and which texts count as a public key line decides between 0.4.10's
//! "Malformed OpenSSH public key" and trying the next format
//! (`tests::ssh_key_splits_lines_otherwise`). RFC 4716 files `ssh-key`
//! does not read at all.

use super::error::{fail, KeyResult};
use super::public::PublicKey;
use super::Key;
use crate::crypto::signature;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

fn is_base64(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

/// `ssh-ed25519 AAAA... comment`; None when `text` is not one such line.
pub fn parse_openssh(text: &str) -> Option<KeyResult<Key>> {
    if text.contains('\n') {
        return None;
    }
    let (full_type, rest) = text.split_once(' ')?;
    let base = full_type
        .strip_suffix("-cert-v01@openssh.com")
        .or_else(|| full_type.strip_suffix("-cert-v00@openssh.com"))
        .unwrap_or(full_type);
    if !signature::is_key_type(base) {
        return None;
    }
    let (b64, comment) = match rest.split_once(char::is_whitespace) {
        Some((b, c)) => (b, c.trim()),
        None => (rest, ""),
    };
    if !is_base64(b64) {
        return None;
    }
    let Ok(blob) = STANDARD.decode(b64) else {
        return Some(fail("Malformed OpenSSH public key"));
    };
    Some(match PublicKey::from_blob(&blob) {
        Ok(public) if public.key_type() == base => Ok(Key::from_public(public, comment.to_owned())),
        _ => fail("Malformed OpenSSH public key"),
    })
}

/// An RFC 4716 file; None when `text` is not one.
pub fn parse_rfc4716(text: &str) -> Option<KeyResult<Key>> {
    let body = text
        .strip_prefix("---- BEGIN SSH2 PUBLIC KEY ----")?
        .strip_suffix("---- END SSH2 PUBLIC KEY ----")?;
    let mut comment = String::new();
    let mut b64 = String::new();
    let mut lines = body.lines().map(|l| l.trim_end_matches('\r')).peekable();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            // A header; a trailing backslash continues it on the next line.
            let mut value = value.to_owned();
            while value.ends_with('\\') {
                value.pop();
                match lines.next() {
                    Some(next) => value.push_str(next),
                    None => return Some(fail("Malformed RFC4716 public key")),
                }
            }
            if name.eq_ignore_ascii_case("comment") {
                let v = value.trim_start();
                comment = match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                    Some(inner) if v.len() > 1 => inner.to_owned(),
                    _ => v.to_owned(),
                };
            }
        } else if is_base64(line.trim()) {
            b64.push_str(line.trim());
        } else {
            return Some(fail("Malformed RFC4716 public key"));
        }
    }
    let Ok(blob) = STANDARD.decode(&b64) else {
        return Some(fail("Malformed RFC4716 public key"));
    };
    Some(match PublicKey::from_blob(&blob) {
        Ok(public) => Ok(Key::from_public(public, comment)),
        Err(_) => fail("Malformed RFC4716 public key"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti";

    #[test]
    fn ssh_key_splits_lines_otherwise() {
        // A tab before the comment: 0.4.10 read the line; ssh-key refuses it.
        let tab = format!("{LINE}\tuser@host");
        assert!(ssh_key::PublicKey::from_openssh(&tab).is_err());
        let key = parse_openssh(&tab).unwrap().unwrap();
        assert_eq!(key.comment, "user@host");
        // Two spaces: 0.4.10's comment has no leading space; ssh-key's has.
        let two = format!("{LINE}  user@host");
        let theirs = ssh_key::PublicKey::from_openssh(&two).unwrap();
        assert_eq!(theirs.comment().as_str_lossy(), " user@host");
        assert_eq!(parse_openssh(&two).unwrap().unwrap().comment, "user@host");
        // The same key either way.
        assert_eq!(
            PublicKey::from_key_data(theirs.key_data()).unwrap(),
            key.public
        );
    }
}
