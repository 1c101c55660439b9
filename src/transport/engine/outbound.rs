//! Packets out: sealing (compressed first when compression is on), the
//! queue that holds the layers' messages behind a key exchange, the rekey
//! limits that start one, and DISCONNECT.

use super::{msg, Transport, USERAUTH_SUCCESS};
use crate::transport::rekey_limit;
use crate::wire::Writer;

impl Transport {
    pub(super) fn seal(&mut self, payload: &[u8]) {
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

    pub(super) fn send_disconnect(&mut self, code: u32, description: &str) {
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
    pub(super) fn rekey_due(&self, next_out: usize) -> bool {
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
}
