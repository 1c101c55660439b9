//! Session-layer messages as SSH2Stream events: each becomes a JS array
//! `[eventName, ...args]` with 0.4.10's names and argument shapes. Names
//! starting with '_' are finished by lib/ssh.js before it emits them.

use crate::ssh::auth::AuthMethod;
use crate::ssh::channel::ChannelOpenData;
use crate::ssh::channel_request::{ChannelRequestKind, ExitSignalName};
use crate::ssh::global_request::GlobalRequestKind;
use crate::ssh::{Message, SignedRequest};
use napi::bindgen_prelude::*;

/// Builds one event array.
pub struct Event<'env> {
    env: &'env Env,
    array: Array<'env>,
    len: u32,
}

impl<'env> Event<'env> {
    pub fn new(env: &'env Env, name: &str) -> Result<Self> {
        let mut array = env.create_array(0)?;
        array.set(0, name)?;
        Ok(Event { env, array, len: 1 })
    }

    pub fn arg<T: ToNapiValue>(mut self, v: T) -> Result<Self> {
        self.array.set(self.len, v)?;
        self.len += 1;
        Ok(self)
    }

    pub fn buffer(self, data: &[u8]) -> Result<Self> {
        let buf = BufferSlice::copy_from(self.env, data)?;
        self.arg(&buf)
    }

    pub fn done(self) -> Array<'env> {
        self.array
    }
}

/// The memory of one received JS Buffer, to tell whether a parsed slice
/// lies in it and where, so that it can reach JS as a view of that Buffer
/// instead of a copy (docs/ARCHITECTURE.md, "One packet in", step 5).
pub struct Span {
    base: usize,
    len: usize,
}

impl Span {
    pub fn of(buf: &[u8]) -> Self {
        Span {
            base: buf.as_ptr() as usize,
            len: buf.len(),
        }
    }

    /// `data`'s offset in the buffer, when it lies there (a decompressed
    /// payload, or one gathered across chunks, does not).
    pub fn offset_of(&self, data: &[u8]) -> Option<usize> {
        let at = (data.as_ptr() as usize).checked_sub(self.base)?;
        (at + data.len() <= self.len).then_some(at)
    }
}

/// Where the payloads of one `Transport::feed_in_place` lie. Data events
/// are built as `['_data', name, <buffer>, start, end(, type)]`.
pub struct InPlace<'env> {
    span: Span,
    buffer: Unknown<'env>,
}

impl<'env> InPlace<'env> {
    /// `buf` is the memory of the JS Buffer `buffer`.
    pub fn new(buf: &[u8], buffer: Unknown<'env>) -> Self {
        InPlace {
            span: Span::of(buf),
            buffer,
        }
    }

    /// The JS Buffer the payloads lie in.
    pub fn buffer(&self) -> Unknown<'env> {
        self.buffer
    }

    /// `data`'s offset in the buffer, when it lies there.
    pub fn offset_of(&self, data: &[u8]) -> Option<usize> {
        self.span.offset_of(data)
    }
}

/// CHANNEL_DATA / CHANNEL_EXTENDED_DATA: a view of the received buffer when
/// the data lies in it, else a copy (0.4.10's argument order either way:
/// `(data)` or `(type, data)`).
fn data_event<'env>(
    env: &'env Env,
    in_place: Option<&InPlace<'env>>,
    name: &str,
    data_type: Option<u32>,
    data: &[u8],
) -> Result<Array<'env>> {
    if let Some(ip) = in_place {
        if let Some(at) = ip.span.offset_of(data) {
            let mut ev = Event::new(env, "_data")?
                .arg(name)?
                .arg(ip.buffer)?
                .arg(at as f64)?
                .arg((at + data.len()) as f64)?;
            if let Some(t) = data_type {
                ev = ev.arg(t)?;
            }
            return Ok(ev.done());
        }
    }
    let ev = Event::new(env, name)?;
    Ok(match data_type {
        Some(t) => ev.arg(t)?.buffer(data)?.done(),
        None => ev.buffer(data)?.done(),
    })
}

/// A plain object built field by field.
pub struct Obj<'env> {
    env: &'env Env,
    obj: Object<'env>,
}

impl<'env> Obj<'env> {
    pub fn new(env: &'env Env) -> Result<Self> {
        Ok(Obj {
            env,
            obj: Object::new(env)?,
        })
    }

