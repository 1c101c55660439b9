//! `SftpSession`: the SFTP codec for lib/sftp.js. `feed` turns received
//! bytes into event arrays (`['ready', ...]`, `['status', id, ...]`,
//! `['OPEN', id, ...]`, ...); the other methods build packets to push.

use super::events::{Event as JsEvent, Obj, Span};
use super::wire_bytes::{joined_buffer, WireBytes};
use crate::sftp::attrs::Attrs;
use crate::sftp::request::Request;
use crate::sftp::response::{self, Response};
use crate::sftp::session::{Event, Session};
use crate::sftp::{encode, status, VERSION};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Attributes as lib/sftp.js hands them over (already normalised the way
/// 0.4.10's attrsToBytes did).
#[napi(object)]
pub struct SftpAttrs {
    pub size: Option<f64>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub mode: Option<u32>,
    pub atime: Option<u32>,
    pub mtime: Option<u32>,
}

#[napi(object)]
pub struct SftpName {
    pub filename: String,
    pub longname: String,
    pub attrs: Option<SftpAttrs>,
}

/// A JS number as a uint64 offset or size: negative and non-finite
/// values become 0, fractions are dropped.
fn to_u64(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v as u64
    } else {
        0
    }
}

fn attrs_from_js(a: Option<&SftpAttrs>) -> Attrs {
    let Some(a) = a else {
        return Attrs::default();
    };
    Attrs {
        size: a.size.map(to_u64),
        uid_gid: a.uid.zip(a.gid),
        permissions: a.mode,
        times: a.atime.zip(a.mtime),
        extended: Vec::new(),
    }
}

fn attrs_to_js<'env>(env: &'env Env, a: &Attrs) -> Result<Object<'env>> {
    let mut o = Obj::new(env)?;
    if let Some(m) = a.permissions {
        o = o.set("mode", m)?.set("permissions", m)?;
    }
    if let Some((u, g)) = a.uid_gid {
        o = o.set("uid", u)?.set("gid", g)?;
    }
    if let Some(s) = a.size {
        o = o.set("size", s as f64)?;
    }
    if let Some((at, mt)) = a.times {
        o = o.set("atime", at)?.set("mtime", mt)?;
    }
    Ok(o.done())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Extension data is read as ASCII (byte per char), as 0.4.10 did.
fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn event_to_js<'env>(env: &'env Env, e: Event<'_>, chunk: &Span) -> Result<Array<'env>> {
    let ev = |name: &str| JsEvent::new(env, name);
    Ok(match e {
        Event::Ready {
            version,
            extensions,
        } => {
            let mut list = env.create_array(0)?;
            for (i, (name, data)) in extensions.iter().enumerate() {
                let mut pair = env.create_array(2)?;
                pair.set(0, latin1(name))?;
                pair.set(1, latin1(data))?;
                list.set(i as u32, pair)?;
            }
            ev("ready")?.arg(version)?.arg(list)?.done()
        }
        Event::Fatal(message) => ev("error")?.arg(message)?.done(),
        // Always a slice of the chunk; were it not, a copy goes along as a
        // seventh element for lib/sftp.js to read from instead.
        Event::DataPart {
            id,
            total,
            part,
            last,
        } => {
            let e = ev("_part")?.arg(id)?;
            match chunk.offset_of(part) {
                Some(at) => e
                    .arg(at as f64)?
                    .arg((at + part.len()) as f64)?
                    .arg(total as f64)?
                    .arg(last)?
                    .done(),
                None => e
                    .arg(0)?
                    .arg(part.len() as f64)?
                    .arg(total as f64)?
                    .arg(last)?
                    .buffer(part)?
                    .done(),
            }
        }
        // Server: its data follows as `_part`s (lib/sftp.js gathers them).
        Event::WriteHead {
            id,
            handle,
            offset,
            total,
        } => ev("_writeHead")?
            .arg(id)?
            .buffer(handle)?
            .arg(offset as f64)?
            .arg(total as f64)?
            .done(),
        Event::Response { id, response } => match response {
            Response::Status {
                code,
                message,
                lang,
            } => ev("status")?
                .arg(id)?
                .arg(code)?
                .arg(message.map(text))?
                .arg(latin1(lang))?
                .done(),
            Response::Handle(h) => ev("handle")?.arg(id)?.buffer(h)?.done(),
            Response::Data(d) => match chunk.offset_of(d) {
                Some(at) => ev("_data")?
                    .arg(id)?
                    .arg(at as f64)?
                    .arg((at + d.len()) as f64)?
                    .done(),
                None => ev("data")?.arg(id)?.buffer(d)?.done(),
            },
            Response::Attrs(a) => ev("attrs")?.arg(id)?.arg(attrs_to_js(env, &a)?)?.done(),
            Response::Extended(d) => ev("extended")?.arg(id)?.buffer(d)?.done(),
            Response::Name(names) => {
                let mut list = env.create_array(names.len() as u32)?;
                for (i, n) in names.iter().enumerate() {
                    let o = Obj::new(env)?
                        .set("filename", text(n.filename))?
                        .set("longname", text(n.longname))?
                        .set("attrs", attrs_to_js(env, &n.attrs)?)?
                        .done();
                    list.set(i as u32, o)?;
                }
                ev("name")?.arg(id)?.arg(list)?.done()
            }
        },
        Event::Request { id, request } => request_to_js(env, id, request, chunk)?,
    })
}

