//! Taking the new keys into use (RFC 4253 7.3): our NEWKEYS (the client's
//! waits for the app's verdict on the host key), the peer's, and the end of
//! the exchange once both are done, when what waited is sent.

use super::KexPhase;
use crate::transport::engine::fault::{kex_failed, reason, unexpected, Fault};
use crate::transport::engine::{msg, Event, Report, Transport};

impl Transport {
    /// Client: the app's answer about the host key.
    pub fn host_key_verdict(&mut self, accepted: bool, on_event: &mut dyn FnMut(Event<'_>)) {
        let Some(k) = self.kex.as_ref() else { return };
        if k.phase != KexPhase::AwaitingVerdict || self.dead {
            return;
        }
        if !accepted {
            self.send_disconnect(reason::KEY_EXCHANGE_FAILED, "");
            self.dead = true;
            return;
        }
        self.send_newkeys();
        self.maybe_finish_kex(on_event);
    }

    pub(super) fn send_newkeys(&mut self) {
        self.seal(&[msg::NEWKEYS]);
        self.compression_for(true);
        let Some(k) = self.kex.as_mut() else { return };
        k.phase = KexPhase::NewKeysSent;
        if let Some(keys) = k.out_keys.take() {
            self.sealer.rekey(&keys);
        }
        if self.strict {
            self.sealer.seq = 0;
        }
        // RFC 8308: EXT_INFO right after the server's first NEWKEYS.
        if self.cfg.server && !self.first_kex_done && self.peer_wants_ext_info {
            self.send_ext_info();
        }
    }

    pub(in crate::transport::engine) fn on_newkeys(
        &mut self,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        let keys = k.in_keys.take().ok_or_else(unexpected)?;
        k.peer_newkeys = true;
        if !self.opener.rekey(&keys) {
            return Err(kex_failed("Handshake failed: could not key the cipher"));
        }
        if self.strict {
            self.opener.seq = 0;
        }
        self.compression_for(false);
        if !self.peer_newkeys_seen {
            self.peer_newkeys_seen = true;
            self.just_after_first_newkeys = true;
        }
        on_event(Event::Report(Report::NewKeys));
        self.maybe_finish_kex(on_event);
        Ok(())
    }

    fn maybe_finish_kex(&mut self, on_event: &mut dyn FnMut(Event<'_>)) {
        let done = self
            .kex
            .as_ref()
            .is_some_and(|k| k.phase == KexPhase::NewKeysSent && k.peer_newkeys);
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
            on_event(Event::Report(Report::Ready));
        }
    }
}
