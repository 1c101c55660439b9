//! The connection's events as the arrays `SshSession::feed` returns: one
//! `[eventName, ...args]` per event, in order, with 0.4.10's names (names
//! starting with '_' are finished by lib/ssh.js). A mapping, nothing more:
//! every decision was taken in `ssh::Connection`.

use super::events::{to_event, Event as JsEvent, InPlace, Obj};
use crate::ssh::connection::{Event, Report};
use crate::ssh::Message;
use crate::transport::engine::reason;
use crate::transport::kexinit::KexInit;
use napi::bindgen_prelude::*;

/// The events of one call, gathered into one array.
pub struct JsEvents<'env> {
    env: &'env Env,
    array: Array<'env>,
    len: u32,
    /// The first failure to build a JS value (the rest are not built).
    failure: Option<Error>,
}

impl<'env> JsEvents<'env> {
    pub fn new(env: &'env Env) -> Result<Self> {
        Ok(JsEvents {
            env,
            array: env.create_array(0)?,
            len: 0,
            failure: None,
        })
    }

    /// Adds `e`; its data is a view of `in_place`'s Buffer where it lies there.
    pub fn push(&mut self, e: Event<'_>, in_place: Option<&InPlace<'env>>) {
        if self.failure.is_some() {
            return;
        }
        let built = js_event(self.env, e, in_place).and_then(|a| match a {
            Some(a) => self.array.set(self.len, a).map(|_| self.len += 1),
            None => Ok(()),
        });
        if let Err(err) = built {
            self.failure = Some(err);
        }
    }

    /// Like `push`, except that channel data lying in `in_place`'s Buffer
    /// goes into `hot` as numbers while it has room: the events array gets
    /// the Buffer once, before the first, and then each event's index in
    /// `hot`. A bulk transfer's events are nearly all channel data, and an
    /// array and a name string each cost more than the packet's crypto.
    pub fn push_hot(&mut self, e: Event<'_>, in_place: &InPlace<'env>, hot: &mut HotData<'_>) {
        if self.failure.is_none() {
            if let Some(nums) = hot_numbers(&e, in_place) {
                if let Some(room) = hot.room.get_mut(hot.used..hot.used + HOT_STRIDE) {
                    room.copy_from_slice(&nums);
                    if !hot.buffer_given {
                        hot.buffer_given = true;
                        self.append(in_place.buffer());
                    }
                    self.append(hot.used as u32);
                    hot.used += HOT_STRIDE;
                    return;
                }
            }
        }
        self.push(e, Some(in_place));
    }

    fn append<V: ToNapiValue>(&mut self, v: V) {
        match self.array.set(self.len, v) {
            Ok(()) => self.len += 1,
            Err(err) => self.failure = Some(err),
        }
    }

    pub fn done(self) -> Result<Array<'env>> {
        match self.failure {
            Some(e) => Err(e),
            None => Ok(self.array),
        }
    }
}

/// Numbers to a hot channel-data event: [channel, start, end, data type
/// (-1: plain CHANNEL_DATA)], start and end in the received Buffer.
pub const HOT_STRIDE: usize = 4;

/// Where `push_hot` writes: lib/ssh.js's Float64Array for one `feed`.
pub struct HotData<'h> {
    pub room: &'h mut [f64],
    pub used: usize,
    pub buffer_given: bool,
}

fn hot_numbers(e: &Event<'_>, in_place: &InPlace<'_>) -> Option<[f64; HOT_STRIDE]> {
    let Event::Message { message, .. } = e else {
        return None;
    };
    let (channel, data, data_type) = match message {
        Message::ChannelData { recipient, data } => (*recipient, *data, -1.0),
        Message::ChannelExtendedData {
            recipient,
            data_type,
            data,
        } => (*recipient, *data, f64::from(*data_type)),
        _ => return None,
    };
    let at = in_place.offset_of(data)?;
    Some([
        f64::from(channel),
        at as f64,
        (at + data.len()) as f64,
        data_type,
    ])
}