fn request_to_js<'env>(
    env: &'env Env,
    id: u32,
    r: Request<'_>,
    chunk: &Span,
) -> Result<Array<'env>> {
    let named = |kind: u8| {
        JsEvent::new(env, Request::event_name(kind).unwrap_or("EXTENDED")).and_then(|e| e.arg(id))
    };
    use crate::sftp::req;
    Ok(match r {
        Request::Open {
            path,
            pflags,
            attrs,
        } => named(req::OPEN)?
            .arg(text(path))?
            .arg(pflags)?
            .arg(attrs_to_js(env, &attrs)?)?
            .done(),
        Request::Handle { kind, handle } => named(kind)?.buffer(handle)?.done(),
        Request::Read {
            handle,
            offset,
            len,
        } => named(req::READ)?
            .buffer(handle)?
            .arg(offset as f64)?
            .arg(len)?
            .done(),
        Request::Write {
            handle,
            offset,
            data,
        } => match chunk.offset_of(data) {
            Some(at) => JsEvent::new(env, "_WRITE")?
                .arg(id)?
                .buffer(handle)?
                .arg(offset as f64)?
                .arg(at as f64)?
                .arg((at + data.len()) as f64)?
                .done(),
            None => named(req::WRITE)?
                .buffer(handle)?
                .arg(offset as f64)?
                .buffer(data)?
                .done(),
        },
        Request::Path { kind, path } => named(kind)?.arg(text(path))?.done(),
        Request::PathAttrs { kind, path, attrs } => named(kind)?
            .arg(text(path))?
            .arg(attrs_to_js(env, &attrs)?)?
            .done(),
        Request::FSetStat { handle, attrs } => named(req::FSETSTAT)?
            .buffer(handle)?
            .arg(attrs_to_js(env, &attrs)?)?
            .done(),
        Request::TwoPaths {
            kind,
            first,
            second,
        } => named(kind)?.arg(text(first))?.arg(text(second))?.done(),
        Request::Extended { name, data } => named(req::EXTENDED)?
            .arg(latin1(name))?
            .buffer(data)?
            .done(),
    })
}

/// Numbers to a hot event in `feed`'s `hot`: [kind, id, a, b, c, d].
const HOT_STRIDE: usize = 6;
/// [HOT_PART, id, start, end, total, last]: as the `_part` event.
const HOT_PART: f64 = 1.0;
/// [HOT_DATA, id, start, end]: as the `_data` event.
const HOT_DATA: f64 = 2.0;
/// [HOT_OK, id]: a STATUS of OK (its message and language go unread).
const HOT_OK: f64 = 3.0;
/// [HOT_READ, id, handle start, handle end, offset, len]: a server's READ
/// request, its handle where it lies in the chunk.
const HOT_READ: f64 = 4.0;
/// [HOT_WRITE_HEAD, id, handle start, handle end, offset, total]: as the
/// `_writeHead` event, its handle where it lies in the chunk.
const HOT_WRITE_HEAD: f64 = 5.0;

