//! What a client asks: the server side's decoding of request packets.

use super::attrs::Attrs;
use super::req;
use crate::wire::{Reader, WireResult};

/// One request, with 0.4.10's event name and argument order.
#[derive(Debug, PartialEq, Eq)]
pub enum Request<'a> {
    Open {
        path: &'a [u8],
        pflags: u32,
        attrs: Attrs,
    },
    /// CLOSE, FSTAT and READDIR: a handle.
    Handle {
        kind: u8,
        handle: &'a [u8],
    },
    Read {
        handle: &'a [u8],
        offset: u64,
        len: u32,
    },
    Write {
        handle: &'a [u8],
        offset: u64,
        data: &'a [u8],
    },
    /// LSTAT, STAT, OPENDIR, REMOVE, RMDIR, REALPATH, READLINK: a path.
    Path {
        kind: u8,
        path: &'a [u8],
    },
    /// SETSTAT and MKDIR.
    PathAttrs {
        kind: u8,
        path: &'a [u8],
        attrs: Attrs,
    },
    FSetStat {
        handle: &'a [u8],
        attrs: Attrs,
    },
    /// RENAME (old, new) and SYMLINK (link, target) in the order the
    /// event reports them.
    TwoPaths {
        kind: u8,
        first: &'a [u8],
        second: &'a [u8],
    },
    Extended {
        name: &'a [u8],
        data: &'a [u8],
    },
}

impl<'a> Request<'a> {
    /// The event name 0.4.10 emitted for a request type.
    pub fn event_name(kind: u8) -> Option<&'static str> {
        Some(match kind {
            req::OPEN => "OPEN",
            req::CLOSE => "CLOSE",
            req::READ => "READ",
            req::WRITE => "WRITE",
            req::LSTAT => "LSTAT",
            req::FSTAT => "FSTAT",
            req::SETSTAT => "SETSTAT",
            req::FSETSTAT => "FSETSTAT",
            req::OPENDIR => "OPENDIR",
            req::READDIR => "READDIR",
            req::REMOVE => "REMOVE",
            req::MKDIR => "MKDIR",
            req::RMDIR => "RMDIR",
            req::REALPATH => "REALPATH",
            req::STAT => "STAT",
            req::RENAME => "RENAME",
            req::READLINK => "READLINK",
            req::SYMLINK => "SYMLINK",
            req::EXTENDED => "EXTENDED",
            _ => return None,
        })
    }

    /// Decodes the body after the request id. `openssh_symlink`: the peer
    /// is OpenSSH, whose SYMLINK sends target before link.
    pub fn decode(kind: u8, r: &mut Reader<'a>, openssh_symlink: bool) -> WireResult<Request<'a>> {
        Ok(match kind {
            req::OPEN => Request::Open {
                path: r.string()?,
                pflags: r.u32()?,
                attrs: Attrs::decode(r)?,
            },
            req::CLOSE | req::FSTAT | req::READDIR => Request::Handle {
                kind,
                handle: r.string()?,
            },
            req::READ => Request::Read {
                handle: r.string()?,
                offset: r.u64()?,
                len: r.u32()?,
            },
            req::WRITE => Request::Write {
                handle: r.string()?,
                offset: r.u64()?,
                data: r.string()?,
            },
            req::SETSTAT | req::MKDIR => Request::PathAttrs {
                kind,
                path: r.string()?,
                attrs: Attrs::decode(r)?,
            },
            req::FSETSTAT => Request::FSetStat {
                handle: r.string()?,
                attrs: Attrs::decode(r)?,
            },
            req::RENAME | req::SYMLINK => {
                let (a, b) = (r.string()?, r.string()?);
                let swap = kind == req::SYMLINK && openssh_symlink;
                let (first, second) = if swap { (b, a) } else { (a, b) };
                Request::TwoPaths {
                    kind,
                    first,
                    second,
                }
            }
            req::EXTENDED => Request::Extended {
                name: r.string()?,
                data: r.take_rest(),
            },
            _ => Request::Path {
                kind,
                path: r.string()?,
            },
        })
    }
}
