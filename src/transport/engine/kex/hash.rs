//! The exchange hash H (RFC 4253 8, RFC 4419 for group exchange) and the
//! six keys derived from K and H (RFC 4253 7.2). K, H and the hash input
//! are wiped when dropped.

use crate::crypto::kex::KexSpec;
use crate::crypto::mac::MacSpec;
use crate::crypto::CipherSpec;
use crate::transport::engine::fault::{kex_failed, unexpected, Fault};
use crate::transport::engine::Transport;
use crate::transport::kexinit::Negotiated;
use crate::transport::packet::DirectionKeys;
use crate::wire::Writer;
use aws_lc_rs::digest;
use zeroize::Zeroizing;

impl Transport {
    pub(super) fn exchange_hash(
        &self,
        spec: &KexSpec,
        k_s: &[u8],
        q_c: &[u8],
        q_s: &[u8],
        secret: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Fault> {
        let k = self.kex.as_ref().ok_or_else(unexpected)?;
        let theirs = k.theirs.as_deref().unwrap_or_default();
        let (i_c, i_s) = if self.cfg.server {
            (theirs, &k.ours[..])
        } else {
            (&k.ours[..], theirs)
        };
        let remote = self.remote_ident.as_deref().unwrap_or_default();
        let (v_c, v_s) = if self.cfg.server {
            (remote, self.cfg.ident.as_str())
        } else {
            (self.cfg.ident.as_str(), remote)
        };
        let mut w = Writer::with_capacity(2048);
        w.string(v_c.as_bytes())
            .string(v_s.as_bytes())
            .string(i_c)
            .string(i_s)
            .string(k_s);
        // RFC 4419: the request and the group sit between K_S and e.
        if let (Some((min, n, max)), Some(g)) = (k.gex_request, k.gex_group.as_ref()) {
            w.u32(min)
                .u32(n)
                .u32(max)
                .mpint_unsigned(&g.p)
                .mpint_unsigned(&g.g);
        }
        write_value(&mut w, spec, q_c);
        write_value(&mut w, spec, q_s);
        write_secret(&mut w, spec, secret);
        // The hash input holds K: wiped once hashed. (K is written last,
        // so no earlier allocation of `w` held it.)
        let input = Zeroizing::new(w.into_vec());
        Ok(Zeroizing::new(
            digest::digest(spec.hash, &input).as_ref().to_vec(),
        ))
    }

    /// RFC 4253 7.2: the six keys from K, H and the session id.
    pub(super) fn derive_keys(
        &mut self,
        spec: &KexSpec,
        n: &Negotiated,
        secret: &[u8],
        h: &[u8],
    ) -> Result<(), Fault> {
        if self.session_id.is_none() {
            self.session_id = Some(Zeroizing::new(h.to_vec()));
        }
        let session_id = self.session_id.clone().unwrap_or_default();
        let mut k_enc = Writer::new();
        write_secret(&mut k_enc, spec, secret);
        let k_enc = Zeroizing::new(k_enc.into_vec());
        let derive = |letter: u8, len: usize| -> Zeroizing<Vec<u8>> {
            let mut ctx = digest::Context::new(spec.hash);
            ctx.update(&k_enc);
            ctx.update(h);
            ctx.update(&[letter]);
            ctx.update(&session_id);
            let mut out = Zeroizing::new(ctx.finish().as_ref().to_vec());
            while out.len() < len {
                let mut ctx = digest::Context::new(spec.hash);
                ctx.update(&k_enc);
                ctx.update(h);
                ctx.update(&out);
                let more = ctx.finish();
                out.extend_from_slice(more.as_ref());
            }
            out.truncate(len);
            out
        };
        let bad = || kex_failed("Handshake failed: unsupported cipher or MAC");
        let keys_for = |cipher: &str,
                        mac: &str,
                        iv: u8,
                        key: u8,
                        mac_letter: u8|
         -> Result<DirectionKeys, Fault> {
            let c = CipherSpec::from_name(cipher).ok_or_else(bad)?;
            let m = if c.is_aead() {
                None
            } else {
                Some(MacSpec::from_name(mac).ok_or_else(bad)?)
            };
            Ok(DirectionKeys {
                cipher: c,
                mac: m,
                iv: derive(iv, c.iv_len()),
                key: derive(key, c.key_len()),
                mac_key: derive(mac_letter, m.map_or(0, |m| m.key_len())),
            })
        };
        let cs = keys_for(&n.cipher_cs, &n.mac_cs, b'A', b'C', b'E')?;
        let sc = keys_for(&n.cipher_sc, &n.mac_sc, b'B', b'D', b'F')?;
        let (out_keys, in_keys) = if self.cfg.server { (sc, cs) } else { (cs, sc) };
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        k.out_keys = Some(out_keys);
        k.in_keys = Some(in_keys);
        Ok(())
    }
}

/// K: an mpint, or a string for the hybrids (their K is already a hash).
fn write_secret(w: &mut Writer, spec: &KexSpec, secret: &[u8]) {
    if spec.secret_is_string() {
        w.string(secret);
    } else {
        w.mpint_unsigned(secret);
    }
}

/// A kex public value: a string for ECDH, an mpint for DH.
pub(super) fn write_value(w: &mut Writer, spec: &KexSpec, value: &[u8]) {
    if spec.values_are_mpints() {
        w.mpint_unsigned(value);
    } else {
        w.string(value);
    }
}

#[cfg(test)]
mod wiped {
    use super::*;
    use crate::crypto::kex::{self as kexalg, DhGroup, Ephemeral, Group, InvalidPublicValue};
    use crate::transport::engine::Config;

    /// The shared secret K, the exchange hash H (and the hash input that
    /// holds K) and the session id come in `Zeroizing` buffers, which wipe
    /// their memory when dropped. Checked by type: these assignments do not
    /// compile if any of them becomes a plain `Vec<u8>` again.
    #[test]
    #[allow(clippy::type_complexity)] // the signatures are the point
    fn the_shared_secret_and_the_exchange_hash_are_wiped_when_dropped() {
        type Secret = Zeroizing<Vec<u8>>;
        let _: fn(&Transport, &KexSpec, &[u8], &[u8], &[u8], &[u8]) -> Result<Secret, Fault> =
            Transport::exchange_hash;
        let _: fn(Ephemeral, &[u8]) -> Result<Secret, InvalidPublicValue> = Ephemeral::agree;
        let _: fn(Group, Option<&DhGroup>, &[u8]) -> Result<(Vec<u8>, Secret), InvalidPublicValue> =
            kexalg::respond;
        let t = Transport::new(Config::new(false, "SSH-2.0-t")).unwrap();
        let _: &Option<Secret> = &t.session_id;
    }
}
