//! The connection's events as the arrays `SshSession::feed` returns: one
//! `[eventName, ...args]` per event, in order, with 0.4.10's names (names
//! starting with '_' are finished by lib/ssh.js). A mapping, nothing more:
//! every decision was taken in `ssh::Connection`.

use super::events::{to_event, Event as JsEvent, InPlace, Obj};
use crate::ssh::connection::Event;
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

    pub fn done(self) -> Result<Array<'env>> {
        match self.failure {
            Some(e) => Err(e),
            None => Ok(self.array),
        }
    }
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
        Event::Header(h) => {
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
        Event::KexInit => JsEvent::new(env, "KEXINIT")?.done(),
        Event::Negotiated(n) => {
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
        Event::Offers { local, remote } => JsEvent::new(env, "_offers")?
            .arg(kex_lists(env, local)?)?
            .arg(kex_lists(env, remote)?)?
            .done(),
        Event::HostKey { blob, first_kex } => {
            let info = Obj::new(env)?
                .buffer("hostkey", blob)?
                .set("firstKex", first_kex)?;
            JsEvent::new(env, "KEXDH_REPLY")?.arg(info.done())?.done()
        }
        Event::NewKeys => JsEvent::new(env, "NEWKEYS")?.done(),
        Event::Ready => JsEvent::new(env, "ready")?.done(),
        Event::Disconnect {
            code,
            name,
            description,
            lang,
        } => JsEvent::new(env, "_disconnect")?
            .arg(name)?
            .arg(code)?
            .arg(description)?
            .arg(lang)?
            .done(),
        Event::Debug { message, lang } => {
            JsEvent::new(env, "DEBUG")?.arg(message)?.arg(lang)?.done()
        }
        Event::Message {
            message, signed, ..
        } => return to_event(env, &message, signed.as_ref(), in_place),
        Event::Fatal { message, level } => JsEvent::new(env, "_fatal")?
            .arg(message)?
            .arg(level.as_str())?
            .done(),
        Event::Received { .. } => JsEvent::new(env, "packet")?.done(),
    }))
}
