//! The transport state machine: identification, key exchange (first and
//! later), strict kex, ext-info, and packets in both directions. Sans-IO:
//! `feed` takes received bytes and reports events through a callback (with
//! payloads borrowed from the receive buffer, so nothing is copied on the
//! way); everything to send accumulates for `take_output`.

use super::algorithms;
use super::compression::{Deflater, Inflater};
use super::ident::{Header, IdentReader};
use super::kexinit::{self, KexInit, Negotiated};

mod gex;
use super::packet::{DirectionKeys, Opener, Sealer, SEQUENCE_EXHAUSTED};
use super::rekey_limit::{self, Limits};
use crate::crypto::kex::{self as kexalg, DhGroup, Ephemeral, Group, KexSpec};
use crate::crypto::mac::MacSpec;
use crate::crypto::{self, signature, CipherSpec};
use crate::keys::Key;
use crate::wire::{Reader, Writer};
use aws_lc_rs::digest;
use bytes::{Buf, BytesMut};
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

pub mod msg {
    pub const DISCONNECT: u8 = 1;
    pub const IGNORE: u8 = 2;
    pub const UNIMPLEMENTED: u8 = 3;
    pub const DEBUG: u8 = 4;
    pub const EXT_INFO: u8 = 7;
    /// SSH_MSG_KEXINIT: each side's algorithm lists (RFC 4253 7.1).
    pub const KEXINIT: u8 = crate::transport::kexinit::MSG_KEXINIT;
    pub const NEWKEYS: u8 = 21;
    /// SSH_MSG_KEXDH_INIT and _REPLY (RFC 4253 8): the client's public
    /// value, then the server's host key, value and signature. ECDH
    /// (RFC 5656's KEX_ECDH_INIT/REPLY), Curve25519 and the post-quantum
    /// hybrids use the same numbers and layout, so one pair serves all.
    pub const KEXDH_INIT: u8 = 30;
    pub const KEXDH_REPLY: u8 = 31;
    /// RFC 4419 group exchange (SSH_MSG_KEX_DH_GEX_*): GROUP shares 31
    /// with KEXDH_REPLY; INIT and REPLY are KEXDH_INIT and _REPLY again
    /// under other numbers.
    pub const GEX_GROUP: u8 = 31;
    pub const GEX_INIT: u8 = 32;
    pub const GEX_REPLY: u8 = 33;
    pub const GEX_REQUEST: u8 = 34;
}

/// The user-auth message that starts zlib@openssh.com compression (RFC 4252).
const USERAUTH_SUCCESS: u8 = 52;

/// Whether the layers above define message number `kind` (RFC 4250 section
/// 4.1: service request/accept, user auth 50-53 and 60-61, global requests
/// 80-82, channels 90-100). Any other number gets SSH_MSG_UNIMPLEMENTED, as
/// RFC 4253 section 11.4 requires and 0.4.10 did.
fn upper_layer_knows(kind: u8) -> bool {
    matches!(kind, 5 | 6 | 50..=53 | 60 | 61 | 80..=82 | 90..=100)
}

pub mod reason {
    pub const PROTOCOL_ERROR: u32 = 2;
    pub const KEY_EXCHANGE_FAILED: u32 = 3;
    pub const MAC_ERROR: u32 = 5;
    pub const COMPRESSION_ERROR: u32 = 6;
    pub const BY_APPLICATION: u32 = 11;
}

const STRICT_C: &str = "kex-strict-c-v00@openssh.com";
const STRICT_S: &str = "kex-strict-s-v00@openssh.com";
const EXT_INFO_C: &str = "ext-info-c";

/// Algorithm preferences by category, in the order to offer them.
#[derive(Debug, Clone, Default)]
pub struct Preferences {
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub cipher: Vec<String>,
    pub mac: Vec<String>,
    pub compress: Vec<String>,
}

impl Preferences {
    /// The registry's defaults that the engine implements.
    pub fn defaults() -> Preferences {
        let pick = |list: &algorithms::AlgorithmList, cat: &str| -> Vec<String> {
            list.default
                .iter()
                .filter(|n| crypto::implemented(cat, n))
                .map(|s| s.to_string())
                .collect()
        };
        Preferences {
            kex: pick(&algorithms::KEX, "kex"),
            host_key: pick(&algorithms::SERVER_HOST_KEY, "serverHostKey"),
            cipher: pick(algorithms::cipher(), "cipher"),
            mac: pick(&algorithms::MAC, "hmac"),
            compress: pick(&algorithms::COMPRESSION, "compress"),
        }
    }

    /// The defaults, built once and shared by every session that keeps
    /// them: most do, and building ~30 names per connection showed in the
    /// handshake profile.
    pub fn shared_defaults() -> Arc<Preferences> {
        static DEFAULTS: OnceLock<Arc<Preferences>> = OnceLock::new();
        DEFAULTS
            .get_or_init(|| Arc::new(Preferences::defaults()))
            .clone()
    }
}

pub struct Config {
    pub server: bool,
    /// Our identification line, without CR LF.
    pub ident: String,
    /// Server: text sent before the identification line.
    pub greeting: Option<String>,
    pub algorithms: Arc<Preferences>,
    pub host_keys: Vec<Arc<Key>>,
    /// The largest packet_length accepted.
    pub max_packet: usize,
    /// When to rekey by ourselves (rekey_limit.rs).
    pub rekey: Limits,
}

