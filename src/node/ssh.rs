//! `SshSession`: the transport and session layers behind one SSH2Stream.
//! `feed` returns every event of a chunk in one array; each send method
//! returns the ciphertext it produced (or null when a key exchange queued
//! it). See lib/ssh.js for the contract from the JS side.

use super::events::{to_event, Event as JsEvent, InPlace, Obj};
use super::keys::NativeKey;
use super::wire_bytes::{unfilled_buffer, WireBytes};
use crate::ssh::auth::{AuthMethod, InfoRequest, Prompt, UserauthRequest};
use crate::ssh::channel::{
    ChannelOpen, ChannelOpenConfirmation, ChannelOpenData, ChannelOpenFailure,
};
use crate::ssh::channel_request::{ChannelRequest, ChannelRequestKind, ExitSignalName};
use crate::ssh::global_request::{GlobalRequest, GlobalRequestKind};
use crate::ssh::{msg, Message, SessionState};
use crate::transport::engine::{reason, Config, Event, FaultLevel, Preferences, Transport};
use crate::transport::kexinit::KexInit;
use crate::transport::rekey_limit::Limits;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::borrow::Cow;
use std::sync::Arc;

#[napi(object)]
pub struct AlgorithmPrefs {
    pub kex: Option<Vec<String>>,
    pub server_host_key: Option<Vec<String>>,
    pub cipher: Option<Vec<String>>,
    pub hmac: Option<Vec<String>>,
    pub compress: Option<Vec<String>>,
}

#[napi(object)]
pub struct SessionConfig {
    pub server: bool,
    pub ident: String,
    pub greeting: Option<String>,
    pub max_packet_size: Option<u32>,
    /// Bytes per key and direction before rekeying by ourselves (lowers
    /// the cipher's own limit; rekey_limit.rs).
    pub rekey_limit: Option<f64>,
    pub algorithms: Option<AlgorithmPrefs>,
    /// Whether the stream has a debug function: the '_offers' and
    /// '_negotiated' events exist only for its output and are not built
    /// without one.
    pub debug: Option<bool>,
}

#[napi(object)]
pub struct ToSignJs {
    pub algo: String,
    pub data: Buffer,
}

#[napi(object)]
pub struct PromptJs {
    pub prompt: String,
    pub echo: bool,
}

/// BUGS.OLD_EXIT (constants.BUGS): numeric exit-signal.
const BUG_OLD_EXIT: u32 = 2;

#[napi]
pub struct SshSession {
    transport: Transport,
    session: SessionState,
    remote_bugs: u32,
    debug: bool,
}

fn js_err(msg: impl Into<String>) -> Error {
    Error::new(Status::GenericFailure, msg.into())
}

const DISCONNECT_NAMES: [&str; 15] = [
    "HOST_NOT_ALLOWED_TO_CONNECT",
    "PROTOCOL_ERROR",
    "KEY_EXCHANGE_FAILED",
    "RESERVED",
    "MAC_ERROR",
    "COMPRESSION_ERROR",
    "SERVICE_NOT_AVAILABLE",
    "PROTOCOL_VERSION_NOT_SUPPORTED",
    "HOST_KEY_NOT_VERIFIABLE",
    "CONNECTION_LOST",
    "BY_APPLICATION",
    "TOO_MANY_CONNECTIONS",
    "AUTH_CANCELED_BY_USER",
    "NO_MORE_AUTH_METHODS_AVAILABLE",
    "ILLEGAL_USER_NAME",
];

/// Output reserved at once when bulk channel data starts gathering: what
/// lib/ssh.js takes in one go (its FLUSH_AT) plus one more packet.
const DATA_BATCH: usize = 256 * 1024 + 36 * 1024;

