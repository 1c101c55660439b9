//! Building SFTP packets: `uint32 length, byte type, [uint32 id], body`.

use super::attrs::Attrs;
use super::{req, res};
use crate::wire::Writer;

/// One packet around what `body` writes.
fn packet(kind: u8, id: Option<u32>, capacity: usize, body: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::with_capacity(capacity + 13);
    w.nested(|w| {
        w.u8(kind);
        if let Some(id) = id {
            w.u32(id);
        }
        body(w);
    });
    w.into_vec()
}

/// INIT (client) or VERSION (server) with extension pairs.
pub fn hello(server: bool, version: u32, extensions: &[(&str, &[u8])]) -> Vec<u8> {
    let kind = if server { res::VERSION } else { req::INIT };
    packet(kind, None, 64, |w| {
        w.u32(version);
        for (name, data) in extensions {
            w.string(name.as_bytes()).string(data);
        }
    })
}

pub fn open(id: u32, path: &[u8], pflags: u32, attrs: &Attrs) -> Vec<u8> {
    packet(req::OPEN, Some(id), path.len() + 40, |w| {
        w.string(path).u32(pflags);
        attrs.encode(w);
    })
}

/// CLOSE, FSTAT, READDIR: a handle; LSTAT, STAT, ...: a path. Both are one
/// string after the id.
pub fn one_string(kind: u8, id: u32, s: &[u8]) -> Vec<u8> {
    packet(kind, Some(id), s.len() + 4, |w| {
        w.string(s);
    })
}

/// SETSTAT, MKDIR (path) and FSETSTAT (handle), then attributes.
pub fn string_attrs(kind: u8, id: u32, s: &[u8], attrs: &Attrs) -> Vec<u8> {
    packet(kind, Some(id), s.len() + 40, |w| {
        w.string(s);
        attrs.encode(w);
    })
}

/// RENAME and SYMLINK: two paths in wire order.
pub fn two_strings(kind: u8, id: u32, a: &[u8], b: &[u8]) -> Vec<u8> {
    packet(kind, Some(id), a.len() + b.len() + 8, |w| {
        w.string(a).string(b);
    })
}

pub fn read(id: u32, handle: &[u8], offset: u64, len: u32) -> Vec<u8> {
    packet(req::READ, Some(id), handle.len() + 16, |w| {
        w.string(handle).u64(offset).u32(len);
    })
}

pub fn write(id: u32, handle: &[u8], offset: u64, data: &[u8]) -> Vec<u8> {
    [write_head(id, handle, offset, data.len()), data.to_vec()].concat()
}

/// WRITE up to its data, which the caller appends.
pub fn write_head(id: u32, handle: &[u8], offset: u64, data_len: usize) -> Vec<u8> {
    head_of(req::WRITE, id, handle.len() + 12, data_len, |w| {
        w.string(handle).u64(offset);
    })
}

/// A packet whose last field is `string data`, up to that data: its length
/// already counts the data, which the caller appends, so that bulk data is
/// copied once, into the buffer that goes out.
fn head_of(
    kind: u8,
    id: u32,
    capacity: usize,
    data_len: usize,
    fields: impl FnOnce(&mut Writer),
) -> Vec<u8> {
    let mut p = packet(kind, Some(id), capacity + 4, |w| {
        fields(w);
        w.u32(data_len as u32);
    });
    let len = u32::from_be_bytes([p[0], p[1], p[2], p[3]]).wrapping_add(data_len as u32);
    p[..4].copy_from_slice(&len.to_be_bytes());
    p
}

/// EXTENDED: the name, then request-specific bytes as they are.
pub fn extended(id: u32, name: &[u8], data: &[u8]) -> Vec<u8> {
    packet(req::EXTENDED, Some(id), name.len() + data.len() + 4, |w| {
        w.string(name).raw(data);
    })
}

pub fn status(id: u32, code: u32, message: &[u8], lang: &[u8]) -> Vec<u8> {
    packet(
        res::STATUS,
        Some(id),
        message.len() + lang.len() + 12,
        |w| {
            w.u32(code).string(message).string(lang);
        },
    )
}

/// HANDLE and DATA: one string.
pub fn handle(id: u32, h: &[u8]) -> Vec<u8> {
    one_string(res::HANDLE, id, h)
}

pub fn data(id: u32, d: &[u8]) -> Vec<u8> {
    [data_head(id, d.len()), d.to_vec()].concat()
}

/// DATA up to its data, which the caller appends.
pub fn data_head(id: u32, data_len: usize) -> Vec<u8> {
    head_of(res::DATA, id, 0, data_len, |_| {})
}

pub fn name(id: u32, names: &[(Vec<u8>, Vec<u8>, Option<Attrs>)]) -> Vec<u8> {
    let size: usize = names.iter().map(|(f, l, _)| f.len() + l.len() + 40).sum();
    packet(res::NAME, Some(id), size, |w| {
        w.u32(names.len() as u32);
        for (filename, longname, attrs) in names {
            w.string(filename).string(longname);
            match attrs {
                Some(a) => a.encode(w),
                None => {
                    w.u32(0);
                }
            }
        }
    })
}

pub fn attrs(id: u32, a: &Attrs) -> Vec<u8> {
    packet(res::ATTRS, Some(id), 40, |w| a.encode(w))
}

pub fn extended_reply(id: u32, data: &[u8]) -> Vec<u8> {
    packet(res::EXTENDED_REPLY, Some(id), data.len(), |w| {
        w.raw(data);
    })
}