    pub fn set<T: ToNapiValue>(mut self, k: &str, v: T) -> Result<Self> {
        self.obj.set(k, v)?;
        Ok(self)
    }

    pub fn buffer(self, k: &str, data: &[u8]) -> Result<Self> {
        let buf = BufferSlice::copy_from(self.env, data)?;
        self.set(k, &buf)
    }

    pub fn done(self) -> Object<'env> {
        self.obj
    }
}

/// Signal numbers old SSH.com servers send in exit-signal (BUGS.OLD_EXIT).
fn old_exit_signal_name(n: u32) -> String {
    match n {
        1 => "HUP".into(),
        2 => "INT".into(),
        3 => "QUIT".into(),
        6 => "ABRT".into(),
        9 => "KILL".into(),
        14 => "ALRM".into(),
        15 => "TERM".into(),
        _ => format!("UNKNOWN ({n})"),
    }
}

/// Converts a decoded message into its event; `signed` is what a signed
/// user-auth request's signature covers (the connection worked it out).
pub fn to_event<'env>(
    env: &'env Env,
    msg: &Message<'_>,
    signed: Option<&SignedRequest<'_>>,
    in_place: Option<&InPlace<'env>>,
) -> Result<Option<Array<'env>>> {
    let ev = |name: &str| Event::new(env, name);
    let chan = |name: &str, c: u32| Event::new(env, &format!("{name}:{c}"));
    Ok(Some(match msg {
        Message::ServiceRequest(name) => ev("SERVICE_REQUEST")?.arg(name.as_ref())?.done(),
        Message::ServiceAccept(name) => ev("SERVICE_ACCEPT")?.arg(name.as_ref())?.done(),
        Message::UserauthRequest(req) => {
            let e = ev("_userauthRequest")?
                .arg(req.username.as_ref())?
                .arg(req.service.as_ref())?
                .arg(req.method.name())?;
            match &req.method {
                AuthMethod::None => e.done(),
                AuthMethod::Password { password, .. } => e.arg(password.as_ref())?.done(),
                AuthMethod::PublicKey {
                    algorithm,
                    key,
                    signature,
                } => {
                    let mut o = Obj::new(env)?
                        .set("keyAlgo", algorithm.as_ref())?
                        .buffer("key", key)?;
                    if let (Some(_), Some(signed)) = (signature, signed) {
                        o = o
                            .buffer("signature", signed.signature)?
                            .buffer("blob", &signed.data)?;
                    }
                    e.arg(o.done())?.done()
                }
                AuthMethod::Hostbased {
                    algorithm,
                    key,
                    hostname,
                    local_username,
                    signature,
                } => {
                    let (signature, blob) = match signed {
                        Some(s) => (s.signature, &s.data[..]),
                        None => (*signature, &[][..]),
                    };
                    let o = Obj::new(env)?
                        .set("keyAlgo", algorithm.as_ref())?
                        .buffer("key", key)?
                        .buffer("signature", signature)?
                        .buffer("blob", blob)?
                        .set("localHostname", hostname.as_ref())?
                        .set("localUsername", local_username.as_ref())?;
                    e.arg(o.done())?.done()
                }
                AuthMethod::KeyboardInteractive { submethods, .. } => {
                    e.arg(submethods.as_ref())?.done()
                }
                AuthMethod::Other { data, .. } => e.buffer(data)?.done(),
            }
        }
        Message::UserauthFailure {
            methods,
            partial_success,
        } => ev("USERAUTH_FAILURE")?
            .arg(methods.clone())?
            .arg(*partial_success)?
            .done(),
        Message::UserauthSuccess => ev("USERAUTH_SUCCESS")?.done(),
        Message::UserauthBanner { message, lang } => ev("USERAUTH_BANNER")?
            .arg(message.as_ref())?
            .arg(lang.as_ref())?
            .done(),
        Message::UserauthPkOk { .. } => ev("USERAUTH_PK_OK")?.done(),
        Message::UserauthPasswdChangereq { prompt, lang } => ev("USERAUTH_PASSWD_CHANGEREQ")?
            .arg(prompt.as_ref())?
            .arg(lang.as_ref())?
            .done(),
        Message::UserauthInfoRequest(req) => {
            let mut prompts = env.create_array(0)?;
            for (i, p) in req.prompts.iter().enumerate() {
                let o = Obj::new(env)?
                    .set("prompt", p.prompt.as_ref())?
                    .set("echo", p.echo)?;
                prompts.set(i as u32, o.done())?;
            }
            ev("USERAUTH_INFO_REQUEST")?
                .arg(req.name.as_ref())?
                .arg(req.instruction.as_ref())?
                .arg(req.lang.as_ref())?
                .arg(prompts)?
                .done()
        }
        Message::UserauthInfoResponse(responses) => {
            let list: Vec<&str> = responses.iter().map(|s| s.as_ref()).collect();
            ev("USERAUTH_INFO_RESPONSE")?.arg(list)?.done()
        }
        Message::GlobalRequest(req) => {
            let e = ev("GLOBAL_REQUEST")?
                .arg(req.kind.name())?
                .arg(req.want_reply)?;
            match &req.kind {
                GlobalRequestKind::TcpipForward {
                    bind_addr,
                    bind_port,
                    ..
                } => e
                    .arg(
                        Obj::new(env)?
                            .set("bindAddr", bind_addr.as_ref())?
                            .set("bindPort", *bind_port)?
                            .done(),
                    )?
                    .done(),
                GlobalRequestKind::StreamLocalForward { socket_path, .. } => e
                    .arg(
                        Obj::new(env)?
                            .set("socketPath", socket_path.as_ref())?
                            .done(),
                    )?
                    .done(),
                GlobalRequestKind::NoMoreSessions => e.done(),
                GlobalRequestKind::Other { data, .. } => e.buffer(data)?.done(),
            }
        }
        Message::RequestSuccess([]) => ev("REQUEST_SUCCESS")?.done(),
        Message::RequestSuccess(data) => ev("REQUEST_SUCCESS")?.buffer(data)?.done(),
        Message::RequestFailure => ev("REQUEST_FAILURE")?.done(),
        Message::ChannelOpen(open) => {
            let data = match &open.data {
                ChannelOpenData::Tcpip {
                    dest_addr,
                    dest_port,
                    orig_addr,
                    orig_port,
                } => Obj::new(env)?
                    .set("destIP", dest_addr.as_ref())?
                    .set("destPort", *dest_port)?
                    .set("srcIP", orig_addr.as_ref())?
                    .set("srcPort", *orig_port)?,
                ChannelOpenData::StreamLocal { socket_path } => {
                    Obj::new(env)?.set("socketPath", socket_path.as_ref())?
                }
                ChannelOpenData::X11 {
                    orig_addr,
                    orig_port,
                } => Obj::new(env)?
                    .set("srcIP", orig_addr.as_ref())?
                    .set("srcPort", *orig_port)?,
                ChannelOpenData::None | ChannelOpenData::Other(_) => Obj::new(env)?,
            };
            let info = Obj::new(env)?
                .set("type", open.channel_type.as_ref())?
                .set("sender", open.sender)?
                .set("window", open.window)?
                .set("packetSize", open.max_packet)?
                .set("data", data.done())?;
            ev("CHANNEL_OPEN")?.arg(info.done())?.done()
        }
        Message::ChannelOpenConfirmation(c) => {
            let mut info = Obj::new(env)?
                .set("recipient", c.recipient)?
                .set("sender", c.sender)?
                .set("window", c.window)?
                .set("packetSize", c.max_packet)?;
            if !c.extra.is_empty() {
                info = info.buffer("data", c.extra)?;
            }
            chan("CHANNEL_OPEN_CONFIRMATION", c.recipient)?
                .arg(info.done())?
                .done()
        }
        Message::ChannelOpenFailure(f) => {
            let reason = f.reason_name();
            let info = Obj::new(env)?
                .set("recipient", f.recipient)?
                .set("reasonCode", f.reason)?
                .set("reason", reason)?
                .set("description", f.description.as_ref())?
                .set("lang", f.lang.as_ref())?;
            chan("CHANNEL_OPEN_FAILURE", f.recipient)?
                .arg(info.done())?
                .done()
        }
        Message::ChannelWindowAdjust { recipient, bytes } => {
            chan("CHANNEL_WINDOW_ADJUST", *recipient)?
                .arg(*bytes)?
                .done()
        }
        Message::ChannelData { recipient, data } => data_event(
            env,
            in_place,
            &format!("CHANNEL_DATA:{recipient}"),
            None,
            data,
        )?,
        Message::ChannelExtendedData {
            recipient,
            data_type,
            data,
        } => data_event(
            env,
            in_place,
            &format!("CHANNEL_EXTENDED_DATA:{recipient}"),
            Some(*data_type),
            data,
        )?,
        Message::ChannelEof(c) => chan("CHANNEL_EOF", *c)?.done(),
        Message::ChannelClose(c) => chan("CHANNEL_CLOSE", *c)?.done(),
        Message::ChannelSuccess(c) => chan("CHANNEL_SUCCESS", *c)?.done(),
        Message::ChannelFailure(c) => chan("CHANNEL_FAILURE", *c)?.done(),
        Message::ChannelRequest(req) => return channel_request_event(env, req).map(Some),
        Message::Unknown(_) => return Ok(None),
    }))
}