impl SshSession {
    /// Converts transport events to JS event arrays, in order.
    fn run<'env>(
        &mut self,
        env: &'env Env,
        in_place: Option<&InPlace<'env>>,
        drive: impl FnOnce(&mut Transport, &mut dyn FnMut(Event<'_>)),
    ) -> Result<Array<'env>> {
        let mut events = env.create_array(0)?;
        let mut n = 0u32;
        let mut failure: Option<Error> = None;
        let mut fatal_decode: Option<String> = None;
        let session = &mut self.session;
        let old_exit = self.remote_bugs & BUG_OLD_EXIT != 0;
        session.old_exit_bug = old_exit;
        let mut push =
            |ev: Result<Option<Array<'env>>>, events: &mut Array<'env>, n: &mut u32| match ev {
                Ok(Some(a)) => {
                    if let Err(e) = events.set(*n, a) {
                        failure.get_or_insert(e);
                    }
                    *n += 1;
                }
                Ok(None) => {}
                Err(e) => {
                    failure.get_or_insert(e);
                }
            };
        let mut saw_packet = false;
        let debug = self.debug;
        let mut handler = |e: Event<'_>| {
            saw_packet = true;
            if !debug && matches!(e, Event::Negotiated(_) | Event::Offers { .. }) {
                return;
            }
            let ev: Result<Option<Array<'env>>> = (|| {
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
                    Event::Offers { local, remote } => {
                        let lists = |k: &KexInit| -> Result<Object<'env>> {
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
                        };
                        JsEvent::new(env, "_offers")?
                            .arg(lists(local)?)?
                            .arg(lists(remote)?)?
                            .done()
                    }
                    Event::HostKey { blob, first_kex } => {
                        let info = Obj::new(env)?
                            .buffer("hostkey", &blob)?
                            .set("firstKex", first_kex)?;
                        JsEvent::new(env, "KEXDH_REPLY")?.arg(info.done())?.done()
                    }
                    Event::NewKeys => JsEvent::new(env, "NEWKEYS")?.done(),
                    Event::Ready => JsEvent::new(env, "ready")?.done(),
                    Event::ServerSigAlgs(list) => {
                        session.set_server_sig_algs(list);
                        return Ok(None);
                    }
                    Event::Disconnect {
                        code,
                        description,
                        lang,
                    } => {
                        let name = code
                            .checked_sub(1)
                            .and_then(|i| DISCONNECT_NAMES.get(i as usize).copied())
                            .unwrap_or("UNKNOWN");
                        JsEvent::new(env, "_disconnect")?
                            .arg(name)?
                            .arg(code)?
                            .arg(description.as_str())?
                            .arg(lang.as_str())?
                            .done()
                    }
                    Event::Debug { message, lang } => JsEvent::new(env, "DEBUG")?
                        .arg(message.as_str())?
                        .arg(lang.as_str())?
                        .done(),
                    Event::Payload(p) if session.ignores(p) => return Ok(None),
                    Event::Payload(p) => match session.decode(p) {
                        Ok(m) => {
                            let sid = session.session_id().unwrap_or_default();
                            return to_event(env, &m, p, sid, in_place);
                        }
                        Err(e) => {
                            fatal_decode.get_or_insert(e.to_string());
                            return Ok(None);
                        }
                    },
                    Event::Fatal { message, level } => JsEvent::new(env, "_fatal")?
                        .arg(message.as_str())?
                        .arg(level.as_str())?
                        .done(),
                }))
            })();
            push(ev, &mut events, &mut n);
        };
        drive(&mut self.transport, &mut handler);
        if let Some(id) = self.transport.session_id() {
            self.session.set_session_id(id);
        }
        if let Some(message) = fatal_decode {
            self.transport.disconnect(reason::PROTOCOL_ERROR);
            let ev = JsEvent::new(env, "_fatal")?
                .arg(message.as_str())?
                .arg(FaultLevel::Protocol.as_str())?
                .done();
            events.set(n, ev)?;
            n += 1;
        }
        if saw_packet {
            events.set(n, JsEvent::new(env, "packet")?.done())?;
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(events),
        }
    }

    /// Sends a session-layer payload: its ciphertext, or None when queued.
    fn send(&mut self, payload: &[u8]) -> Option<WireBytes> {
        let sent = self.transport.send(payload);
        self.sent_or_queued(sent)
    }

    /// What a send returns: its ciphertext, or None when it was queued
    /// behind a key exchange. A send can start that exchange (the rekey
    /// limits): then the KEXINIT is returned, so it goes out now rather
    /// than wait for the next input, which may never come.
    fn sent_or_queued(&mut self, sent: bool) -> Option<WireBytes> {
        if sent || self.transport.has_output() {
            Some(self.transport.take_output().into())
        } else {
            None
        }
    }

    /// Seals `m` into the output buffer without taking it (see channel_data).
    fn defer_msg(&mut self, m: &Message<'_>) -> i64 {
        self.session.sent(m);
        let sealed = match m.data_parts() {
            Some((head, data)) => {
                // Small writes (keystrokes) get no batch: the buffer goes
                // to JS as it is, capacity and all.
                let batch = if data.len() >= 8 * 1024 {
                    DATA_BATCH
                } else {
                    0
                };
                self.transport.send_parts(head.as_bytes(), data, batch)
            }
            None => self.transport.send(&m.to_payload()),
        };
        // Queued, but a KEXINIT was sealed (the send reached a rekey limit):
        // reported as output waiting, so lib/ssh.js pushes it.
        if sealed || self.transport.has_output() {
            self.transport.output_len() as i64
        } else {
            -1
        }
    }

    fn send_msg(&mut self, m: &Message<'_>) -> Option<WireBytes> {
        self.session.sent(m);
        let p = m.to_payload();
        self.send(&p)
    }

    fn channel_request(
        &mut self,
        recipient: u32,
        want_reply: bool,
        kind: ChannelRequestKind<'_>,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelRequest(ChannelRequest {
            recipient,
            want_reply,
            kind,
        }))
    }

    fn open(
        &mut self,
        channel_type: &str,
        sender: u32,
        window: u32,
        max_packet: u32,
        data: ChannelOpenData<'_>,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelOpen(ChannelOpen {
            channel_type: channel_type.into(),
            sender,
            window,
            max_packet,
            data,
        }))
    }

    fn client_auth(&mut self, username: &str, method: AuthMethod<'_>) -> Option<WireBytes> {
        let req = UserauthRequest {
            username: username.into(),
            service: "ssh-connection".into(),
            method,
            signed_len: 0,
        };
        let p = self.session.client_auth_request(&req);
        self.send(&p)
    }
}

