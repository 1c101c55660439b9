//! The key exchange (RFC 4253 7-8): the state of one in progress, and
//! starting one on request. Its steps are in `kex/`: `negotiation.rs`
//! (the KEXINITs), `exchange.rs` (the KEXDH init and reply), `gex.rs` (RFC
//! 4419's group request before them), `hash.rs` (the exchange hash and the
//! keys derived from it) and `newkeys.rs` (taking the keys into use).

use super::Transport;
use crate::crypto::kex::{DhGroup, Ephemeral, KexSpec};
use crate::transport::kexinit::Negotiated;
use crate::transport::packet::DirectionKeys;

mod exchange;
mod gex;
mod hash;
mod negotiation;
mod newkeys;

/// Where our side of a key exchange is. Each step comes after the one
/// before; the data each step produced (the peer's KEXINIT, the ephemeral
/// key, the derived keys) is in `KexState`'s other fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KexPhase {
    /// Our KEXINIT is sent; the peer's has not come.
    AwaitingKexInit,
    /// Both KEXINITs are known: the group request, the public values and
    /// the reply are being exchanged.
    Exchanging,
    /// Client: the server's reply is verified and the keys are derived; our
    /// NEWKEYS waits for the app's verdict on the host key.
    AwaitingVerdict,
    /// Our NEWKEYS is sent: outgoing packets use the new keys.
    NewKeysSent,
}

/// One key exchange in progress, from our KEXINIT to both NEWKEYS.
pub(super) struct KexState {
    pub(super) ours: Vec<u8>,
    pub(super) theirs: Option<Vec<u8>>,
    pub(super) negotiated: Option<Negotiated>,
    pub(super) spec: Option<KexSpec>,
    pub(super) ephemeral: Option<Ephemeral>,
    /// Keys computed, waiting for NEWKEYS: (outgoing, incoming).
    pub(super) out_keys: Option<DirectionKeys>,
    pub(super) in_keys: Option<DirectionKeys>,
    pub(super) phase: KexPhase,
    /// The peer's NEWKEYS has come: incoming packets use the new keys. Not
    /// a step of `phase`, because it comes in either order with ours: the
    /// server sends its NEWKEYS right after its reply, so a client can have
    /// it while the app still judges the host key, or after our NEWKEYS.
    /// The exchange is over when both are done.
    pub(super) peer_newkeys: bool,
    /// The peer guessed its first kex packet wrong: drop that packet.
    pub(super) ignore_next_kex_packet: bool,
    /// Group exchange: the client's (min, n, max) and the server's group.
    pub(super) gex_request: Option<(u32, u32, u32)>,
    pub(super) gex_group: Option<DhGroup>,
}

impl Transport {
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
}
