//! Numbers with unneeded leading zero bytes, made canonical before `ssh-key`
//! reads them. RFC 4251 says an mpint has no such bytes, and `ssh-key`'s
//! `Mpint` refuses one that has; OpenSSH (`sshbuf_get_bignum2_bytes_direct`
//! trims them) and 0.4.10 read them, so a key file or a peer's host key
//! written that way keeps working (`tests::ssh_key_refuses_leading_zeros`).

use crate::wire::{Reader, Writer};
use std::borrow::Cow;

/// The first `count` strings of `fields`, read as mpints, with unneeded
/// leading zeros dropped (a negative number is left as it is, for the
/// reader to refuse), and how many bytes of `fields` they took. Borrowed
/// when they are canonical already, as every tool writes them. None when
/// `fields` holds fewer than `count` strings.
pub fn canonical(fields: &[u8], count: usize) -> Option<(Cow<'_, [u8]>, usize)> {
    let mut r = Reader::new(fields);
    let mut tidy = true;
    for _ in 0..count {
        tidy &= unneeded_zeros(r.string().ok()?) == 0;
    }
    let used = fields.len() - r.remaining();
    if tidy {
        return Some((Cow::Borrowed(&fields[..used]), used));
    }
    let mut r = Reader::new(fields);
    let mut w = Writer::with_capacity(used);
    for _ in 0..count {
        let raw = r.string().ok()?;
        w.string(&raw[unneeded_zeros(raw)..]);
    }
    Some((Cow::Owned(w.into_vec()), used))
}

/// How many leading zero bytes of `raw` a canonical mpint would not have:
/// all of them, but one before a byte whose top bit is set (the sign).
fn unneeded_zeros(raw: &[u8]) -> usize {
    let zeros = raw.iter().take_while(|&&b| b == 0).count();
    match raw.get(zeros) {
        Some(&b) if b & 0x80 != 0 => zeros.saturating_sub(1),
        _ => zeros,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::encoding::Decode;
    use ssh_key::Mpint;

    fn strings(items: &[&[u8]]) -> Vec<u8> {
        let mut w = Writer::new();
        for i in items {
            w.string(i);
        }
        w.into_vec()
    }

    #[test]
    fn ssh_key_refuses_leading_zeros() {
        let padded = strings(&[&[0, 1, 0, 1]]);
        assert!(Mpint::decode(&mut padded.as_slice()).is_err());
        let (tidy, used) = canonical(&padded, 1).unwrap();
        assert_eq!(used, padded.len());
        assert_eq!(&tidy[..], strings(&[&[1, 0, 1]]));
        assert!(Mpint::decode(&mut &tidy[..]).is_ok());
    }

    #[test]
    fn keeps_the_sign_zero_and_borrows_canonical_input() {
        let input = strings(&[&[0, 0, 0x80], &[0], &[], &[0x7f], &[0x80, 1], b"rest"]);
        let (tidy, used) = canonical(&input, 5).unwrap();
        assert!(matches!(tidy, Cow::Owned(_)));
        assert_eq!(
            &tidy[..],
            strings(&[&[0, 0x80], &[], &[], &[0x7f], &[0x80, 1]])
        );
        assert_eq!(&input[used..], strings(&[b"rest"]));
        let already = strings(&[&[0, 0x80], &[1]]);
        assert!(matches!(
            canonical(&already, 2).unwrap().0,
            Cow::Borrowed(_)
        ));
        assert!(canonical(&already, 3).is_none());
    }
}