fn pk_method<'a>(algorithm: &'a str, key: &'a [u8], signature: Option<&'a [u8]>) -> AuthMethod<'a> {
    AuthMethod::PublicKey {
        algorithm: algorithm.into(),
        key,
        signature,
    }
}

/// `string algorithm || string signature`, the signature blob of RFC 4253
/// 6.6. A certificate's signature is its key's: the blob names the
/// algorithm without the certificate suffix (PROTOCOL.certkeys).
fn signature_blob(algorithm: &str, sig: &[u8]) -> Vec<u8> {
    let name = algorithm
        .strip_suffix(crate::keys::CERT_SUFFIX)
        .unwrap_or(algorithm);
    let mut w = crate::wire::Writer::new();
    w.string(name.as_bytes()).string(sig);
    w.into_vec()
}

#[napi]
impl SshSession {
    #[napi(constructor, catch_unwind)]
    pub fn new(config: SessionConfig) -> Result<SshSession> {
        let mut prefs = Preferences::shared_defaults();
        if let Some(a) = config.algorithms {
            let lists = [a.kex, a.server_host_key, a.cipher, a.hmac, a.compress]
                .map(|v| v.filter(|v| !v.is_empty()));
            if lists.iter().any(Option::is_some) {
                let own = Arc::make_mut(&mut prefs);
                let slots = [
                    &mut own.kex,
                    &mut own.host_key,
                    &mut own.cipher,
                    &mut own.mac,
                    &mut own.compress,
                ];
                for (slot, list) in slots.into_iter().zip(lists) {
                    if let Some(list) = list {
                        *slot = list;
                    }
                }
            }
        }
        let transport = Transport::new(Config {
            server: config.server,
            ident: config.ident,
            greeting: config.greeting,
            algorithms: prefs,
            host_keys: Vec::new(),
            max_packet: config.max_packet_size.unwrap_or(35000) as usize,
            rekey: Limits {
                // lib/ssh/config.js has checked it: an integer, 16 or more.
                volume: config.rekey_limit.map(|v| v as u64),
                ..Limits::default()
            },
        })
        .map_err(js_err)?;
        Ok(SshSession {
            transport,
            session: SessionState::new(config.server),
            remote_bugs: 0,
            debug: config.debug.unwrap_or(true),
        })
    }

