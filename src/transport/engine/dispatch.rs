//! What an opened packet is and who handles it: the transport's own
//! messages here or in `kex/` and `ext_info.rs`, the rest to the layers
//! above, with the checks strict kex and RFC 4253 put on what may come when.

use super::fault::{fault, malformed, reason, unexpected, Fault, FaultLevel};
use super::kex::KexPhase;
use super::{msg, Event, Report, Transport, USERAUTH_SUCCESS};
use crate::crypto::kex::Group;
use crate::wire::Reader;

/// Whether the layers above define message number `kind` (RFC 4250 section
/// 4.1: service request/accept, user auth 50-53 and 60-61, global requests
/// 80-82, channels 90-100). Any other number gets SSH_MSG_UNIMPLEMENTED, as
/// RFC 4253 section 11.4 requires and 0.4.10 did.
fn upper_layer_knows(kind: u8) -> bool {
    matches!(kind, 5 | 6 | 50..=53 | 60 | 61 | 80..=82 | 90..=100)
}

impl Transport {
    pub(super) fn handle(
        &mut self,
        payload: &[u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        let Some(&kind) = payload.first() else {
            return Err(malformed());
        };
        let after_first_newkeys = std::mem::take(&mut self.just_after_first_newkeys);
        let in_first_kex = !self.first_kex_done;
        if in_first_kex
            && kind != msg::KEXINIT
            && self
                .kex
                .as_ref()
                .is_none_or(|k| k.phase == KexPhase::AwaitingKexInit)
        {
            self.early_non_kexinit = true;
        }
        // Strict kex: until the peer's first NEWKEYS only kex messages pass.
        let before_peer_newkeys =
            in_first_kex && !self.kex.as_ref().is_some_and(|k| k.peer_newkeys);
        // (A DISCONNECT still gets through: it ends the connection anyway.)
        if self.strict
            && before_peer_newkeys
            && kind != msg::DISCONNECT
            && !(20..=49).contains(&kind)
        {
            return Err(fault(
                format!("strict KEX violation: unexpected packet type {kind}"),
                FaultLevel::Protocol,
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
                on_event(Event::Report(Report::Disconnect {
                    code,
                    description,
                    lang,
                }));
            }
            msg::IGNORE | msg::UNIMPLEMENTED => {}
            msg::DEBUG => {
                let mut r = Reader::new(&payload[1..]);
                let _always = r.bool();
                let message = r.text().map(|t| t.into_owned()).unwrap_or_default();
                let lang = r.text().map(|t| t.into_owned()).unwrap_or_default();
                on_event(Event::Report(Report::Debug { message, lang }));
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
                        .is_some_and(|k| k.phase != KexPhase::AwaitingKexInit && !k.peer_newkeys)
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
    pub(super) fn reply_unimplemented(&mut self) {
        // The sequence number of this packet: open() has moved past it.
        let seq = self.opener.seq.wrapping_sub(1);
        let mut reply = vec![msg::UNIMPLEMENTED];
        reply.extend_from_slice(&seq.to_be_bytes());
        self.seal(&reply);
    }
}
