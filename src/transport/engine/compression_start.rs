//! When each direction's compression starts: "zlib" at NEWKEYS,
//! "zlib@openssh.com" once user authentication has succeeded (the server's
//! USERAUTH_SUCCESS, sent or received). Kept apart from the packets so the
//! one rule that ties compression to user auth is in one place.

use super::Transport;
use crate::transport::compression::{Deflater, Inflater};

impl Transport {
    /// zlib@openssh.com starts once user authentication succeeds.
    pub(super) fn start_delayed_compression(&mut self) {
        self.auth_done = true;
        if std::mem::take(&mut self.delayed_deflate) && self.deflate.is_none() {
            self.deflate = Some(Box::new(Deflater::new()));
        }
        if std::mem::take(&mut self.delayed_inflate) && self.inflate.is_none() {
            self.inflate = Some(Box::new(Inflater::new()));
        }
    }

    /// Sets up compression for one direction as negotiated, at NEWKEYS.
    pub(super) fn compression_for(&mut self, outgoing: bool) {
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
                self.deflate = Some(Box::new(Deflater::new()));
            }
            self.delayed_deflate = delayed;
        } else {
            if now && self.inflate.is_none() {
                self.inflate = Some(Box::new(Inflater::new()));
            }
            self.delayed_inflate = delayed;
        }
    }
}
