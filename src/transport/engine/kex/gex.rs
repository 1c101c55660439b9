//! RFC 4419 Diffie-Hellman group exchange: the two messages that come
//! before the usual DH init/reply. The client asks for a group size, the
//! server answers with a group, and the exchange then runs as a DH exchange
//! in that group (the init and reply go through the common handlers).

use crate::crypto::kex::{DhGroup, Ephemeral};
use crate::crypto::CipherSpec;
use crate::transport::engine::fault::{kex_failed, malformed, unexpected, Fault};
use crate::transport::engine::{msg, Transport};
use crate::wire::{Reader, Writer};

/// The smallest group we ask for or accept, and the largest (OpenSSH's
/// DH_GRP_MIN and DH_GRP_MAX).
const MIN_BITS: u32 = 2048;
const MAX_BITS: u32 = 8192;

/// The group size a client prefers: RFC 4419's estimate from the strongest
/// negotiated cipher key, as OpenSSH's dh_estimate rounds it.
fn preferred_bits(key_bytes: usize) -> u32 {
    match key_bytes * 8 {
        0..=112 => 2048,
        113..=128 => 3072,
        129..=192 => 7680,
        _ => 8192,
    }
}

impl Transport {
    /// Client: SSH_MSG_KEX_DH_GEX_REQUEST, once the KEXINITs agree on group
    /// exchange.
    pub(super) fn send_gex_request(&mut self) {
        let Some(k) = self.kex.as_mut() else { return };
        let key_bytes = k.negotiated.as_ref().map_or(0, |n| {
            [&n.cipher_cs, &n.cipher_sc]
                .iter()
                .filter_map(|c| CipherSpec::from_name(c))
                .map(|c| c.key_len())
                .max()
                .unwrap_or(0)
        });
        let n = preferred_bits(key_bytes);
        k.gex_request = Some((MIN_BITS, n, MAX_BITS));
        let mut w = Writer::new();
        w.u8(msg::GEX_REQUEST).u32(MIN_BITS).u32(n).u32(MAX_BITS);
        let p = w.into_vec();
        self.seal(&p);
    }

    /// Server: the client's (min, n, max); answer with a group.
    pub(in crate::transport::engine) fn on_gex_request(
        &mut self,
        payload: &[u8],
    ) -> Result<(), Fault> {
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        if k.gex_request.is_some() {
            return Err(unexpected());
        }
        let mut r = Reader::new(&payload[1..]);
        let min = r.u32().map_err(|_| malformed())?;
        let n = r.u32().map_err(|_| malformed())?;
        let max = r.u32().map_err(|_| malformed())?;
        if min > n || n > max {
            return Err(kex_failed("Handshake failed: bad group exchange request"));
        }
        let group = DhGroup::for_request(min, n, max)
            .ok_or_else(|| kex_failed("Handshake failed: no group of the requested size"))?;
        let mut w = Writer::new();
        w.u8(msg::GEX_GROUP)
            .mpint_unsigned(&group.p)
            .mpint_unsigned(&group.g);
        k.gex_request = Some((min, n, max));
        k.gex_group = Some(group);
        let p = w.into_vec();
        self.seal(&p);
        Ok(())
    }

    /// Client: the server's group; check it and send our public value.
    pub(in crate::transport::engine) fn on_gex_group(
        &mut self,
        payload: &[u8],
    ) -> Result<(), Fault> {
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        let Some((min, _, max)) = k.gex_request else {
            return Err(unexpected());
        };
        if k.gex_group.is_some() {
            return Err(unexpected());
        }
        let mut r = Reader::new(&payload[1..]);
        let p = r.mpint_positive().map_err(|_| malformed())?.to_vec();
        let g = r.mpint_positive().map_err(|_| malformed())?.to_vec();
        let group = DhGroup { p, g };
        if !group.acceptable(min, max) {
            return Err(kex_failed(format!(
                "Handshake failed: the server's group ({} bits) is not one we asked for",
                group.bits()
            )));
        }
        let (eph, public) = Ephemeral::generate_dh(group.clone())
            .ok_or_else(|| kex_failed("Key exchange failed: no ephemeral key"))?;
        k.ephemeral = Some(eph);
        k.gex_group = Some(group);
        let mut w = Writer::new();
        w.u8(msg::GEX_INIT).mpint_unsigned(&public);
        self.our_public = Some(public);
        let p = w.into_vec();
        self.seal(&p);
        Ok(())
    }
}
