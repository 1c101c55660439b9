//! The transport state machine: identification, key exchange (first and
//! later), strict kex, ext-info, and packets in both directions. Sans-IO:
//! `feed` takes received bytes and reports events through a callback (with
//! payloads borrowed from the receive buffer, so nothing is copied on the
//! way); everything to send accumulates for `take_output`.
//!
//! This file holds the `Transport` itself (its configuration, its state and
//! the events it reports); each job it does is an `impl Transport` in a file
//! of its own below `engine/`:
//!
//! - `inbound.rs`: received bytes, the three feed entry points, and opening
//!   packets;
//! - `dispatch.rs`: what each opened packet is, and who handles it;
//! - `outbound.rs`: sealing, the send queue behind a key exchange, DISCONNECT;
//! - `compression_start.rs`: when each direction's compression starts;
//! - `kex.rs` and `kex/`: the key exchange, from KEXINIT to NEWKEYS;
//! - `ext_info.rs`: RFC 8308's EXT_INFO, both ways;
//! - `fault.rs`: how a fault ends the connection;
//! - `preferences.rs`: the algorithms offered.

use super::compression::{Deflater, Inflater};
use super::ident::{Header, IdentReader};
use super::kexinit::{KexInit, Negotiated};
use super::packet::{Opener, Sealer};
use super::rekey_limit::Limits;
use crate::crypto;
use crate::keys::Key;
use bytes::BytesMut;
use std::sync::Arc;
use zeroize::Zeroizing;

mod compression_start;
mod dispatch;
mod ext_info;
mod fault;
mod inbound;
mod kex;
mod outbound;
mod preferences;

pub use fault::{reason, FaultLevel};
use kex::KexState;
pub use preferences::Preferences;

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
    /// Whether `Event::Offers` and `Event::Negotiated` are wanted: they
    /// exist for debug output only, and are not reported without it.
    pub debug_events: bool,
}

impl Config {
    /// A side with the default algorithms and limits, no host keys.
    pub fn new(server: bool, ident: impl Into<String>) -> Config {
        Config {
            server,
            ident: ident.into(),
            greeting: None,
            algorithms: Preferences::shared_defaults(),
            host_keys: Vec::new(),
            max_packet: 35000,
            rekey: Limits::default(),
            debug_events: false,
        }
    }
}

/// Something the caller should act on.
pub enum Event<'a> {
    /// What the layers above pass on to the app as it is.
    Report(Report<'a>),
    /// Client: the server's server-sig-algs (RFC 8308).
    ServerSigAlgs(Vec<String>),
    /// A message for the layers above (service, auth, connection).
    Payload(&'a [u8]),
}

/// What the transport reports for the app.
pub enum Report<'a> {
    /// The peer's identification line (and the lines before it).
    Header(Header),
    /// The peer's KEXINIT arrived (a key exchange begins or continues).
    KexInit,
    /// What this key exchange agreed on (for debug output, only with
    /// `Config::debug_events`).
    Negotiated(&'a Negotiated),
    /// Both sides' KEXINIT lists, just before they are compared (for
    /// debug output, only with `Config::debug_events`; also when no
    /// common algorithm is found).
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
    /// The peer disconnected (`reason::name` gives the reason's name).
    Disconnect {
        code: u32,
        description: String,
        lang: String,
    },
    Debug {
        message: String,
        lang: String,
    },
    /// The connection is over: 0.4.10's message and its error level; a
    /// DISCONNECT is already sealed for the peer when the fault called
    /// for one.
    Fatal {
        message: String,
        level: FaultLevel,
    },
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
    /// Packets opened, from the start (the connection reports how many
    /// each chunk held).
    pub packets_in: u64,
    out: Vec<u8>,
    opener: Opener,
    sealer: Sealer,
    /// The key exchange in progress: boxed, because its state (both
    /// KEXINITs, the agreed algorithms, the ephemeral key, the derived keys)
    /// is most of a transport's size, and an idle connection has none.
    kex: Option<Box<KexState>>,
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
    /// zlib streams, boxed: most connections negotiate no compression.
    deflate: Option<Box<Deflater>>,
    inflate: Option<Box<Inflater>>,
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
            packets_in: 0,
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
}
