//! How a fault ends the connection: the error reported to the caller and
//! the DISCONNECT reason sent to the peer first, when there is one. Every
//! handler returns a `Fault`; only `fail` (and `report_exhausted`, for keys
//! that ran out on a send) turn one into `Event::Fatal`.

use super::{Event, Transport};
use crate::transport::packet::SEQUENCE_EXHAUSTED;

pub mod reason {
    pub const PROTOCOL_ERROR: u32 = 2;
    pub const KEY_EXCHANGE_FAILED: u32 = 3;
    pub const MAC_ERROR: u32 = 5;
    pub const COMPRESSION_ERROR: u32 = 6;
    pub const BY_APPLICATION: u32 = 11;
}

/// The error a fault ends the connection with.
pub(super) struct Fault {
    message: String,
    level: &'static str,
    disconnect: Option<u32>,
}

pub(super) fn fault(
    message: impl Into<String>,
    level: &'static str,
    disconnect: Option<u32>,
) -> Fault {
    Fault {
        message: message.into(),
        level,
        disconnect,
    }
}

pub(super) fn unexpected() -> Fault {
    fault(
        "Received unexpected packet",
        "protocol",
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
                level: "protocol",
            });
        }
    }
}