/// Writes `e` into `room` as numbers when it is a hot event whose data
/// (or handle) lies in the chunk; false (nothing written) otherwise.
fn hot_event(e: &Event<'_>, chunk: &Span, room: Option<&mut [f64]>) -> bool {
    let Some(room) = room else {
        return false;
    };
    // [kind, id, start, end, c, d], with `bytes` at start..end of the chunk.
    let placed = |kind: f64, id: u32, bytes: &[u8], c: f64, d: f64| {
        let at = chunk.offset_of(bytes)?;
        Some([kind, id.into(), at as f64, (at + bytes.len()) as f64, c, d])
    };
    let nums = match *e {
        Event::DataPart {
            id,
            total,
            part,
            last,
        } => placed(HOT_PART, id, part, total as f64, f64::from(u8::from(last))),
        Event::Response {
            id,
            response: Response::Data(d),
        } => placed(HOT_DATA, id, d, 0.0, 0.0),
        Event::Response {
            id,
            response: Response::Status {
                code: status::OK, ..
            },
        } => Some([HOT_OK, id.into(), 0.0, 0.0, 0.0, 0.0]),
        Event::Request {
            id,
            request:
                Request::Read {
                    handle,
                    offset,
                    len,
                },
        } => placed(HOT_READ, id, handle, offset as f64, len.into()),
        Event::WriteHead {
            id,
            handle,
            offset,
            total,
        } => placed(HOT_WRITE_HEAD, id, handle, offset as f64, total as f64),
        _ => None,
    };
    let Some(nums) = nums else {
        return false;
    };
    room.copy_from_slice(&nums);
    true
}

#[napi]
pub struct SftpSession {
    session: Session,
}

#[napi]
impl SftpSession {
    /// `openssh`: the peer's ident says OpenSSH (or dropbear).
    #[napi(constructor, catch_unwind)]
    pub fn new(server: bool, openssh: bool) -> SftpSession {
        SftpSession {
            session: Session::new(server, openssh),
        }
    }

    /// Server: the extensions VERSION advertises, as [name, data] pairs.
    #[napi(catch_unwind)]
    pub fn set_extensions(&mut self, pairs: Vec<Vec<String>>) {
        let list = pairs
            .into_iter()
            .filter_map(|p| match p.as_slice() {
                [name, data] => Some((name.clone(), data.clone().into_bytes())),
                _ => None,
            })
            .collect();
        self.session.set_extensions(list);
    }

    /// The client's INIT packet.
    #[napi(catch_unwind)]
    pub fn init(&self) -> WireBytes {
        encode::hello(false, VERSION, &[]).into()
    }

