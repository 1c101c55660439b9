//! SSH wire types (RFC 4251 section 5): a bounds-checked reader and a writer.
//!
//! Every read returns `Result`; nothing here can panic on hostile input, and a
//! declared length never allocates before it is checked against what is there.

use std::borrow::Cow;
use std::fmt;

/// What went wrong while reading a wire value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireError {
    /// The input ended before the value did.
    Truncated,
    /// A value that must be UTF-8 (or ASCII) was not.
    NotUtf8,
    /// A boolean other than 0/1 where strictness matters, or an mpint that is
    /// negative or not minimally encoded where the caller asked for a positive one.
    Invalid,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WireError::Truncated => "truncated value",
            WireError::NotUtf8 => "string is not valid UTF-8",
            WireError::Invalid => "invalid value",
        })
    }
}

impl std::error::Error for WireError {}

pub type WireResult<T> = Result<T, WireError>;

/// A cursor over borrowed bytes. Reads never copy.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Offset of the next byte to be read.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The unread bytes, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// Consumes and returns everything not yet read.
    pub fn take_rest(&mut self) -> &'a [u8] {
        let rest = self.rest();
        self.pos = self.buf.len();
        rest
    }

    pub fn bytes(&mut self, n: usize) -> WireResult<&'a [u8]> {
        if n > self.remaining() {
            return Err(WireError::Truncated);
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self) -> WireResult<[u8; N]> {
        let b = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub fn u8(&mut self) -> WireResult<u8> {
        Ok(self.array::<1>()?[0])
    }

    /// RFC 4251: any non-zero byte is true.
    pub fn bool(&mut self) -> WireResult<bool> {
        Ok(self.u8()? != 0)
    }

    pub fn u32(&mut self) -> WireResult<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> WireResult<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// `string`: uint32 length, then that many bytes.
    pub fn string(&mut self) -> WireResult<&'a [u8]> {
        let len = self.u32()? as usize;
        self.bytes(len)
    }

    /// A `string` that must be UTF-8 (names, comments, messages).
    pub fn utf8(&mut self) -> WireResult<&'a str> {
        std::str::from_utf8(self.string()?).map_err(|_| WireError::NotUtf8)
    }

    /// A `string` read as text the way JS decodes it: invalid UTF-8 becomes
    /// U+FFFD rather than an error (peers send Latin-1 banners and names).
    pub fn text(&mut self) -> WireResult<Cow<'a, str>> {
        Ok(String::from_utf8_lossy(self.string()?))
    }

    /// `name-list`: a comma-separated ASCII string; empty gives no names.
    pub fn name_list(&mut self) -> WireResult<Vec<&'a str>> {
        let s = self.utf8()?;
        Ok(if s.is_empty() {
            Vec::new()
        } else {
            s.split(',').collect()
        })
    }

    /// `mpint` as its raw two's-complement bytes (possibly with a leading 0).
    pub fn mpint(&mut self) -> WireResult<&'a [u8]> {
        self.string()
    }

    /// A non-negative `mpint`, returned as big-endian magnitude without
    /// leading zero bytes (empty for zero). Negative values are refused.
    pub fn mpint_positive(&mut self) -> WireResult<&'a [u8]> {
        let raw = self.string()?;
        if raw.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(WireError::Invalid);
        }
        let skip = raw.iter().take_while(|&&b| b == 0).count();
        Ok(&raw[skip..])
    }

    /// Reads a nested `string` and returns a reader over its contents.
    pub fn sub(&mut self) -> WireResult<Reader<'a>> {
        Ok(Reader::new(self.string()?))
    }
}

/// Appends SSH wire values to a byte vector.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer { buf: Vec::new() }
    }

    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    pub fn into_vec(self) -> Vec<u8> {
        self.buf
    }

    pub fn raw(&mut self, b: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(b);
        self
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(v as u8)
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.raw(&v.to_be_bytes())
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.raw(&v.to_be_bytes())
    }

    /// `string`. Panics only if `b` is over 4 GiB, which no caller can build.
    pub fn string(&mut self, b: &[u8]) -> &mut Self {
        self.u32(u32::try_from(b.len()).expect("string over 4 GiB"));
        self.raw(b)
    }

    pub fn name_list<S: AsRef<str>>(&mut self, names: &[S]) -> &mut Self {
        let joined: Vec<&str> = names.iter().map(|s| s.as_ref()).collect();
        self.string(joined.join(",").as_bytes())
    }

    /// `mpint` from an unsigned big-endian magnitude: leading zeros are
    /// stripped and a zero byte is added when the top bit is set.
    pub fn mpint_unsigned(&mut self, magnitude: &[u8]) -> &mut Self {
        let skip = magnitude.iter().take_while(|&&b| b == 0).count();
        let m = &magnitude[skip..];
        let pad = m.first().is_some_and(|b| b & 0x80 != 0);
        self.u32((m.len() + pad as usize) as u32);
        if pad {
            self.u8(0);
        }
        self.raw(m)
    }

    /// Writes a `string` whose contents are built by `f` (nested structures).
    pub fn nested(&mut self, f: impl FnOnce(&mut Writer)) -> &mut Self {
        let at = self.buf.len();
        self.u32(0);
        f(self);
        let len = (self.buf.len() - at - 4) as u32;
        self.buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
        self
    }
}

impl From<Writer> for Vec<u8> {
    fn from(w: Writer) -> Self {
        w.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        let mut w = Writer::new();
        w.u8(7)
            .bool(true)
            .u32(0xdead_beef)
            .u64(1 << 40)
            .string(b"abc")
            .name_list(&["a", "b"])
            .mpint_unsigned(&[0, 0, 0x80, 1]);
        let v = w.into_vec();
        let mut r = Reader::new(&v);
        assert_eq!(r.u8().unwrap(), 7);
        assert!(r.bool().unwrap());
        assert_eq!(r.u32().unwrap(), 0xdead_beef);
        assert_eq!(r.u64().unwrap(), 1 << 40);
        assert_eq!(r.string().unwrap(), b"abc");
        assert_eq!(r.name_list().unwrap(), vec!["a", "b"]);
        assert_eq!(r.mpint().unwrap(), &[0, 0x80, 1]);
        assert!(r.is_empty());
    }

    #[test]
    fn mpint_encoding_follows_rfc4251_examples() {
        let enc = |m: &[u8]| Writer::new().mpint_unsigned(m).as_slice().to_vec();
        assert_eq!(enc(&[]), [0, 0, 0, 0]);
        assert_eq!(enc(&[0]), [0, 0, 0, 0]);
        assert_eq!(enc(&[0x80]), [0, 0, 0, 2, 0, 0x80]);
        assert_eq!(
            enc(&[0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7]),
            [0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7]
        );
    }

    #[test]
    fn declared_lengths_past_the_end_are_truncation_not_panics() {
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 1, 2]);
        assert_eq!(r.string(), Err(WireError::Truncated));
        assert_eq!(Reader::new(&[0, 0]).u32(), Err(WireError::Truncated));
        assert_eq!(Reader::new(&[]).u8(), Err(WireError::Truncated));
        assert_eq!(
            Reader::new(&[0, 0, 0, 1, 0x80]).mpint_positive(),
            Err(WireError::Invalid)
        );
    }

    #[test]
    fn nested_writes_fill_in_their_length() {
        let mut w = Writer::new();
        w.nested(|w| {
            w.string(b"xy");
        });
        assert_eq!(w.as_slice(), [0, 0, 0, 6, 0, 0, 0, 2, b'x', b'y']);
    }
}