/// Something the caller should act on.
pub enum Event<'a> {
    Header(Header),
    /// The peer's KEXINIT arrived (a key exchange begins or continues).
    KexInit,
    /// What this key exchange agreed on (for debug output).
    Negotiated(&'a Negotiated),
    /// Both sides' KEXINIT lists, just before they are compared (for
    /// debug output; also when no common algorithm is found).
    Offers {
        local: &'a KexInit,
        remote: &'a KexInit,
    },
    /// Client: the server's host key, verified to have signed the exchange.
    /// Our NEWKEYS waits for `host_key_verdict`.
    HostKey {
        blob: Vec<u8>,
        first_kex: bool,
    },
    /// The peer's NEWKEYS arrived; incoming packets use the new keys.
    NewKeys,
    /// The first key exchange is complete in both directions.
    Ready,
    /// Client: the server's server-sig-algs (RFC 8308).
    ServerSigAlgs(Vec<String>),
    Disconnect {
        code: u32,
        description: String,
        lang: String,
    },
    Debug {
        message: String,
        lang: String,
    },
    /// A message for the layers above (service, auth, connection).
    Payload(&'a [u8]),
    /// The connection is over: 0.4.10's message, its error level, and the
    /// DISCONNECT reason already queued for the peer, if any.
    Fatal {
        message: String,
        level: &'static str,
    },
}

struct KexState {
    ours: Vec<u8>,
    theirs: Option<Vec<u8>>,
    negotiated: Option<Negotiated>,
    spec: Option<KexSpec>,
    ephemeral: Option<Ephemeral>,
    /// Keys computed, waiting for NEWKEYS: (outgoing, incoming).
    out_keys: Option<DirectionKeys>,
    in_keys: Option<DirectionKeys>,
    sent_newkeys: bool,
    got_newkeys: bool,
    awaiting_verdict: bool,
    /// The peer guessed its first kex packet wrong: drop that packet.
    ignore_next_kex_packet: bool,
    /// Group exchange: the client's (min, n, max) and the server's group.
    gex_request: Option<(u32, u32, u32)>,
    gex_group: Option<DhGroup>,
}

pub struct Transport {
    cfg: Config,
    ident: IdentReader,
    header_done: bool,
    remote_ident: Option<String>,
    /// Received bytes not yet opened: the start of a packet still
    /// arriving. Grows by appending (`hold`), so a packet that comes in
    /// many small pieces is copied once per piece, not once per piece for
    /// everything before it.
    inbuf: BytesMut,
    /// Bytes copied into or out of `inbuf`: a statistic for tests that
    /// the work of reassembling input is linear in the bytes fed.
    pub input_copied: u64,
    out: Vec<u8>,
    opener: Opener,
    sealer: Sealer,
    kex: Option<KexState>,
    /// The first exchange hash H (wiped when dropped, as every H is).
    session_id: Option<Zeroizing<Vec<u8>>>,
    our_public: Option<Vec<u8>>,
    /// Client: the host key of the first key exchange. A later one must
    /// present the same key: the app verified only this one (OpenSSH:
    /// "host key changed during rekey" is fatal).
    first_host_key: Option<crate::keys::PublicKey>,
    first_kex_done: bool,
    strict: bool,
    /// The peer's first packet was not KEXINIT (fatal under strict kex).
    early_non_kexinit: bool,
    /// Server: the client asked for EXT_INFO in its first KEXINIT.
    peer_wants_ext_info: bool,
    /// The peer's software is known to break group exchange (0.4.10's
    /// BUGS.BAD_DHGEX): leave it out of our KEXINIT.
    peer_bad_dhgex: bool,
    queued: Vec<Vec<u8>>,
    /// Payload bytes in `queued`: what lib/ssh.js bounds by returning false.
    queued_len: usize,
    dead: bool,
    /// Our keys sealed all the packets they may (rekey_limit.rs): the
    /// session ended on a send; the next `feed` reports it.
    exhausted_unreported: bool,
    pub bytes_in_keying: u64,
    deflate: Option<Deflater>,
    inflate: Option<Inflater>,
    /// zlib@openssh.com negotiated: start at user-auth success.
    delayed_deflate: bool,
    delayed_inflate: bool,
    auth_done: bool,
    /// RFC 8308 2.4: the packet being handled is the first after the
    /// peer's first NEWKEYS (where EXT_INFO may come).
    just_after_first_newkeys: bool,
    /// The peer's first NEWKEYS has arrived.
    peer_newkeys_seen: bool,
    /// EXT_INFO messages taken (OpenSSH takes at most 2 from a server,
    /// 1 from a client).
    ext_info_taken: u8,
}

/// The error a fault ends the connection with.
struct Fault {
    message: String,
    level: &'static str,
    disconnect: Option<u32>,
}

fn fault(message: impl Into<String>, level: &'static str, disconnect: Option<u32>) -> Fault {
    Fault {
        message: message.into(),
        level,
        disconnect,
    }
}

fn unexpected() -> Fault {
    fault(
        "Received unexpected packet",
        "protocol",
        Some(reason::PROTOCOL_ERROR),
    )
}

impl Transport {
    pub fn new(cfg: Config) -> Result<Transport, String> {
        for (cat, list) in [
            ("kex", &cfg.algorithms.kex),
            ("serverHostKey", &cfg.algorithms.host_key),
            ("cipher", &cfg.algorithms.cipher),
            ("hmac", &cfg.algorithms.mac),
            ("compress", &cfg.algorithms.compress),
        ] {
            if list.is_empty() {
                return Err(format!("No {cat} algorithms configured"));
            }
            for name in list {
                if !crypto::implemented(cat, name) {
                    return Err(format!("Unsupported algorithm ({cat}): {name}"));
                }
            }
        }
        let max_packet = cfg.max_packet.max(35000);
        let server = cfg.server;
        let mut t = Transport {
            cfg,
            ident: IdentReader::new(server),
            header_done: false,
            remote_ident: None,
            inbuf: BytesMut::new(),
            input_copied: 0,
            out: Vec::new(),
            opener: Opener::new(max_packet),
            sealer: Sealer::default(),
            kex: None,
            session_id: None,
            our_public: None,
            first_host_key: None,
            first_kex_done: false,
            strict: false,
            early_non_kexinit: false,
            peer_wants_ext_info: false,
            peer_bad_dhgex: false,
            queued: Vec::new(),
            queued_len: 0,
            dead: false,
            exhausted_unreported: false,
            bytes_in_keying: 0,
            deflate: None,
            inflate: None,
            delayed_deflate: false,
            delayed_inflate: false,
            auth_done: false,
            just_after_first_newkeys: false,
            peer_newkeys_seen: false,
            ext_info_taken: 0,
        };
        if let Some(g) = &t.cfg.greeting {
            t.out.extend_from_slice(g.as_bytes());
        }
        t.out.extend_from_slice(t.cfg.ident.as_bytes());
        t.out.extend_from_slice(b"\r\n");
        Ok(t)
    }

    /// Server: a host key to offer (before the peer's identification arrives).
    pub fn add_host_key(&mut self, key: Arc<Key>) {
        self.cfg.host_keys.push(key);
    }

    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    pub fn output_len(&self) -> usize {
        self.out.len()
    }

    /// Payload bytes waiting behind a key exchange in progress.
    pub fn queued_len(&self) -> usize {
        self.queued_len
    }

    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    pub fn remote_ident(&self) -> Option<&str> {
        self.remote_ident.as_deref()
    }

    pub fn session_id(&self) -> Option<&[u8]> {
        self.session_id.as_deref().map(Vec::as_slice)
    }

    /// Our public value in the current key exchange (KEXDH_INIT/REPLY).
    pub fn kex_public_key(&self) -> Option<&[u8]> {
        self.our_public.as_deref()
    }

    pub fn is_dead(&self) -> bool {
        self.dead
    }

    pub fn in_kex(&self) -> bool {
        self.kex.is_some()
    }

    /// Whether the first key exchange completed.
    pub fn ready(&self) -> bool {
        self.first_kex_done
    }

    /// Processes received bytes, calling `on_event` for each event.
    pub fn feed(&mut self, mut data: &[u8], on_event: &mut dyn FnMut(Event<'_>)) {
        self.report_exhausted(on_event);
        if self.dead {
            return;
        }
        if !self.header_done {
            match self.ident.feed(data) {
                Err(e) => {
                    self.dead = true;
                    on_event(Event::Fatal {
                        message: e.message().to_owned(),
                        level: "protocol",
                    });
                    return;
                }
                Ok((used, header)) => {
                    data = &data[used..];
                    let Some(header) = header else { return };
                    self.header_done = true;
                    self.remote_ident = Some(header.ident_raw.clone());
                    self.peer_bad_dhgex = header.software == "Cisco-1.25";
                    on_event(Event::Header(header));
                    if self.dead {
                        return;
                    }
                    self.start_kex();
                }
            }
        }
        self.inbuf.extend_from_slice(data);
        self.input_copied += data.len() as u64;
        let mut inbuf = std::mem::take(&mut self.inbuf);
        let pos = self.open_packets(&mut inbuf, None, on_event);
        if !self.dead {
            inbuf.advance(pos.min(inbuf.len()));
            self.inbuf = inbuf;
        }
    }

    /// Whether `feed_in_place` may be used: the identification lines are
    /// done (they are parsed from `feed`'s input as it comes).
    pub fn past_ident(&self) -> bool {
        self.header_done && !self.dead
    }

    /// The received bytes of a packet not yet complete: the caller copies
    /// them, then new input, into a buffer for `feed_in_place`, and calls
    /// `clear_partial`.
    pub fn partial(&self) -> &[u8] {
        &self.inbuf
    }

    /// Forgets the partial packet once the caller has copied it (the
    /// buffer's memory is kept for the next one).
    pub fn clear_partial(&mut self) {
        self.input_copied += self.inbuf.len() as u64;
        self.inbuf.clear();
    }

    /// When a partial packet is held whose length is known and `chunk`
    /// does not complete it, appends `chunk` and returns true: there is
    /// nothing to open yet. Otherwise returns false and leaves everything
    /// as it was (the caller goes on with `feed_in_place`). Without this, a
    /// 35 KB packet fed one byte at a time was copied whole on each byte.
    pub fn hold(&mut self, chunk: &[u8]) -> bool {
        if self.dead || self.inbuf.is_empty() {
            return false;
        }
        match self.opener.peek_total(&self.inbuf) {
            Some(total) if self.inbuf.len() + chunk.len() < total => {
                self.inbuf.extend_from_slice(chunk);
                self.input_copied += chunk.len() as u64;
                true
            }
            _ => false,
        }
    }

    /// Like `feed`, for a buffer that is `partial()` followed by new
    /// input, owned by the caller: packets are decrypted where they lie, so
    /// the payloads the events borrow are slices of `buf` (lib/ssh.js hands
    /// channel data out as views of it, without a copy).
    pub fn feed_in_place(&mut self, buf: &mut [u8], on_event: &mut dyn FnMut(Event<'_>)) {
        self.open_whole(buf, None, on_event);
    }

    /// Like `feed_in_place`, with nothing held back (`partial()` was
    /// empty): the input `src` is opened into `dst`, a buffer of the same
    /// length, which afterwards holds what `feed_in_place` would have left
    /// in it. Packets are decrypted from `src` straight into `dst`; from
    /// the first one that cannot be (`Opener::opens_out_of_place`: a
    /// cleartext packet before the first NEWKEYS) on, the rest is copied
    /// over and opened in place.
    pub fn feed_into(&mut self, src: &[u8], dst: &mut [u8], on_event: &mut dyn FnMut(Event<'_>)) {
        debug_assert!(src.len() == dst.len());
        self.open_whole(dst, Some(src), on_event);
    }

    /// `feed_in_place` and `feed_into`: opens what it can and keeps the
    /// rest as the held-back partial packet, taken from `buf` (a CBC/CTR
    /// packet's first block may already be decrypted there).
    fn open_whole(
        &mut self,
        buf: &mut [u8],
        src: Option<&[u8]>,
        on_event: &mut dyn FnMut(Event<'_>),
    ) {
        debug_assert!(self.inbuf.is_empty());
        let pos = self.open_packets(buf, src, on_event);
        if !self.dead {
            let rest = &buf[pos.min(buf.len())..];
            self.inbuf.extend_from_slice(rest);
            self.input_copied += rest.len() as u64;
        }
    }

    /// Opens and handles each whole packet at the front of `inbuf`; returns
    /// how many bytes they took. With `src`, the packets are read from it
    /// and `inbuf` is where they are opened: every byte of `inbuf` is
    /// written by the time this returns (the caller hands it to JS).
    fn open_packets(
        &mut self,
        inbuf: &mut [u8],
        src: Option<&[u8]>,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> usize {
        let mut pos = 0;
        // Whether inbuf[pos..] holds the input (always, without src).
        let mut copied = src.is_none();
        loop {
            if self.dead {
                break;
            }
            let result = match src {
                Some(src) if !copied && self.opener.opens_out_of_place() => {
                    self.opener.open_from(&src[pos..], &mut inbuf[pos..])
                }
                _ => {
                    if let (Some(src), false) = (src, copied) {
                        inbuf[pos..].copy_from_slice(&src[pos..]);
                        copied = true;
                    }
                    self.opener.open(&mut inbuf[pos..])
                }
            };
            let opened = match result {
                Ok(Some(o)) => o,
                Ok(None) => break,
                Err(e) => {
                    let f = fault(e.message, "protocol", e.disconnect);
                    self.fail(f, on_event);
                    break;
                }
            };
            let start = pos + opened.payload.start;
            let end = pos + opened.payload.end;
            pos += opened.consumed;
            self.bytes_in_keying += opened.consumed as u64;
            let result = match self.inflate.as_mut() {
                None => self.handle(&inbuf[start..end], on_event),
                Some(inflater) => match inflater.decompress(&inbuf[start..end]) {
                    Some(payload) => self.handle(&payload, on_event),
                    None => Err(fault(
                        "Bad compressed data",
                        "protocol",
                        Some(reason::COMPRESSION_ERROR),
                    )),
                },
            };
            if let Err(f) = result {
                self.fail(f, on_event);
                break;
            }
            self.report_exhausted(on_event);
            // Received enough under these keys: start a key exchange.
            if self.rekey_due(0) {
                self.start_kex();
            }
        }
        if let (Some(src), false) = (src, copied) {
            // After what `open_from` already wrote of a packet cut short.
            let from = (pos + self.opener.decrypted_prefix()).min(src.len());
            inbuf[from..].copy_from_slice(&src[from..]);
        }
        pos
    }

    fn fail(&mut self, f: Fault, on_event: &mut dyn FnMut(Event<'_>)) {
        if let Some(code) = f.disconnect {
            self.send_disconnect(code, "");
        }
        self.dead = true;
        on_event(Event::Fatal {
            message: f.message,
            level: f.level,
        });
    }

    fn seal(&mut self, payload: &[u8]) {
        self.seal_parts(payload, &[])
    }

    fn seal_parts(&mut self, head: &[u8], body: &[u8]) {
        match self.deflate.as_mut() {
            Some(d) => {
                let packed = d.compress(&[head, body].concat());
                self.sealer.seal(&packed, &mut self.out);
            }
            None => self.sealer.seal_parts(head, body, &mut self.out),
        }
        if self.sealer.refused && !self.dead {
            // Nothing more can be sent safely, not even a DISCONNECT.
            self.dead = true;
            self.exhausted_unreported = true;
            return;
        }
        // The server's USERAUTH_SUCCESS starts delayed compression.
        if self.cfg.server && head.first() == Some(&USERAUTH_SUCCESS) {
            self.start_delayed_compression();
        }
    }

    /// zlib@openssh.com starts once user authentication succeeds.
    fn start_delayed_compression(&mut self) {
        self.auth_done = true;
        if std::mem::take(&mut self.delayed_deflate) && self.deflate.is_none() {
            self.deflate = Some(Deflater::new());
        }
        if std::mem::take(&mut self.delayed_inflate) && self.inflate.is_none() {
            self.inflate = Some(Inflater::new());
        }
    }

    /// Sets up compression for one direction as negotiated, at NEWKEYS.
    fn compression_for(&mut self, outgoing: bool) {
        let Some(n) = self.kex.as_ref().and_then(|k| k.negotiated.as_ref()) else {
            return;
        };
        let ours_cs = !self.cfg.server;
        let name = if outgoing == ours_cs {
            n.comp_cs.clone()
        } else {
            n.comp_sc.clone()
        };
        let (now, delayed) = match name.as_str() {
            "zlib" => (true, false),
            "zlib@openssh.com" if self.auth_done => (true, false),
            "zlib@openssh.com" => (false, true),
            _ => (false, false),
        };
        if outgoing {
            if now && self.deflate.is_none() {
                self.deflate = Some(Deflater::new());
            }
            self.delayed_deflate = delayed;
        } else {
            if now && self.inflate.is_none() {
                self.inflate = Some(Inflater::new());
            }
            self.delayed_inflate = delayed;
        }
    }

    fn send_disconnect(&mut self, code: u32, description: &str) {
        let mut w = Writer::new();
        w.u8(msg::DISCONNECT)
            .u32(code)
            .string(description.as_bytes())
            .string(b"");
        let p = w.into_vec();
        self.seal(&p);
        // Every caller ends the session, reporting why if it was a fault;
        // keys too used to seal the DISCONNECT add no second error.
        self.exhausted_unreported = false;
    }

    /// Sends DISCONNECT and ends the transport.
    pub fn disconnect(&mut self, code: u32) {
        if !self.dead {
            self.send_disconnect(code, "");
            self.dead = true;
        }
    }

    /// Sends a message of the layers above, or queues it behind a key
    /// exchange in progress. Returns false when it was queued.
    pub fn send(&mut self, payload: &[u8]) -> bool {
        self.send_parts(payload, &[], 0)
    }

    /// `send` for a payload in two parts (see `Sealer::seal_parts`); `batch`
    /// is how much more output the caller expects to gather before taking
    /// it, reserved at once rather than grown by doubling.
    pub fn send_parts(&mut self, head: &[u8], body: &[u8], batch: usize) -> bool {
        if self.dead {
            return true;
        }
        // Sent enough under these keys: this packet waits for new ones.
        if self.rekey_due(head.len() + body.len() + 5) {
            self.start_kex();
        }
        if self.kex.is_some() || !self.first_kex_done {
            self.queued.push([head, body].concat());
            self.queued_len += head.len() + body.len();
            return false;
        }
        let need = head.len() + body.len() + 64;
        if self.out.capacity() - self.out.len() < need {
            self.out.reserve(batch.max(need));
        }
        self.seal_parts(head, body);
        true
    }

    /// Sends `payload` now, key exchange or not when `bypass` (0.4.10's
    /// `_send(..., bypass)`, used by tests that inject packets).
    pub fn send_raw(&mut self, payload: &[u8], bypass: bool) -> bool {
        if bypass {
            if !self.dead {
                self.seal(payload);
            }
            true
        } else {
            self.send(payload)
        }
    }

    /// Whether the rekey limits call for a key exchange before a packet of
    /// about `next_out` bytes is sealed (rekey_limit.rs): only once keys
    /// and user authentication are done, and none is being changed.
    fn rekey_due(&self, next_out: usize) -> bool {
        self.first_kex_done
            && self.auth_done
            && self.kex.is_none()
            && !self.dead
            && rekey_limit::due(
                &self.cfg.rekey,
                self.sealer.direction(),
                self.opener.direction(),
                next_out,
            )
    }

    /// A send found our keys exhausted (see `seal_parts`): reported as the
    /// fatal error it is.
    fn report_exhausted(&mut self, on_event: &mut dyn FnMut(Event<'_>)) {
        if std::mem::take(&mut self.exhausted_unreported) {
            on_event(Event::Fatal {
                message: SEQUENCE_EXHAUSTED.to_owned(),
                level: "protocol",
            });
        }
    }

    /// What each direction did under its current keys: (sent, received).
    pub fn key_usage(&self) -> (rekey_limit::Usage, rekey_limit::Usage) {
        (self.sealer.usage, self.opener.usage)
    }

    /// Tests: pretend the current keys have sealed `sent` and opened
    /// `received` packets (2^32 are not sent in a unit test).
    #[cfg(test)]
    pub fn set_packets_under_keys(&mut self, sent: u64, received: u64) {
        self.sealer.usage.packets = sent;
        self.opener.usage.packets = received;
    }

    /// Starts a key exchange (0.4.10's rekey()).
    pub fn rekey(&mut self) -> Result<(), &'static str> {
        if self.kex.is_some() {
            return Err("A re-key is already in progress");
        }
        if !self.first_kex_done || self.dead {
            return Err("Cannot re-key yet");
        }
        self.start_kex();
        Ok(())
    }

    fn host_key_names(&self) -> Vec<String> {
        if !self.cfg.server {
            return self.cfg.algorithms.host_key.clone();
        }
        // A server offers what it has a key for. A key type named alone
        // stands for the key, offered under every name it signs with
        // ("ssh-rsa" as rsa-sha2-512, rsa-sha2-256 and ssh-rsa: apps written
        // for 0.4.10 name only that), unless the app names one of the
        // others itself.
        let prefs = &self.cfg.algorithms.host_key;
        let names_other_alg_of = |key_type: &str| {
            prefs
                .iter()
                .any(|n| n != key_type && signature::key_type_of(n) == Some(key_type))
        };
        let mut out: Vec<String> = Vec::new();
        for name in prefs {
            let mut names: Vec<&str> = signature::for_key_type(name).map(|a| a.name).collect();
            if names.is_empty() || names_other_alg_of(name) {
                names = vec![name.as_str()];
            }
            for n in names {
                if self.host_key_for(n).is_some() && !out.iter().any(|o| o == n) {
                    out.push(n.to_owned());
                }
            }
        }
        out
    }

    fn host_key_for(&self, algo: &str) -> Option<Arc<Key>> {
        let key_type = signature::key_type_of(algo).unwrap_or(algo);
        self.cfg
            .host_keys
            .iter()
            .find(|k| k.key_type() == key_type && k.is_private())
            .cloned()
    }

    fn start_kex(&mut self) {
        let first = !self.first_kex_done;
        let p = &self.cfg.algorithms;
        let mut kex = p.kex.clone();
        if self.peer_bad_dhgex {
            kex.retain(|n| !n.contains("group-exchange"));
        }
        if first {
            kex.push(if self.cfg.server { STRICT_S } else { STRICT_C }.to_owned());
            if !self.cfg.server {
                kex.push(EXT_INFO_C.to_owned());
            }
        }
        let mut cookie = [0u8; 16];
        let _ = aws_lc_rs::rand::fill(&mut cookie);
        let init = KexInit {
            cookie,
            kex,
            host_key: self.host_key_names(),
            cipher_cs: p.cipher.clone(),
            cipher_sc: p.cipher.clone(),
            mac_cs: p.mac.clone(),
            mac_sc: p.mac.clone(),
            comp_cs: p.compress.clone(),
            comp_sc: p.compress.clone(),
            ..Default::default()
        };
        let ours = init.encode();
        self.seal(&ours);
        self.bytes_in_keying = 0;
        self.kex = Some(KexState {
            ours,
            theirs: None,
            negotiated: None,
            spec: None,
            ephemeral: None,
            out_keys: None,
            in_keys: None,
            sent_newkeys: false,
            got_newkeys: false,
            awaiting_verdict: false,
            ignore_next_kex_packet: false,
            gex_request: None,
            gex_group: None,
        });
    }

    fn handle(&mut self, payload: &[u8], on_event: &mut dyn FnMut(Event<'_>)) -> Result<(), Fault> {
        let Some(&kind) = payload.first() else {
            return Err(fault(
                "Malformed packet",
                "protocol",
                Some(reason::PROTOCOL_ERROR),
            ));
        };
        let after_first_newkeys = std::mem::take(&mut self.just_after_first_newkeys);
        let in_first_kex = !self.first_kex_done;
        if in_first_kex
            && kind != msg::KEXINIT
            && self.kex.as_ref().is_none_or(|k| k.theirs.is_none())
        {
            self.early_non_kexinit = true;
        }
        // Strict kex: until the peer's first NEWKEYS only kex messages pass.
        let before_peer_newkeys = in_first_kex && !self.kex.as_ref().is_some_and(|k| k.got_newkeys);
        // (A DISCONNECT still gets through: it ends the connection anyway.)
        if self.strict
            && before_peer_newkeys
            && kind != msg::DISCONNECT
            && !(20..=49).contains(&kind)
        {
            return Err(fault(
                format!("strict KEX violation: unexpected packet type {kind}"),
                "protocol",
                Some(reason::PROTOCOL_ERROR),
            ));
        }
        match kind {
            msg::DISCONNECT => {
                let mut r = Reader::new(&payload[1..]);
                let code = r.u32().unwrap_or(reason::PROTOCOL_ERROR);
                let description = r.text().map(|t| t.into_owned()).unwrap_or_default();
                let lang = r.text().map(|t| t.into_owned()).unwrap_or_default();
                self.dead = true;
                on_event(Event::Disconnect {
                    code,
                    description,
                    lang,
                });
            }
            msg::IGNORE | msg::UNIMPLEMENTED => {}
            msg::DEBUG => {
                let mut r = Reader::new(&payload[1..]);
                let _always = r.bool();
                let message = r.text().map(|t| t.into_owned()).unwrap_or_default();
                let lang = r.text().map(|t| t.into_owned()).unwrap_or_default();
                on_event(Event::Debug { message, lang });
            }
            msg::EXT_INFO => self.on_ext_info(payload, after_first_newkeys, on_event)?,
            msg::KEXINIT => self.negotiate_on_kexinit(payload, on_event)?,
            msg::NEWKEYS => self.on_newkeys(on_event)?,
            30..=49 => {
                if let Some(k) = self.kex.as_mut() {
                    if k.ignore_next_kex_packet {
                        k.ignore_next_kex_packet = false;
                        return Ok(());
                    }
                }
                let gex = self
                    .kex
                    .as_ref()
                    .and_then(|k| k.spec)
                    .is_some_and(|s| s.group == Group::GroupExchange);
                match (kind, self.cfg.server, gex) {
                    (msg::KEXDH_INIT, true, false) | (msg::GEX_INIT, true, true) => {
                        self.answer_kexdh_init(payload)?
                    }
                    (msg::KEXDH_REPLY, false, false) | (msg::GEX_REPLY, false, true) => {
                        self.verify_kexdh_reply(payload, on_event)?
                    }
                    (msg::GEX_REQUEST, true, true) => self.on_gex_request(payload)?,
                    (msg::GEX_GROUP, false, true) => self.on_gex_group(payload)?,
                    _ => return Err(unexpected()),
                }
            }
            _ => {
                // The layers above: not before the first exchange is done,
                // nor between the peer's KEXINIT and its NEWKEYS.
                if !self.first_kex_done
                    || self
                        .kex
                        .as_ref()
                        .is_some_and(|k| k.theirs.is_some() && !k.got_newkeys)
                {
                    return Err(unexpected());
                }
                // The client's zlib@openssh.com starts after the server's
                // USERAUTH_SUCCESS.
                if !self.cfg.server && kind == USERAUTH_SUCCESS {
                    self.start_delayed_compression();
                }
                if !upper_layer_knows(kind) {
                    self.reply_unimplemented();
                    return Ok(());
                }
                on_event(Event::Payload(payload));
            }
        }
        Ok(())
    }

    /// SSH_MSG_UNIMPLEMENTED for the packet being handled (RFC 4253 11.4).
    fn reply_unimplemented(&mut self) {
        // The sequence number of this packet: open() has moved past it.
        let seq = self.opener.seq.wrapping_sub(1);
        let mut reply = vec![msg::UNIMPLEMENTED];
        reply.extend_from_slice(&seq.to_be_bytes());
        self.seal(&reply);
    }

    /// Whether an EXT_INFO may come now (RFC 8308 2.4), as OpenSSH decides
    /// it. From a client: only as the first packet after its first NEWKEYS,
    /// once. From a server: after its first NEWKEYS and, again, before
    /// USERAUTH_SUCCESS (RFC 8308's second place, which can only be known
    /// once SUCCESS arrives; OpenSSH takes it during user auth), at most
    /// twice in all.
    fn ext_info_allowed(&self, after_first_newkeys: bool) -> bool {
        if self.cfg.server {
            after_first_newkeys && self.ext_info_taken < 1
        } else {
            self.peer_newkeys_seen && !self.auth_done && self.ext_info_taken < 2
        }
    }

    /// EXT_INFO: where it may not come, or with 1024 or more extensions, it
    /// is answered UNIMPLEMENTED and ignored (OpenSSH's kex_protocol_error
    /// and dispatch_protocol_error); a truncated one is a protocol error.
    /// A server has no use for the client's extensions.
    fn on_ext_info(
        &mut self,
        payload: &[u8],
        after_first_newkeys: bool,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        if !self.ext_info_allowed(after_first_newkeys) {
            self.reply_unimplemented();
            return Ok(());
        }
        self.ext_info_taken += 1;
        let malformed = || fault("Malformed packet", "protocol", Some(reason::PROTOCOL_ERROR));
        let mut r = Reader::new(&payload[1..]);
        let count = r.u32().map_err(|_| malformed())?;
        if count >= 1024 {
            self.reply_unimplemented();
            return Ok(());
        }
        let mut sig_algs = None;
        for _ in 0..count {
            let name = r.string().map_err(|_| malformed())?;
            let value = r.string().map_err(|_| malformed())?;
            if name == b"server-sig-algs" {
                sig_algs = Some(String::from_utf8_lossy(value).into_owned());
            }
        }
        if let (false, Some(list)) = (self.cfg.server, sig_algs) {
            on_event(Event::ServerSigAlgs(
                list.split(',').map(str::to_owned).collect(),
            ));
        }
        Ok(())
    }

    /// The peer's KEXINIT: compare it with ours (answering with ours first
    /// when the peer starts a rekey), settle strict kex and ext-info on the
    /// first exchange, and, as client, send our public value (or the group
    /// exchange request).
    fn negotiate_on_kexinit(
        &mut self,
        payload: &[u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        if self.kex.as_ref().is_some_and(|k| k.theirs.is_some()) {
            return Err(unexpected());
        }
        if self.kex.is_none() {
            // The peer starts a rekey: answer with ours.
            self.start_kex();
        }
        let theirs = KexInit::decode(payload)
            .map_err(|_| fault("Malformed packet", "protocol", Some(reason::PROTOCOL_ERROR)))?;
        let ours = KexInit::decode(
            &self
                .kex
                .as_ref()
                .map(|k| k.ours.clone())
                .unwrap_or_default(),
        )
        .map_err(|_| fault("Malformed packet", "protocol", None))?;
        let (client, server) = if self.cfg.server {
            (&theirs, &ours)
        } else {
            (&ours, &theirs)
        };
        on_event(Event::Offers {
            local: &ours,
            remote: &theirs,
        });
        let negotiated = kexinit::negotiate(client, server, |c| {
            CipherSpec::from_name(c).is_some_and(|s| s.is_aead())
        })
        .map_err(|m| fault(m, "handshake", Some(reason::KEY_EXCHANGE_FAILED)))?;
        let first = !self.first_kex_done;
        if first {
            self.strict = client.kex.iter().any(|n| n == STRICT_C)
                && server.kex.iter().any(|n| n == STRICT_S);
            if self.strict && self.early_non_kexinit {
                return Err(fault(
                    "strict KEX violation: KEXINIT was not the first packet",
                    "protocol",
                    Some(reason::PROTOCOL_ERROR),
                ));
            }
            self.peer_wants_ext_info =
                self.cfg.server && client.kex.iter().any(|n| n == EXT_INFO_C);
        }
        let spec = KexSpec::from_name(&negotiated.kex).ok_or_else(|| {
            fault(
                format!("Unsupported key exchange algorithm: {}", negotiated.kex),
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            )
        })?;
        let wrong_guess = theirs.first_kex_follows
            && (theirs.kex.first() != Some(&negotiated.kex)
                || theirs.host_key.first() != Some(&negotiated.host_key));
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        k.theirs = Some(payload.to_vec());
        k.spec = Some(spec);
        k.ignore_next_kex_packet = wrong_guess;
        on_event(Event::Negotiated(k.negotiated.insert(negotiated)));
        on_event(Event::KexInit);
        if !self.cfg.server && spec.group == Group::GroupExchange {
            self.send_gex_request();
        } else if !self.cfg.server {
            let (eph, public) = Ephemeral::generate(spec.group).ok_or_else(|| {
                fault(
                    "Key exchange failed: no ephemeral key",
                    "handshake",
                    Some(reason::KEY_EXCHANGE_FAILED),
                )
            })?;
            let mut w = Writer::new();
            w.u8(msg::KEXDH_INIT);
            write_value(&mut w, &spec, &public);
            let p = w.into_vec();
            if let Some(k) = self.kex.as_mut() {
                k.ephemeral = Some(eph);
            }
            self.our_public = Some(public);
            self.seal(&p);
        }
        Ok(())
    }

    /// Server: the client's public value (KEXDH_INIT or GEX_INIT); reply
    /// with our host key, value and signature, then NEWKEYS.
    fn answer_kexdh_init(&mut self, payload: &[u8]) -> Result<(), Fault> {
        let k = self.kex.as_ref().ok_or_else(unexpected)?;
        if k.negotiated.is_none() || k.out_keys.is_some() || k.sent_newkeys {
            return Err(unexpected());
        }
        let spec = k.spec.ok_or_else(unexpected)?;
        let negotiated = k.negotiated.clone().ok_or_else(unexpected)?;
        if spec.group == Group::GroupExchange && k.gex_group.is_none() {
            return Err(unexpected());
        }
        let mut r = Reader::new(&payload[1..]);
        let client_public = r
            .string()
            .map_err(|_| fault("Malformed packet", "protocol", Some(reason::PROTOCOL_ERROR)))?
            .to_vec();
        let host_key = self.host_key_for(&negotiated.host_key).ok_or_else(|| {
            fault(
                "Handshake failed: no matching host key format",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            )
        })?;
        let gex_group = self.kex.as_ref().and_then(|k| k.gex_group.clone());
        let (server_public, secret) =
            kexalg::respond(spec.group, gex_group.as_ref(), &client_public).map_err(|_| {
                fault(
                    "Handshake failed: invalid public value from the client",
                    "handshake",
                    Some(reason::KEY_EXCHANGE_FAILED),
                )
            })?;
        let k_s = host_key.public_blob().to_vec();
        let h = self.exchange_hash(&spec, &k_s, &client_public, &server_public, &secret)?;
        let sig = host_key.sign(&negotiated.host_key, &h).map_err(|e| {
            fault(
                format!("Handshake failed: signing failed: {e}"),
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            )
        })?;
        let mut sig_blob = Writer::new();
        sig_blob.string(negotiated.host_key.as_bytes()).string(&sig);
        let mut w = Writer::new();
        w.u8(if gex_group.is_some() {
            msg::GEX_REPLY
        } else {
            msg::KEXDH_REPLY
        })
        .string(&k_s);
        write_value(&mut w, &spec, &server_public);
        w.string(sig_blob.as_slice());
        let reply = w.into_vec();
        self.our_public = Some(server_public);
        self.derive_keys(&spec, &negotiated, &secret, &h)?;
        self.seal(&reply);
        self.send_newkeys();
        Ok(())
    }

    /// Client: the server's KEXDH_REPLY (or GEX_REPLY); verify it, derive
    /// keys, ask the app about the host key.
    fn verify_kexdh_reply(
        &mut self,
        payload: &[u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        if k.ephemeral.is_none() {
            return Err(unexpected());
        }
        let spec = k.spec.ok_or_else(unexpected)?;
        let negotiated = k.negotiated.clone().ok_or_else(unexpected)?;
        let eph = k.ephemeral.take().ok_or_else(unexpected)?;
        let malformed = || fault("Malformed packet", "protocol", Some(reason::PROTOCOL_ERROR));
        let mut r = Reader::new(&payload[1..]);
        let k_s = r.string().map_err(|_| malformed())?.to_vec();
        let server_public = r.string().map_err(|_| malformed())?.to_vec();
        let sig_blob = r.string().map_err(|_| malformed())?;
        let mut sr = Reader::new(sig_blob);
        let sig_algo = sr.utf8().map_err(|_| malformed())?;
        let sig = sr.string().map_err(|_| malformed())?;
        let host_key = Key::from_public_blob(&k_s).map_err(|_| {
            fault(
                "Handshake failed: host key format mismatch",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            )
        })?;
        let expected_type =
            signature::key_type_of(&negotiated.host_key).unwrap_or(&negotiated.host_key);
        if host_key.key_type() != expected_type {
            return Err(fault(
                "Handshake failed: host key format mismatch",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            ));
        }
        if sig_algo != negotiated.host_key {
            return Err(fault(
                "Handshake failed: signature format mismatch",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            ));
        }
        match &self.first_host_key {
            None => self.first_host_key = Some(host_key.public.clone()),
            Some(first) if *first != host_key.public => {
                return Err(fault(
                    "Handshake failed: host key changed during rekey",
                    "handshake",
                    Some(reason::KEY_EXCHANGE_FAILED),
                ));
            }
            Some(_) => {}
        }
        let secret = eph.agree(&server_public).map_err(|_| {
            fault(
                "Handshake failed: invalid public value from the server",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            )
        })?;
        let client_public = self.our_public.clone().unwrap_or_default();
        let h = self.exchange_hash(&spec, &k_s, &client_public, &server_public, &secret)?;
        if !host_key.verify(sig_algo, &h, sig) {
            return Err(fault(
                "Handshake failed: signature verification failed",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            ));
        }
        self.derive_keys(&spec, &negotiated, &secret, &h)?;
        if let Some(k) = self.kex.as_mut() {
            k.awaiting_verdict = true;
        }
        on_event(Event::HostKey {
            blob: k_s,
            first_kex: !self.first_kex_done,
        });
        Ok(())
    }

    /// Client: the app's answer about the host key.
    pub fn host_key_verdict(&mut self, accepted: bool, on_event: &mut dyn FnMut(Event<'_>)) {
        let Some(k) = self.kex.as_mut() else { return };
        if !k.awaiting_verdict || self.dead {
            return;
        }
        k.awaiting_verdict = false;
        if !accepted {
            self.send_disconnect(reason::KEY_EXCHANGE_FAILED, "");
            self.dead = true;
            return;
        }
        self.send_newkeys();
        self.maybe_finish_kex(on_event);
    }

    fn exchange_hash(
        &self,
        spec: &KexSpec,
        k_s: &[u8],
        q_c: &[u8],
        q_s: &[u8],
        secret: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Fault> {
        let k = self.kex.as_ref().ok_or_else(unexpected)?;
        let theirs = k.theirs.as_deref().unwrap_or_default();
        let (i_c, i_s) = if self.cfg.server {
            (theirs, &k.ours[..])
        } else {
            (&k.ours[..], theirs)
        };
        let remote = self.remote_ident.as_deref().unwrap_or_default();
        let (v_c, v_s) = if self.cfg.server {
            (remote, self.cfg.ident.as_str())
        } else {
            (self.cfg.ident.as_str(), remote)
        };
        let mut w = Writer::with_capacity(2048);
        w.string(v_c.as_bytes())
            .string(v_s.as_bytes())
            .string(i_c)
            .string(i_s)
            .string(k_s);
        // RFC 4419: the request and the group sit between K_S and e.
        if let (Some((min, n, max)), Some(g)) = (k.gex_request, k.gex_group.as_ref()) {
            w.u32(min)
                .u32(n)
                .u32(max)
                .mpint_unsigned(&g.p)
                .mpint_unsigned(&g.g);
        }
        write_value(&mut w, spec, q_c);
        write_value(&mut w, spec, q_s);
        write_secret(&mut w, spec, secret);
        // The hash input holds K: wiped once hashed. (K is written last,
        // so no earlier allocation of `w` held it.)
        let input = Zeroizing::new(w.into_vec());
        Ok(Zeroizing::new(
            digest::digest(spec.hash, &input).as_ref().to_vec(),
        ))
    }

    /// RFC 4253 7.2: the six keys from K, H and the session id.
    fn derive_keys(
        &mut self,
        spec: &KexSpec,
        n: &Negotiated,
        secret: &[u8],
        h: &[u8],
    ) -> Result<(), Fault> {
        if self.session_id.is_none() {
            self.session_id = Some(Zeroizing::new(h.to_vec()));
        }
        let session_id = self.session_id.clone().unwrap_or_default();
        let mut k_enc = Writer::new();
        write_secret(&mut k_enc, spec, secret);
        let k_enc = Zeroizing::new(k_enc.into_vec());
        let derive = |letter: u8, len: usize| -> Zeroizing<Vec<u8>> {
            let mut ctx = digest::Context::new(spec.hash);
            ctx.update(&k_enc);
            ctx.update(h);
            ctx.update(&[letter]);
            ctx.update(&session_id);
            let mut out = Zeroizing::new(ctx.finish().as_ref().to_vec());
            while out.len() < len {
                let mut ctx = digest::Context::new(spec.hash);
                ctx.update(&k_enc);
                ctx.update(h);
                ctx.update(&out);
                let more = ctx.finish();
                out.extend_from_slice(more.as_ref());
            }
            out.truncate(len);
            out
        };
        let bad = || {
            fault(
                "Handshake failed: unsupported cipher or MAC",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            )
        };
        let keys_for = |cipher: &str,
                        mac: &str,
                        iv: u8,
                        key: u8,
                        mac_letter: u8|
         -> Result<DirectionKeys, Fault> {
            let c = CipherSpec::from_name(cipher).ok_or_else(bad)?;
            let m = if c.is_aead() {
                None
            } else {
                Some(MacSpec::from_name(mac).ok_or_else(bad)?)
            };
            Ok(DirectionKeys {
                cipher: c,
                mac: m,
                iv: derive(iv, c.iv_len()),
                key: derive(key, c.key_len()),
                mac_key: derive(mac_letter, m.map_or(0, |m| m.key_len())),
            })
        };
        let cs = keys_for(&n.cipher_cs, &n.mac_cs, b'A', b'C', b'E')?;
        let sc = keys_for(&n.cipher_sc, &n.mac_sc, b'B', b'D', b'F')?;
        let (out_keys, in_keys) = if self.cfg.server { (sc, cs) } else { (cs, sc) };
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        k.out_keys = Some(out_keys);
        k.in_keys = Some(in_keys);
        Ok(())
    }

    fn send_newkeys(&mut self) {
        self.seal(&[msg::NEWKEYS]);
        self.compression_for(true);
        let Some(k) = self.kex.as_mut() else { return };
        k.sent_newkeys = true;
        if let Some(keys) = k.out_keys.take() {
            self.sealer.rekey(&keys);
        }
        if self.strict {
            self.sealer.seq = 0;
        }
        // RFC 8308: EXT_INFO right after the server's first NEWKEYS.
        if self.cfg.server && !self.first_kex_done && self.peer_wants_ext_info {
            let mut w = Writer::new();
            w.u8(msg::EXT_INFO)
                .u32(1)
                .string(b"server-sig-algs")
                .string(signature::NAMES.join(",").as_bytes());
            let p = w.into_vec();
            self.seal(&p);
        }
    }

    fn on_newkeys(&mut self, on_event: &mut dyn FnMut(Event<'_>)) -> Result<(), Fault> {
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        let keys = k.in_keys.take().ok_or_else(unexpected)?;
        k.got_newkeys = true;
        if !self.opener.rekey(&keys) {
            return Err(fault(
                "Handshake failed: could not key the cipher",
                "handshake",
                Some(reason::KEY_EXCHANGE_FAILED),
            ));
        }
        if self.strict {
            self.opener.seq = 0;
        }
        self.compression_for(false);
        if !self.peer_newkeys_seen {
            self.peer_newkeys_seen = true;
            self.just_after_first_newkeys = true;
        }
        on_event(Event::NewKeys);
        self.maybe_finish_kex(on_event);
        Ok(())
    }

    fn maybe_finish_kex(&mut self, on_event: &mut dyn FnMut(Event<'_>)) {
        let done = self
            .kex
            .as_ref()
            .is_some_and(|k| k.sent_newkeys && k.got_newkeys);
        if !done {
            return;
        }
        self.kex = None;
        let first = !self.first_kex_done;
        self.first_kex_done = true;
        // What waited goes out under the new keys, unless it is enough to
        // need newer ones: the rest waits for those.
        let mut queued = std::mem::take(&mut self.queued).into_iter();
        for p in queued.by_ref() {
            if self.rekey_due(p.len() + 5) {
                self.start_kex();
                self.queued.push(p);
                break;
            }
            self.seal(&p);
        }
        self.queued.extend(queued);
        self.queued_len = self.queued.iter().map(Vec::len).sum();
        if first {
            on_event(Event::Ready);
        }
    }
}

/// K: an mpint, or a string for the hybrids (their K is already a hash).
fn write_secret(w: &mut Writer, spec: &KexSpec, secret: &[u8]) {
    if spec.secret_is_string() {
        w.string(secret);
    } else {
        w.mpint_unsigned(secret);
    }
}

/// A kex public value: a string for ECDH, an mpint for DH.
fn write_value(w: &mut Writer, spec: &KexSpec, value: &[u8]) {
    if spec.values_are_mpints() {
        w.mpint_unsigned(value);
    } else {
        w.string(value);
    }
}

#[cfg(test)]
mod wiped {
    use super::*;
    use crate::crypto::kex::InvalidPublicValue;

    /// The shared secret K, the exchange hash H (and the hash input that
    /// holds K) and the session id come in `Zeroizing` buffers, which wipe
    /// their memory when dropped. Checked by type: these assignments do not
    /// compile if any of them becomes a plain `Vec<u8>` again.
    #[test]
    #[allow(clippy::type_complexity)] // the signatures are the point
    fn the_shared_secret_and_the_exchange_hash_are_wiped_when_dropped() {
        type Secret = Zeroizing<Vec<u8>>;
        let _: fn(&Transport, &KexSpec, &[u8], &[u8], &[u8], &[u8]) -> Result<Secret, Fault> =
            Transport::exchange_hash;
        let _: fn(Ephemeral, &[u8]) -> Result<Secret, InvalidPublicValue> = Ephemeral::agree;
        let _: fn(Group, Option<&DhGroup>, &[u8]) -> Result<(Vec<u8>, Secret), InvalidPublicValue> =
            kexalg::respond;
        let t = Transport::new(Config {
            server: false,
            ident: "SSH-2.0-t".into(),
            greeting: None,
            algorithms: Preferences::shared_defaults(),
            host_keys: Vec::new(),
            max_packet: 35000,
            rekey: Limits::default(),
        })
        .unwrap();
        let _: &Option<Secret> = &t.session_id;
    }
}