    /// Received bytes to events. The data of a DATA response or a WRITE
    /// request that lies whole in `chunk` is not copied: its event is
    /// `_data` or `_WRITE` with the data's start and end in `chunk`, and
    /// lib/sftp.js hands out that view of the chunk.
    ///
    /// The commonest events of a transfer (a client's download data and
    /// upload OKs, a server's READs and WRITE heads) are numbers written
    /// into `hot`, HOT_STRIDE to an event, and the event in the array is the
    /// number k where it starts: building an array for each would cost more
    /// than the event. Once `hot` is full, events are arrays.
    #[napi(catch_unwind)]
    pub fn feed<'env>(
        &mut self,
        env: &'env Env,
        chunk: &[u8],
        mut hot: Float64ArraySlice<'env>,
    ) -> Result<Array<'env>> {
        // SAFETY: the array is an argument of this call, alive and not
        // detached until it returns; no JS runs meanwhile, and lib/sftp.js
        // gives a Float64Array of its own, never the chunk's memory.
        let hot = unsafe { hot.as_mut() };
        let mut events = env.create_array(0)?;
        let mut n = 0u32;
        let mut used = 0usize;
        let mut failure: Option<Error> = None;
        let span = Span::of(chunk);
        self.session.feed(chunk, &mut |e| {
            if failure.is_some() {
                return;
            }
            let done = if hot_event(&e, &span, hot.get_mut(used..used + HOT_STRIDE)) {
                used += HOT_STRIDE;
                events.set(n, (used - HOT_STRIDE) as u32)
            } else {
                event_to_js(env, e, &span).and_then(|a| events.set(n, a))
            };
            match done {
                Ok(()) => n += 1,
                Err(err) => failure = Some(err),
            }
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(events),
        }
    }

    /// Packets the session answered by itself (VERSION, OP_UNSUPPORTED).
    #[napi(catch_unwind)]
    pub fn take_output(&mut self) -> Option<WireBytes> {
        let out = self.session.take_output();
        (!out.is_empty()).then(|| out.into())
    }

    #[napi(getter, catch_unwind)]
    pub fn version(&self) -> Option<u32> {
        self.session.version()
    }

    // Client requests.

    #[napi(catch_unwind)]
    pub fn open(&self, id: u32, path: String, pflags: u32, attrs: Option<SftpAttrs>) -> WireBytes {
        encode::open(id, path.as_bytes(), pflags, &attrs_from_js(attrs.as_ref())).into()
    }

    /// A request whose body is one string: a handle or a path.
    #[napi(catch_unwind)]
    pub fn one_string(&self, kind: u8, id: u32, s: &[u8]) -> WireBytes {
        encode::one_string(kind, id, s).into()
    }

    #[napi(catch_unwind)]
    pub fn string_attrs(&self, kind: u8, id: u32, s: &[u8], attrs: Option<SftpAttrs>) -> WireBytes {
        encode::string_attrs(kind, id, s, &attrs_from_js(attrs.as_ref())).into()
    }

    #[napi(catch_unwind)]
    pub fn two_strings(&self, kind: u8, id: u32, a: &[u8], b: &[u8]) -> WireBytes {
        encode::two_strings(kind, id, a, b).into()
    }

    #[napi(catch_unwind)]
    pub fn read(&self, id: u32, handle: &[u8], offset: f64, len: u32) -> WireBytes {
        // No more than a DATA reply the client accepts can carry.
        let len = len.min(crate::sftp::CLIENT_MAX_READ);
        encode::read(id, handle, to_u64(offset), len).into()
    }

    #[napi(catch_unwind)]
    pub fn write<'env>(
        &self,
        env: &'env Env,
        id: u32,
        handle: &[u8],
        offset: f64,
        data: &[u8],
    ) -> Result<BufferSlice<'env>> {
        let head = encode::write_head(id, handle, to_u64(offset), data.len());
        joined_buffer(env, &head, data)
    }

    /// A WRITE packet's head alone, for `len` bytes of data that the
    /// stream pushes after it, as they lie in the caller's buffer.
    #[napi(catch_unwind)]
    pub fn write_head(&self, id: u32, handle: &[u8], offset: f64, len: u32) -> WireBytes {
        encode::write_head(id, handle, to_u64(offset), len as usize).into()
    }

    #[napi(catch_unwind)]
    pub fn extended(&self, id: u32, name: String, data: &[u8]) -> WireBytes {
        encode::extended(id, name.as_bytes(), data).into()
    }

    // Server responses.

    #[napi(catch_unwind)]
    pub fn status(&self, id: u32, code: u32, message: String, lang: String) -> WireBytes {
        encode::status(id, code, message.as_bytes(), lang.as_bytes()).into()
    }

    #[napi(catch_unwind)]
    pub fn handle(&self, id: u32, handle: &[u8]) -> WireBytes {
        encode::handle(id, handle).into()
    }

    #[napi(catch_unwind)]
    pub fn data<'env>(&self, env: &'env Env, id: u32, data: &[u8]) -> Result<BufferSlice<'env>> {
        joined_buffer(env, &encode::data_head(id, data.len()), data)
    }

    #[napi(catch_unwind)]
    pub fn name(&self, id: u32, names: Vec<SftpName>) -> WireBytes {
        let names: Vec<_> = names
            .into_iter()
            .map(|n| {
                let attrs = n.attrs.as_ref().map(|a| attrs_from_js(Some(a)));
                (n.filename.into_bytes(), n.longname.into_bytes(), attrs)
            })
            .collect();
        encode::name(id, &names).into()
    }

    #[napi(catch_unwind)]
    pub fn attrs(&self, id: u32, attrs: SftpAttrs) -> WireBytes {
        encode::attrs(id, &attrs_from_js(Some(&attrs))).into()
    }

    #[napi(catch_unwind)]
    pub fn extended_reply(&self, id: u32, data: &[u8]) -> WireBytes {
        encode::extended_reply(id, data).into()
    }
}

/// A statvfs@openssh.com reply as 0.4.10's object; null when malformed.
#[napi(catch_unwind)]
pub fn sftp_decode_statvfs<'env>(env: &'env Env, data: &[u8]) -> Result<Option<Object<'env>>> {
    let Ok(v) = response::decode_statvfs(data) else {
        return Ok(None);
    };
    let names = [
        "f_bsize",
        "f_frsize",
        "f_blocks",
        "f_bfree",
        "f_bavail",
        "f_files",
        "f_ffree",
        "f_favail",
        "f_sid",
        "f_flag",
        "f_namemax",
    ];
    let mut o = Obj::new(env)?;
    for (name, value) in names.iter().zip(v) {
        o = o.set(name, value as f64)?;
    }
    Ok(Some(o.done()))
}

/// A limits@openssh.com reply; null when malformed.
#[napi(catch_unwind)]
pub fn sftp_decode_limits<'env>(env: &'env Env, data: &[u8]) -> Result<Option<Object<'env>>> {
    let Ok([packet, read, write, handles]) = response::decode_limits(data) else {
        return Ok(None);
    };
    Ok(Some(
        Obj::new(env)?
            .set("maxPacketLength", packet as f64)?
            .set("maxReadLength", read as f64)?
            .set("maxWriteLength", write as f64)?
            .set("maxOpenHandles", handles as f64)?
            .done(),
    ))
}
