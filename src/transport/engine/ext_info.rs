//! RFC 8308 EXT_INFO: where the peer's may come (as OpenSSH decides it),
//! the server-sig-algs a client learns from it, and the one a server sends
//! after its first NEWKEYS.

use super::fault::{malformed, Fault};
use super::{msg, Event, Transport};
use crate::crypto::signature;
use crate::wire::{Reader, Writer};

impl Transport {
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
    pub(super) fn on_ext_info(
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

    /// Server: our EXT_INFO, with the signature algorithms we verify.
    pub(super) fn send_ext_info(&mut self) {
        let mut w = Writer::new();
        w.u8(msg::EXT_INFO)
            .u32(1)
            .string(b"server-sig-algs")
            .string(signature::NAMES.join(",").as_bytes());
        let p = w.into_vec();
        self.seal(&p);
    }
}