fn channel_request_event<'env>(
    env: &'env Env,
    req: &crate::ssh::channel_request::ChannelRequest<'_>,
) -> Result<Array<'env>> {
    let name = format!("CHANNEL_REQUEST:{}", req.recipient);
    let base = Obj::new(env)?
        .set("recipient", req.recipient)?
        .set("request", req.kind.name())?;
    // exit-status, exit-signal, window-change, signal and xon-xoff never want
    // a reply; 0.4.10 reports them so whatever the flag said.
    let want = |never: bool| if never { false } else { req.want_reply };
    let info = match &req.kind {
        ChannelRequestKind::Pty {
            term,
            cols,
            rows,
            width,
            height,
            modes,
        } => {
            let info = base
                .set("wantReply", req.want_reply)?
                .set("term", term.as_ref())?
                .set("cols", *cols)?
                .set("rows", *rows)?
                .set("width", *width)?
                .set("height", *height)?
                .buffer("modes", modes)?;
            // lib/ssh.js turns the raw modes into 0.4.10's object.
            return Ok(Event::new(env, "_ptyRequest")?
                .arg(name.as_str())?
                .arg(info.done())?
                .done());
        }
        ChannelRequestKind::WindowChange {
            cols,
            rows,
            width,
            height,
        } => base
            .set("wantReply", want(true))?
            .set("cols", *cols)?
            .set("rows", *rows)?
            .set("width", *width)?
            .set("height", *height)?,
        ChannelRequestKind::X11 {
            single,
            protocol,
            cookie,
            screen,
        } => base
            .set("wantReply", req.want_reply)?
            .set("single", *single)?
            .set("protocol", protocol.as_ref())?
            // 0.4.10 decodes the cookie as a 'binary' (latin1) string.
            .set(
                "cookie",
                cookie.iter().map(|&b| b as char).collect::<String>(),
            )?
            .set("screen", *screen)?,
        ChannelRequestKind::Env { name, value } => base
            .set("wantReply", req.want_reply)?
            .set("key", name.as_ref())?
            .set("val", value.as_ref())?,
        ChannelRequestKind::Shell | ChannelRequestKind::AuthAgent => {
            base.set("wantReply", req.want_reply)?
        }
        ChannelRequestKind::Exec { command } => base
            .set("wantReply", req.want_reply)?
            .set("command", command.as_ref())?,
        ChannelRequestKind::Subsystem { name } => base
            .set("wantReply", req.want_reply)?
            .set("subsystem", name.as_ref())?,
        ChannelRequestKind::Signal { name } => base
            .set("wantReply", want(true))?
            .set("signal", format!("SIG{name}"))?,
        ChannelRequestKind::XonXoff { client_can_do } => base
            .set("wantReply", want(true))?
            .set("clientControl", *client_can_do)?,
        ChannelRequestKind::ExitStatus { code } => {
            base.set("wantReply", want(true))?.set("code", *code)?
        }
        ChannelRequestKind::ExitSignal {
            signal,
            core_dumped,
            message,
            lang,
        } => {
            let signal = match signal {
                ExitSignalName::Name(n) => n.to_string(),
                ExitSignalName::Number(n) => old_exit_signal_name(*n),
            };
            base.set("wantReply", want(true))?
                .set("signal", signal)?
                .set("coredump", *core_dumped)?
                .set("description", message.as_ref())?
                .set("lang", lang.as_ref())?
        }
        ChannelRequestKind::Other { .. } => base.set("wantReply", req.want_reply)?,
    };
    Ok(Event::new(env, &name)?.arg(info.done())?.done())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_exit_signals_map_to_names() {
        assert_eq!(old_exit_signal_name(15), "TERM");
        assert_eq!(old_exit_signal_name(99), "UNKNOWN (99)");
    }
}
