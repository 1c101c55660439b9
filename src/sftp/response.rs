//! What a server answers: the client side's decoding of response packets.

use super::attrs::Attrs;
use super::res;
use crate::wire::{Reader, WireResult};

#[derive(Debug, PartialEq, Eq)]
pub struct Name<'a> {
    pub filename: &'a [u8],
    pub longname: &'a [u8],
    pub attrs: Attrs,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Response<'a> {
    Status {
        code: u32,
        /// None when the server left the message out (OpenSSH tolerates it).
        message: Option<&'a [u8]>,
        lang: &'a [u8],
    },
    Handle(&'a [u8]),
    Data(&'a [u8]),
    Name(Vec<Name<'a>>),
    Attrs(Attrs),
    Extended(&'a [u8]),
}

impl<'a> Response<'a> {
    /// Decodes the body after the request id; None for a type that is not a
    /// response.
    pub fn decode(kind: u8, r: &mut Reader<'a>) -> Option<WireResult<Response<'a>>> {
        Some(match kind {
            res::STATUS => decode_status(r),
            res::HANDLE => r.string().map(Response::Handle),
            res::DATA => r.string().map(Response::Data),
            res::NAME => decode_names(r).map(Response::Name),
            res::ATTRS => Attrs::decode(r).map(Response::Attrs),
            res::EXTENDED_REPLY => Ok(Response::Extended(r.take_rest())),
            _ => return None,
        })
    }
}

/// The message and language are optional in practice (as OpenSSH reads
/// them); a code alone is a valid status.
fn decode_status<'a>(r: &mut Reader<'a>) -> WireResult<Response<'a>> {
    let code = r.u32()?;
    let message = if r.remaining() >= 4 {
        Some(r.string()?)
    } else {
        None
    };
    let lang = if r.remaining() >= 4 { r.string()? } else { &[] };
    Ok(Response::Status {
        code,
        message,
        lang,
    })
}

fn decode_names<'a>(r: &mut Reader<'a>) -> WireResult<Vec<Name<'a>>> {
    let count = r.u32()? as usize;
    // An entry takes at least 12 bytes (two empty strings and the attrs
    // flags): a count that cannot fit is refused before any is read, and
    // a reply within the client's packet limit holds at most 21844.
    if count > r.remaining() / 12 {
        return Err(crate::wire::WireError::Truncated);
    }
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        names.push(Name {
            filename: r.string()?,
            longname: r.string()?,
            attrs: Attrs::decode(r)?,
        });
    }
    Ok(names)
}

/// statvfs@openssh.com / fstatvfs@openssh.com replies: eleven uint64s.
pub fn decode_statvfs(data: &[u8]) -> WireResult<[u64; 11]> {
    let mut r = Reader::new(data);
    let mut out = [0u64; 11];
    for v in out.iter_mut() {
        *v = r.u64()?;
    }
    Ok(out)
}

/// limits@openssh.com replies: max packet, read and write lengths, and
/// open handles.
pub fn decode_limits(data: &[u8]) -> WireResult<[u64; 4]> {
    let mut r = Reader::new(data);
    Ok([r.u64()?, r.u64()?, r.u64()?, r.u64()?])
}
