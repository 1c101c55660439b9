//! How a fault ends the connection: the error reported to the caller (with
//! its level) and the DISCONNECT reason sent to the peer first, when there
//! is one. Handlers return a `Fault`; `fail` turns it into `Event::Fatal`
//! (as `report_exhausted` does for keys that ran out on a send).

use super::{Event, Transport};
use crate::transport::packet::SEQUENCE_EXHAUSTED;

pub mod reason {
    pub const PROTOCOL_ERROR: u32 = 2;
    pub const KEY_EXCHANGE_FAILED: u32 = 3;
    pub const MAC_ERROR: u32 = 5;
    pub const COMPRESSION_ERROR: u32 = 6;
    pub const BY_APPLICATION: u32 = 11;

    /// Every reason's RFC 4253 11.1 name (without `SSH_DISCONNECT_`), by
    /// code - 1: the one table (lib/constants.js builds 0.4.10's
    /// `DISCONNECT_REASON` from it).
    pub const NAMES: [&str; 15] = [
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

    /// The name of `code`; "UNKNOWN" for a code the RFC does not list.
    pub fn name(code: u32) -> &'static str {
        code.checked_sub(1)
            .and_then(|i| NAMES.get(i as usize).copied())
            .unwrap_or("UNKNOWN")
    }
}

/// What kind of failure ended the connection: 0.4.10's `err.level`, which
/// apps read ("handshake" when the key exchange could not agree or verify,
/// "protocol" when the peer broke the protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultLevel {
    Handshake,
    Protocol,
}

impl FaultLevel {
    /// The level as 0.4.10 spelled it (what the binding hands to JS).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultLevel::Handshake => "handshake",
            FaultLevel::Protocol => "protocol",
        }
    }
}

/// The error a fault ends the connection with.
pub(super) struct Fault {
    message: String,
    level: FaultLevel,
    disconnect: Option<u32>,
}

pub(super) fn fault(
    message: impl Into<String>,
    level: FaultLevel,
    disconnect: Option<u32>,
) -> Fault {
    Fault {
        message: message.into(),
        level,
        disconnect,
    }
}

/// The key exchange failed: a "handshake" fault, with the DISCONNECT
/// reason RFC 4253 gives it.
pub(super) fn kex_failed(message: impl Into<String>) -> Fault {
    fault(
        message,
        FaultLevel::Handshake,
        Some(reason::KEY_EXCHANGE_FAILED),
    )
}

/// A message too short for its fields, or otherwise unreadable.
pub(super) fn malformed() -> Fault {
    fault(
        "Malformed packet",
        FaultLevel::Protocol,
        Some(reason::PROTOCOL_ERROR),
    )
}

pub(super) fn unexpected() -> Fault {
    fault(
        "Received unexpected packet",
        FaultLevel::Protocol,
        Some(reason::PROTOCOL_ERROR),
    )
}

impl Transport {
    pub(super) fn fail(&mut self, f: Fault, on_event: &mut dyn FnMut(Event<'_>)) {
        if let Some(code) = f.disconnect {
            self.send_disconnect(code, "");
        }
        self.dead = true;
        on_event(Event::Fatal {
            message: f.message,
            level: f.level,
        });
    }

    /// A send found our keys exhausted (see `seal_parts`): reported as the
    /// fatal error it is.
    pub(super) fn report_exhausted(&mut self, on_event: &mut dyn FnMut(Event<'_>)) {
        if std::mem::take(&mut self.exhausted_unreported) {
            on_event(Event::Fatal {
                message: SEQUENCE_EXHAUSTED.to_owned(),
                level: FaultLevel::Protocol,
            });
        }
    }
}