    /// Server: a host key (before any input is fed).
    #[napi(catch_unwind)]
    pub fn add_host_key(&mut self, key: &NativeKey) {
        self.transport.add_host_key(key.key.clone());
    }

    #[napi(catch_unwind)]
    pub fn feed<'env>(&mut self, env: &'env Env, chunk: &[u8]) -> Result<Array<'env>> {
        if !self.transport.past_ident() {
            return self.run(env, None, |t, h| t.feed(chunk, h));
        }
        // A chunk that does not complete the packet being received is only
        // appended to it: nothing to open, and no Buffer made for it.
        if self.transport.hold(chunk) {
            return env.create_array(0);
        }
        // The received bytes go into a Buffer of Node's (one copy), where
        // packets are decrypted in place and channel data handed out as views.
        let mut js = unfilled_buffer(env, self.transport.partial().len() + chunk.len())?;
        let handle = js.to_unknown();
        let buf: &mut [u8] = &mut js;
        let in_place = InPlace::new(buf, handle);
        let partial_len = self.transport.partial().len();
        if partial_len == 0 {
            // Opened from the chunk into the Buffer: every cipher decrypts
            // straight across; cleartext packets (before the first
            // NEWKEYS) are copied once.
            return self.run(env, Some(&in_place), |t, h| t.feed_into(chunk, buf, h));
        }
        // A packet cut by the last chunk: it and this chunk, each copied
        // once into the Buffer, are opened in place.
        let (head, tail) = buf.split_at_mut(partial_len);
        head.copy_from_slice(self.transport.partial());
        tail.copy_from_slice(chunk);
        self.transport.clear_partial();
        self.run(env, Some(&in_place), |t, h| t.feed_in_place(buf, h))
    }

    #[napi(catch_unwind)]
    pub fn take_output(&mut self) -> Option<WireBytes> {
        if self.transport.has_output() {
            Some(self.transport.take_output().into())
        } else {
            None
        }
    }

    /// Client: the app's verdict on the server's host key. Returns the events it caused.
    #[napi(catch_unwind)]
    pub fn host_key_verdict<'env>(
        &mut self,
        env: &'env Env,
        accepted: bool,
    ) -> Result<Array<'env>> {
        self.run(env, None, |t, h| t.host_key_verdict(accepted, h))
    }

    #[napi(getter, catch_unwind)]
    pub fn get_remote_bugs(&self) -> u32 {
        self.remote_bugs
    }

    #[napi(setter, catch_unwind)]
    pub fn set_remote_bugs(&mut self, bugs: u32) {
        self.remote_bugs = bugs;
    }

    /// Bytes the engine copied to hold and reassemble received packets (a
    /// statistic for tests that this work is linear in the bytes fed; not
    /// part of the package's API).
    #[napi(getter, catch_unwind)]
    pub fn input_bytes_copied(&self) -> f64 {
        self.transport.input_copied as f64
    }

    /// Bytes of messages waiting behind a key exchange in progress.
    #[napi(getter, catch_unwind)]
    pub fn queued_bytes(&self) -> f64 {
        self.transport.queued_len() as f64
    }

    #[napi(getter, catch_unwind)]
    pub fn remote_ident_raw(&self) -> Option<String> {
        self.transport.remote_ident().map(str::to_owned)
    }

    #[napi(getter, catch_unwind)]
    pub fn kex_public_key(&self) -> Option<WireBytes> {
        self.transport.kex_public_key().map(|k| k.to_vec().into())
    }

    #[napi(getter, catch_unwind)]
    pub fn session_id(&self) -> Option<WireBytes> {
        self.transport.session_id().map(|k| k.to_vec().into())
    }

    #[napi(catch_unwind)]
    pub fn send_raw(&mut self, payload: &[u8], bypass: bool) -> Option<WireBytes> {
        let sent = self.transport.send_raw(payload, bypass);
        self.sent_or_queued(sent)
    }

    #[napi(catch_unwind)]
    pub fn disconnect(&mut self, code: u32) -> Option<WireBytes> {
        self.transport.disconnect(code);
        self.take_output()
    }

    #[napi(catch_unwind)]
    pub fn ping(&mut self) -> Option<WireBytes> {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply: true,
            kind: GlobalRequestKind::Other {
                name: "keepalive@openssh.com".into(),
                data: &[],
            },
        }))
    }

    #[napi(catch_unwind)]
    pub fn rekey(&mut self) -> Result<Option<WireBytes>> {
        self.transport.rekey().map_err(js_err)?;
        Ok(self.take_output())
    }

    #[napi(catch_unwind)]
    pub fn request_success(&mut self, data: Option<&[u8]>) -> Option<WireBytes> {
        self.send_msg(&Message::RequestSuccess(data.unwrap_or_default()))
    }

    #[napi(catch_unwind)]
    pub fn request_failure(&mut self) -> Option<WireBytes> {
        self.send_msg(&Message::RequestFailure)
    }

    #[napi(catch_unwind)]
    pub fn channel_success(&mut self, chan: u32) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelSuccess(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_failure(&mut self, chan: u32) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelFailure(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_eof(&mut self, chan: u32) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelEof(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_close(&mut self, chan: u32) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelClose(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_window_adjust(&mut self, chan: u32, bytes: u32) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelWindowAdjust {
            recipient: chan,
            bytes,
        })
    }

    /// Channel data stays in the output buffer: lib/ssh.js takes it once
    /// per turn of the event loop (or when enough has gathered), so a burst
    /// of writes crosses the stream pipeline as one chunk. Returns the bytes
    /// waiting to be taken, or -1 when the message was queued behind a key
    /// exchange.
    #[napi(catch_unwind)]
    pub fn channel_data(&mut self, chan: u32, data: &[u8]) -> i64 {
        let m = Message::ChannelData {
            recipient: chan,
            data,
        };
        self.defer_msg(&m)
    }

    #[napi(catch_unwind)]
    pub fn channel_ext_data(&mut self, chan: u32, data: &[u8], data_type: u32) -> i64 {
        let m = Message::ChannelExtendedData {
            recipient: chan,
            data_type,
            data,
        };
        self.defer_msg(&m)
    }

    #[napi(catch_unwind)]
    pub fn channel_open_confirm(
        &mut self,
        remote: u32,
        local: u32,
        window: u32,
        max_packet: u32,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelOpenConfirmation(ChannelOpenConfirmation {
            recipient: remote,
            sender: local,
            window,
            max_packet,
            extra: &[],
        }))
    }

    #[napi(catch_unwind)]
    pub fn channel_open_fail(
        &mut self,
        remote: u32,
        reason: u32,
        description: String,
        lang: String,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::ChannelOpenFailure(ChannelOpenFailure {
            recipient: remote,
            reason,
            description: description.into(),
            lang: lang.into(),
        }))
    }

    #[napi(catch_unwind)]
    pub fn service_request(&mut self, name: String) -> Option<WireBytes> {
        self.send_msg(&Message::ServiceRequest(name.into()))
    }

    #[napi(catch_unwind)]
    pub fn service_accept(&mut self, name: String) -> Option<WireBytes> {
        self.send_msg(&Message::ServiceAccept(name.into()))
    }

    #[napi(catch_unwind)]
    pub fn userauth_banner(&mut self, message: String) -> Option<WireBytes> {
        self.send_msg(&Message::UserauthBanner {
            message: message.into(),
            lang: "".into(),
        })
    }

    #[napi(catch_unwind)]
    pub fn tcpip_forward(
        &mut self,
        addr: String,
        port: u32,
        want_reply: bool,
        cancel: bool,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply,
            kind: GlobalRequestKind::TcpipForward {
                cancel,
                bind_addr: addr.into(),
                bind_port: port,
            },
        }))
    }

    #[napi(catch_unwind)]
    pub fn stream_local_forward(
        &mut self,
        path: String,
        want_reply: bool,
        cancel: bool,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply,
            kind: GlobalRequestKind::StreamLocalForward {
                cancel,
                socket_path: path.into(),
            },
        }))
    }

    #[napi(catch_unwind)]
    pub fn no_more_sessions(&mut self, want_reply: bool) -> Option<WireBytes> {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply,
            kind: GlobalRequestKind::NoMoreSessions,
        }))
    }

    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn open_tcpip(
        &mut self,
        channel_type: String,
        chan: u32,
        window: u32,
        max_packet: u32,
        dest_addr: String,
        dest_port: u32,
        orig_addr: String,
        orig_port: u32,
    ) -> Option<WireBytes> {
        self.open(
            &channel_type,
            chan,
            window,
            max_packet,
            ChannelOpenData::Tcpip {
                dest_addr: dest_addr.into(),
                dest_port,
                orig_addr: orig_addr.into(),
                orig_port,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn open_stream_local(
        &mut self,
        channel_type: String,
        chan: u32,
        window: u32,
        max_packet: u32,
        path: String,
    ) -> Option<WireBytes> {
        self.open(
            &channel_type,
            chan,
            window,
            max_packet,
            ChannelOpenData::StreamLocal {
                socket_path: path.into(),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn open_simple(
        &mut self,
        channel_type: String,
        chan: u32,
        window: u32,
        max_packet: u32,
    ) -> Option<WireBytes> {
        self.open(
            &channel_type,
            chan,
            window,
            max_packet,
            ChannelOpenData::None,
        )
    }

    #[napi(catch_unwind)]
    pub fn open_x11(
        &mut self,
        chan: u32,
        window: u32,
        max_packet: u32,
        addr: String,
        port: u32,
    ) -> Option<WireBytes> {
        self.open(
            "x11",
            chan,
            window,
            max_packet,
            ChannelOpenData::X11 {
                orig_addr: addr.into(),
                orig_port: port,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_window_change(
        &mut self,
        chan: u32,
        cols: u32,
        rows: u32,
        width: u32,
        height: u32,
    ) -> Option<WireBytes> {
        self.channel_request(
            chan,
            false,
            ChannelRequestKind::WindowChange {
                cols,
                rows,
                width,
                height,
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn req_pty(
        &mut self,
        chan: u32,
        term: String,
        cols: u32,
        rows: u32,
        width: u32,
        height: u32,
        modes: &[u8],
        want_reply: bool,
    ) -> Option<WireBytes> {
        self.channel_request(
            chan,
            want_reply,
            ChannelRequestKind::Pty {
                term: term.into(),
                cols,
                rows,
                width,
                height,
                modes,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_simple(&mut self, chan: u32, name: String, want_reply: bool) -> Option<WireBytes> {
        let kind = match name.as_str() {
            "shell" => ChannelRequestKind::Shell,
            "auth-agent-req@openssh.com" => ChannelRequestKind::AuthAgent,
            _ => ChannelRequestKind::Other {
                name: Cow::Owned(name.clone()),
                data: &[],
            },
        };
        self.channel_request(chan, want_reply, kind)
    }

    /// exec, subsystem, signal: a request with one string.
    #[napi(catch_unwind)]
    pub fn req_string(
        &mut self,
        chan: u32,
        name: String,
        value: &[u8],
        want_reply: bool,
    ) -> Result<Option<WireBytes>> {
        let text = String::from_utf8_lossy(value);
        let kind = match name.as_str() {
            "exec" => ChannelRequestKind::Exec { command: text },
            "subsystem" => ChannelRequestKind::Subsystem { name: text },
            "signal" => ChannelRequestKind::Signal { name: text },
            other => return Err(js_err(format!("unknown request {other}"))),
        };
        Ok(self.channel_request(chan, want_reply, kind))
    }

    #[napi(catch_unwind)]
    pub fn req_env(
        &mut self,
        chan: u32,
        key: String,
        value: &[u8],
        want_reply: bool,
    ) -> Option<WireBytes> {
        self.channel_request(
            chan,
            want_reply,
            ChannelRequestKind::Env {
                name: key.into(),
                value: String::from_utf8_lossy(value),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_x11(
        &mut self,
        chan: u32,
        single: bool,
        protocol: &[u8],
        cookie: &[u8],
        screen: u32,
        want_reply: bool,
    ) -> Option<WireBytes> {
        self.channel_request(
            chan,
            want_reply,
            ChannelRequestKind::X11 {
                single,
                protocol: String::from_utf8_lossy(protocol),
                cookie,
                screen,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_exit_status(&mut self, chan: u32, code: u32) -> Option<WireBytes> {
        self.channel_request(chan, false, ChannelRequestKind::ExitStatus { code })
    }

    #[napi(catch_unwind)]
    pub fn req_exit_signal(
        &mut self,
        chan: u32,
        name: String,
        core_dumped: bool,
        message: String,
    ) -> Option<WireBytes> {
        self.channel_request(
            chan,
            false,
            ChannelRequestKind::ExitSignal {
                signal: ExitSignalName::Name(name.into()),
                core_dumped,
                message: message.into(),
                lang: "".into(),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_none(&mut self, username: String) -> Option<WireBytes> {
        self.client_auth(&username, AuthMethod::None)
    }

    #[napi(catch_unwind)]
    pub fn auth_password(
        &mut self,
        username: String,
        password: String,
        new_password: Option<String>,
    ) -> Option<WireBytes> {
        self.client_auth(
            &username,
            AuthMethod::Password {
                password: password.into(),
                new_password: new_password.map(Cow::Owned),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_keyboard(&mut self, username: String) -> Option<WireBytes> {
        self.client_auth(
            &username,
            AuthMethod::KeyboardInteractive {
                lang: "".into(),
                submethods: "".into(),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_pk_query(
        &mut self,
        username: String,
        key_type: String,
        blob: &[u8],
    ) -> Option<WireBytes> {
        let algo = self.session.signature_algorithm(&key_type);
        self.client_auth(&username, pk_method(&algo, blob, None))
    }

    /// Client: what to sign for publickey auth, and under which algorithm.
    #[napi(catch_unwind)]
    pub fn auth_pk_sign_data(&self, username: String, key_type: String, blob: &[u8]) -> ToSignJs {
        let algo = self.session.signature_algorithm(&key_type);
        let req = UserauthRequest {
            username: username.into(),
            service: "ssh-connection".into(),
            method: pk_method(&algo, blob, None),
            signed_len: 0,
        };
        let t = self.session.data_to_sign(&req);
        ToSignJs {
            algo: t.algorithm,
            data: t.data.into(),
        }
    }

    #[napi(catch_unwind)]
    pub fn auth_pk_signed(
        &mut self,
        username: String,
        algo: String,
        blob: &[u8],
        signature: &[u8],
    ) -> Option<WireBytes> {
        let sig = signature_blob(&algo, signature);
        self.client_auth(&username, pk_method(&algo, blob, Some(&sig)))
    }

    #[napi(catch_unwind)]
    pub fn auth_hostbased_sign_data(
        &self,
        username: String,
        key_type: String,
        blob: &[u8],
        hostname: String,
        local_user: String,
    ) -> ToSignJs {
        let algo = self.session.signature_algorithm(&key_type);
        let req = UserauthRequest {
            username: username.into(),
            service: "ssh-connection".into(),
            method: AuthMethod::Hostbased {
                algorithm: algo.as_str().into(),
                key: blob,
                hostname: hostname.into(),
                local_username: local_user.into(),
                signature: &[],
            },
            signed_len: 0,
        };
        let t = self.session.data_to_sign(&req);
        ToSignJs {
            algo: t.algorithm,
            data: t.data.into(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn auth_hostbased_signed(
        &mut self,
        username: String,
        algo: String,
        blob: &[u8],
        hostname: String,
        local_user: String,
        signature: &[u8],
    ) -> Option<WireBytes> {
        let sig = signature_blob(&algo, signature);
        self.client_auth(
            &username,
            AuthMethod::Hostbased {
                algorithm: algo.as_str().into(),
                key: blob,
                hostname: hostname.into(),
                local_username: local_user.into(),
                signature: &sig,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_info_res(&mut self, responses: Vec<String>) -> Option<WireBytes> {
        self.send_msg(&Message::UserauthInfoResponse(
            responses.into_iter().map(Cow::Owned).collect(),
        ))
    }

    #[napi(catch_unwind)]
    pub fn auth_failure(
        &mut self,
        methods: Vec<String>,
        partial: bool,
    ) -> Result<Option<WireBytes>> {
        self.session
            .server_answer()
            .map_err(|e| js_err(e.to_string()))?;
        let list: Vec<&str> = methods.iter().map(String::as_str).collect();
        Ok(self.send_msg(&Message::UserauthFailure {
            methods: list,
            partial_success: partial,
        }))
    }

    #[napi(catch_unwind)]
    pub fn auth_success(&mut self) -> Result<Option<WireBytes>> {
        self.session
            .server_success()
            .map_err(|e| js_err(e.to_string()))?;
        Ok(self.send(&[msg::USERAUTH_SUCCESS]))
    }

    #[napi(catch_unwind)]
    pub fn auth_pk_ok(&mut self, key_algo: String, key: &[u8]) -> Result<Option<WireBytes>> {
        let algo = self
            .session
            .server_pk_ok(&key_algo)
            .map_err(|e| js_err(e.to_string()))?;
        Ok(self.send_msg(&Message::UserauthPkOk {
            algorithm: algo.into(),
            key,
        }))
    }

    #[napi(catch_unwind)]
    pub fn auth_passwd_chg(&mut self, prompt: String, lang: String) -> Option<WireBytes> {
        self.send_msg(&Message::UserauthPasswdChangereq {
            prompt: prompt.into(),
            lang: lang.into(),
        })
    }

    #[napi(catch_unwind)]
    pub fn auth_info_req(
        &mut self,
        name: String,
        instructions: String,
        prompts: Vec<PromptJs>,
    ) -> Option<WireBytes> {
        self.send_msg(&Message::UserauthInfoRequest(InfoRequest {
            name: name.into(),
            instruction: instructions.into(),
            lang: "".into(),
            prompts: prompts
                .into_iter()
                .map(|p| Prompt {
                    prompt: p.prompt.into(),
                    echo: p.echo,
                })
                .collect(),
        }))
    }
}
