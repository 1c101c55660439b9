//! `SshSession`: an `ssh::Connection` behind one SSH2Stream. It maps, and
//! decides nothing: JS config to the connection's `Config`, received
//! chunks in, the connection's events out as JS arrays
//! (`connection_events.rs`), and JS arguments to messages sent
//! (`ssh_send.rs`). See lib/ssh.js for the contract from the JS side.

use super::connection_events::{HotData, JsEvents};
use super::events::InPlace;
use super::keys::NativeKey;
use super::wire_bytes::{unfilled_buffer, WireBytes};
use crate::ssh::connection::{self, Bugs, Connection, Receive, Sent};
use crate::transport::engine::Preferences;
use crate::transport::rekey_limit::Limits;
use napi::bindgen_prelude::*;
use napi_derive::napi;
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

impl AlgorithmPrefs {
    /// The defaults, with each list the app named in their place.
    fn into_core(self) -> Arc<Preferences> {
        let mut prefs = Preferences::shared_defaults();
        let lists = [
            self.kex,
            self.server_host_key,
            self.cipher,
            self.hmac,
            self.compress,
        ]
        .map(|v| v.filter(|v| !v.is_empty()));
        if lists.iter().any(Option::is_some) {
            let mut own = (*prefs).clone();
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
            prefs = Preferences::shared(own);
        }
        prefs
    }
}

impl SessionConfig {
    fn into_core(self) -> connection::Config {
        let mut cfg = connection::Config::new(self.server, self.ident);
        cfg.greeting = self.greeting;
        if let Some(a) = self.algorithms {
            cfg.algorithms = a.into_core();
        }
        if let Some(max) = self.max_packet_size {
            cfg.max_packet = max as usize;
        }
        cfg.rekey = Limits {
            // lib/ssh/config.js has checked it: an integer, 16 or more.
            volume: self.rekey_limit.map(|v| v as u64),
            ..Limits::default()
        };
        cfg.debug_events = self.debug.unwrap_or(true);
        cfg
    }
}

#[napi]
pub struct SshSession {
    pub(super) conn: Connection,
}

pub(super) fn js_err(msg: impl Into<String>) -> Error {
    Error::new(Status::GenericFailure, msg.into())
}

impl SshSession {
    /// What every send method returns to JS (the one output rule): the
    /// bytes now waiting for `takeOutput`, the only way output leaves; for
    /// a message queued behind a key exchange, -1 minus them (a send that
    /// reached a rekey limit queues its message and seals a KEXINIT).
    /// lib/ssh.js decides when to take them (`_sent`).
    pub(super) fn pending(&self, sent: Sent) -> i64 {
        let waiting = self.conn.pending_output() as i64;
        match sent {
            Sent::Queued => -1 - waiting,
            Sent::Sealed | Sent::Dropped => waiting,
        }
    }
}

#[napi]
impl SshSession {
    #[napi(constructor, catch_unwind)]
    pub fn new(config: SessionConfig) -> Result<SshSession> {
        let conn = Connection::new(config.into_core()).map_err(js_err)?;
        Ok(SshSession { conn })
    }

    /// Server: a host key (before any input is fed).
    #[napi(catch_unwind)]
    pub fn add_host_key(&mut self, key: &NativeKey) {
        self.conn.add_host_key(key.key.clone());
    }

    /// Received bytes in, their events out. Packets are opened in one
    /// Buffer of Node's (one copy of the input), so channel data reaches
    /// JS as views of it, as numbers in `hot` where there is room
    /// (`JsEvents::push_hot`).
    #[napi(catch_unwind)]
    pub fn feed<'env>(
        &mut self,
        env: &'env Env,
        chunk: &[u8],
        mut hot: Float64ArraySlice<'env>,
    ) -> Result<Array<'env>> {
        let mut events = JsEvents::new(env)?;
        let need = self.conn.receive(chunk, &mut |e| events.push(e, None));
        if let Receive::NeedsBuffer(len) = need {
            let mut js = unfilled_buffer(env, len)?;
            let handle = js.to_unknown();
            let buf: &mut [u8] = &mut js;
            let in_place = InPlace::new(buf, handle);
            // SAFETY: the array is an argument of this call, alive and not
            // detached until it returns; no JS runs meanwhile, and lib/ssh.js
            // gives a Float64Array of its own, never the chunk's memory.
            let mut hot = HotData {
                room: unsafe { hot.as_mut() },
                used: 0,
                buffer_given: false,
            };
            self.conn
                .receive_into(chunk, buf, &mut |e| events.push_hot(e, &in_place, &mut hot));
        }
        events.done()
    }

    /// Everything sealed since the last call (null when nothing waits).
    #[napi(catch_unwind)]
    pub fn take_output(&mut self) -> Option<WireBytes> {
        self.conn.poll_transmit().map(Into::into)
    }

    /// Client: the app's verdict on the server's host key. Returns the events it caused.
    #[napi(catch_unwind)]
    pub fn host_key_verdict<'env>(
        &mut self,
        env: &'env Env,
        accepted: bool,
    ) -> Result<Array<'env>> {
        let mut events = JsEvents::new(env)?;
        self.conn
            .host_key_verdict(accepted, &mut |e| events.push(e, None));
        events.done()
    }

    /// 0.4.10's `remoteBugs` (constants.BUGS), found from the peer's
    /// software version; the app may set them.
    #[napi(getter, catch_unwind)]
    pub fn get_remote_bugs(&self) -> u32 {
        self.conn.bugs().0
    }

    #[napi(setter, catch_unwind)]
    pub fn set_remote_bugs(&mut self, bugs: u32) {
        self.conn.set_bugs(Bugs(bugs));
    }

    /// Bytes the engine copied to hold and reassemble received packets (a
    /// statistic for tests that this work is linear in the bytes fed; not
    /// part of the package's API).
    #[napi(getter, catch_unwind)]
    pub fn input_bytes_copied(&self) -> f64 {
        self.conn.input_bytes_copied() as f64
    }

    /// Bytes of messages waiting behind a key exchange in progress.
    #[napi(getter, catch_unwind)]
    pub fn queued_bytes(&self) -> f64 {
        self.conn.queued_bytes() as f64
    }

    #[napi(getter, catch_unwind)]
    pub fn remote_ident_raw(&self) -> Option<String> {
        self.conn.remote_ident().map(str::to_owned)
    }

    #[napi(getter, catch_unwind)]
    pub fn kex_public_key(&self) -> Option<WireBytes> {
        self.conn.kex_public_key().map(|k| k.to_vec().into())
    }

    #[napi(getter, catch_unwind)]
    pub fn session_id(&self) -> Option<WireBytes> {
        self.conn.session_id().map(|k| k.to_vec().into())
    }

    #[napi(catch_unwind)]
    pub fn rekey(&mut self) -> Result<i64> {
        self.conn.rekey().map_err(js_err)?;
        Ok(self.conn.pending_output() as i64)
    }

    /// 0.4.10's `_send(payload, cb, bypass)`: a raw payload, sent even
    /// during a key exchange with `bypass` (tests inject packets so).
    #[napi(catch_unwind)]
    pub fn send_raw(&mut self, payload: &[u8], bypass: bool) -> i64 {
        let sent = self.conn.send_raw(payload, bypass);
        self.pending(sent)
    }

    #[napi(catch_unwind)]
    pub fn disconnect(&mut self, code: u32) -> i64 {
        self.conn.disconnect(code);
        self.conn.pending_output() as i64
    }
}
