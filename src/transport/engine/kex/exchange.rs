//! The exchange itself (RFC 4253 8, and the same messages for ECDH,
//! Curve25519 and the hybrids): the server answers the client's public
//! value with its host key, value and signature; the client verifies that
//! reply and asks the app about the host key.

use super::hash::write_value;
use super::KexPhase;
use crate::crypto::kex::{self as kexalg, Group};
use crate::crypto::signature;
use crate::keys::{certified, Key};
use crate::transport::engine::fault::{kex_failed, malformed, unexpected, Fault};
use crate::transport::engine::{msg, Event, Transport};
use crate::wire::{Reader, Writer};

impl Transport {
    /// Server: the client's public value (KEXDH_INIT or GEX_INIT); reply
    /// with our host key, value and signature, then NEWKEYS.
    pub(in crate::transport::engine) fn answer_kexdh_init(
        &mut self,
        payload: &[u8],
    ) -> Result<(), Fault> {
        let k = self.kex.as_ref().ok_or_else(unexpected)?;
        if k.negotiated.is_none() || k.out_keys.is_some() || k.phase == KexPhase::NewKeysSent {
            return Err(unexpected());
        }
        let spec = k.spec.ok_or_else(unexpected)?;
        let negotiated = k.negotiated.clone().ok_or_else(unexpected)?;
        if spec.group == Group::GroupExchange && k.gex_group.is_none() {
            return Err(unexpected());
        }
        let mut r = Reader::new(&payload[1..]);
        let client_public = r.string().map_err(|_| malformed())?.to_vec();
        let host_key = self
            .host_key_for(&negotiated.host_key)
            .ok_or_else(|| kex_failed("Handshake failed: no matching host key format"))?;
        let gex_group = self.kex.as_ref().and_then(|k| k.gex_group.clone());
        let (server_public, secret) =
            kexalg::respond(spec.group, gex_group.as_ref(), &client_public).map_err(|_| {
                kex_failed("Handshake failed: invalid public value from the client")
            })?;
        // Under a certificate name the host shows its certificate and signs
        // as the certified key (PROTOCOL.certkeys); under a plain name a
        // key that has a certificate shows itself.
        let (k_s, sig_algo) = match signature::find_cert(&negotiated.host_key) {
            Some(c) => (host_key.public_blob().to_vec(), c.base),
            None if certified::is_certified(&host_key) => {
                (host_key.public.to_blob(), negotiated.host_key.as_str())
            }
            None => (
                host_key.public_blob().to_vec(),
                negotiated.host_key.as_str(),
            ),
        };
        let h = self.exchange_hash(&spec, &k_s, &client_public, &server_public, &secret)?;
        let sig = host_key
            .sign(sig_algo, &h)
            .map_err(|e| kex_failed(format!("Handshake failed: signing failed: {e}")))?;
        let mut sig_blob = Writer::new();
        sig_blob.string(sig_algo.as_bytes()).string(&sig);
        let mut w = Writer::new();
        w.u8(if gex_group.is_some() {
            msg::GEX_REPLY
        } else {
            msg::KEXDH_REPLY
        })
        .string(&k_s);
        write_value(&mut w, &spec, &server_public);
        w.string(sig_blob.as_slice());
        let reply = w.into_vec();
        self.our_public = Some(server_public);
        self.derive_keys(&spec, &negotiated, &secret, &h)?;
        self.seal(&reply);
        self.send_newkeys();
        Ok(())
    }

    /// Client: the server's KEXDH_REPLY (or GEX_REPLY); verify it, derive
    /// keys, ask the app about the host key.
    pub(in crate::transport::engine) fn verify_kexdh_reply(
        &mut self,
        payload: &[u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        if k.ephemeral.is_none() {
            return Err(unexpected());
        }
        let spec = k.spec.ok_or_else(unexpected)?;
        let negotiated = k.negotiated.clone().ok_or_else(unexpected)?;
        let eph = k.ephemeral.take().ok_or_else(unexpected)?;
        let mut r = Reader::new(&payload[1..]);
        let k_s = r.string().map_err(|_| malformed())?.to_vec();
        let server_public = r.string().map_err(|_| malformed())?.to_vec();
        let sig_blob = r.string().map_err(|_| malformed())?;
        let mut sr = Reader::new(sig_blob);
        let sig_algo = sr.utf8().map_err(|_| malformed())?;
        let sig = sr.string().map_err(|_| malformed())?;
        // A certificate name: the blob is that type of certificate and the
        // signature is the certified key's, under the base name. The
        // certificate itself is for the app to check (its CA, validity,
        // principals: utils.checkHostCertificate).
        let (expected_type, expected_sig) = match signature::find_cert(&negotiated.host_key) {
            Some(c) => (c.cert_type, c.base),
            None => (
                signature::key_type_of(&negotiated.host_key).unwrap_or(&negotiated.host_key),
                negotiated.host_key.as_str(),
            ),
        };
        if Reader::new(&k_s).utf8().ok() != Some(expected_type) {
            return Err(kex_failed("Handshake failed: host key format mismatch"));
        }
        let host_key = Key::from_public_blob(&k_s)
            .map_err(|_| kex_failed("Handshake failed: host key format mismatch"))?;
        if sig_algo != expected_sig {
            return Err(kex_failed("Handshake failed: signature format mismatch"));
        }
        match &self.first_host_key {
            None => self.first_host_key = Some(host_key.public.clone()),
            Some(first) if *first != host_key.public => {
                return Err(kex_failed(
                    "Handshake failed: host key changed during rekey",
                ));
            }
            Some(_) => {}
        }
        let secret = eph
            .agree(&server_public)
            .map_err(|_| kex_failed("Handshake failed: invalid public value from the server"))?;
        let client_public = self.our_public.clone().unwrap_or_default();
        let h = self.exchange_hash(&spec, &k_s, &client_public, &server_public, &secret)?;
        if !host_key.verify(sig_algo, &h, sig) {
            return Err(kex_failed(
                "Handshake failed: signature verification failed",
            ));
        }
        self.derive_keys(&spec, &negotiated, &secret, &h)?;
        if let Some(k) = self.kex.as_mut() {
            k.phase = KexPhase::AwaitingVerdict;
        }
        on_event(Event::HostKey {
            blob: k_s,
            first_kex: !self.first_kex_done,
        });
        Ok(())
    }
}
