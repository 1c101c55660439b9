//! The DER that key files use: SEQUENCE, INTEGER, OCTET STRING, BIT STRING,
//! OBJECT IDENTIFIER, NULL and context tags, read and written. Small enough
//! to keep here; every length is checked against the input before use.

pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const SEQUENCE: u8 = 0x30;

/// Object identifiers, as DER content bytes.
pub mod oid {
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    pub const DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    pub const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    pub const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    pub const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
    pub const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
    pub const HMAC_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x07];
    pub const HMAC_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
    pub const HMAC_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0b];
    pub const AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
    pub const AES192_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16];
    pub const AES256_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];
    pub const DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];
}

/// One TLV: its tag and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
}

/// Reads consecutive TLVs from a buffer.
#[derive(Debug, Clone)]
pub struct DerReader<'a> {
    buf: &'a [u8],
}

impl<'a> DerReader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        DerReader { buf }
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn next(&mut self) -> Option<Tlv<'a>> {
        let (&tag, rest) = self.buf.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            first as usize
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | b as usize);
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (content, after) = rest.split_at(len);
        self.buf = after;
        Some(Tlv { tag, content })
    }

    /// The next TLV if it has `tag`.
    pub fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        let save = self.buf;
        match self.next() {
            Some(t) if t.tag == tag => Some(t.content),
            _ => {
                self.buf = save;
                None
            }
        }
    }

    /// A SEQUENCE's contents as far as they go, for a SEQUENCE whose
    /// declared length runs past the end of the input (a truncated file).
    pub fn truncated_sequence(&self) -> Option<DerReader<'a>> {
        let (&tag, rest) = self.buf.split_first()?;
        let (&first, rest) = rest.split_first()?;
        if tag != SEQUENCE {
            return None;
        }
        let skip = if first < 0x80 {
            0
        } else {
            (first & 0x7f) as usize
        };
        rest.get(skip..).map(DerReader::new)
    }

    /// A SEQUENCE's contents, as a reader.
    pub fn sequence(&mut self) -> Option<DerReader<'a>> {
        self.expect(SEQUENCE).map(DerReader::new)
    }

    /// A non-negative INTEGER as its big-endian magnitude (leading zero
    /// bytes removed; zero is empty).
    pub fn uint(&mut self) -> Option<&'a [u8]> {
        let c = self.expect(INTEGER)?;
        if c.first().is_some_and(|b| b & 0x80 != 0) {
            return None;
        }
        let skip = c.iter().take_while(|&&b| b == 0).count();
        Some(&c[skip..])
    }

    /// A small INTEGER (versions, iteration counts).
    pub fn small_uint(&mut self) -> Option<u64> {
        let m = self.uint()?;
        if m.len() > 8 {
            return None;
        }
        Some(m.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// A TLV with the given content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already-encoded parts.
pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// A non-negative INTEGER from a big-endian magnitude.
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude.iter().take_while(|&&b| b == 0).count();
    let m = &magnitude[skip..];
    let mut content = Vec::with_capacity(m.len() + 1);
    if m.is_empty() || m[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(m);
    tlv(INTEGER, &content)
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len() + 1);
    content.push(0);
    content.extend_from_slice(bytes);
    tlv(BIT_STRING, &content)
}

/// A context-specific constructed tag [n].
pub fn context(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_and_stay_positive() {
        for m in [&[][..], &[1], &[0x80], &[0, 0, 0x7f, 1], &[0xff; 300]] {
            let enc = uint(m);
            let mut r = DerReader::new(&enc);
            let back = r.uint().unwrap();
            let skip = m.iter().take_while(|&&b| b == 0).count();
            assert_eq!(back, &m[skip..]);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn long_lengths_and_truncation() {
        let big = tlv(OCTET_STRING, &[7; 1000]);
        assert_eq!(&big[..4], &[0x04, 0x82, 0x03, 0xe8]);
        assert_eq!(
            DerReader::new(&big).expect(OCTET_STRING).unwrap().len(),
            1000
        );
        for cut in 0..big.len() {
            assert!(DerReader::new(&big[..cut]).next().is_none(), "cut {cut}");
        }
        assert!(DerReader::new(&[0x30, 0x85, 1, 1, 1, 1, 1])
            .next()
            .is_none());
    }

    #[test]
    fn negative_integers_are_refused_as_uints() {
        assert!(DerReader::new(&[0x02, 0x01, 0x80]).uint().is_none());
    }
}