fn kex_lists<'env>(env: &'env Env, k: &KexInit) -> Result<Object<'env>> {
    Ok(Obj::new(env)?
        .set("kex", k.kex.join(","))?
        .set("serverHostKey", k.host_key.join(","))?
        .set("cipherClientToServer", k.cipher_cs.join(","))?
        .set("cipherServerToClient", k.cipher_sc.join(","))?
        .set("hmacClientToServer", k.mac_cs.join(","))?
        .set("hmacServerToClient", k.mac_sc.join(","))?
        .set("compressClientToServer", k.comp_cs.join(","))?
        .set("compressServerToClient", k.comp_sc.join(","))?
        .done())
}

fn js_event<'env>(
    env: &'env Env,
    e: Event<'_>,
    in_place: Option<&InPlace<'env>>,
) -> Result<Option<Array<'env>>> {
    Ok(Some(match e {
        Event::Transport(r) => report(env, r)?,
        Event::Message {
            message, signed, ..
        } => return to_event(env, &message, signed.as_ref(), in_place),
        Event::Received { .. } => JsEvent::new(env, "packet")?.done(),
    }))
}

fn report<'env>(env: &'env Env, r: Report<'_>) -> Result<Array<'env>> {
    Ok(match r {
        Report::Header(h) => {
            let versions = Obj::new(env)?
                .set("protocol", h.protocol.as_str())?
                .set("software", h.software.as_str())?
                .done();
            let mut o = Obj::new(env)?
                .set("identRaw", h.ident_raw.as_str())?
                .set("versions", versions)?;
            if let Some(c) = &h.comments {
                o = o.set("comments", c.as_str())?;
            }
            if let Some(g) = &h.greeting {
                o = o.set("greeting", g.as_str())?;
            }
            JsEvent::new(env, "_header")?.arg(o.done())?.done()
        }
        Report::KexInit => JsEvent::new(env, "KEXINIT")?.done(),
        Report::Negotiated(n) => {
            let o = Obj::new(env)?
                .set("kex", n.kex.as_str())?
                .set("serverHostKey", n.host_key.as_str())?
                .set("cipherClientToServer", n.cipher_cs.as_str())?
                .set("cipherServerToClient", n.cipher_sc.as_str())?
                .set("hmacClientToServer", n.mac_cs.as_str())?
                .set("hmacServerToClient", n.mac_sc.as_str())?
                .set("compressClientToServer", n.comp_cs.as_str())?
                .set("compressServerToClient", n.comp_sc.as_str())?;
            JsEvent::new(env, "_negotiated")?.arg(o.done())?.done()
        }
        Report::Offers { local, remote } => JsEvent::new(env, "_offers")?
            .arg(kex_lists(env, local)?)?
            .arg(kex_lists(env, remote)?)?
            .done(),
        Report::HostKey { blob, first_kex } => {
            let info = Obj::new(env)?
                .buffer("hostkey", &blob)?
                .set("firstKex", first_kex)?;
            JsEvent::new(env, "KEXDH_REPLY")?.arg(info.done())?.done()
        }
        Report::NewKeys => JsEvent::new(env, "NEWKEYS")?.done(),
        Report::Ready => JsEvent::new(env, "ready")?.done(),
        Report::Disconnect {
            code,
            description,
            lang,
        } => JsEvent::new(env, "_disconnect")?
            .arg(reason::name(code))?
            .arg(code)?
            .arg(description.as_str())?
            .arg(lang.as_str())?
            .done(),
        Report::Debug { message, lang } => JsEvent::new(env, "DEBUG")?
            .arg(message.as_str())?
            .arg(lang.as_str())?
            .done(),
        Report::Fatal { message, level } => JsEvent::new(env, "_fatal")?
            .arg(message.as_str())?
            .arg(level.as_str())?
            .done(),
    })
}
