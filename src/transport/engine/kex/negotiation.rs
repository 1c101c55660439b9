//! Algorithm negotiation (RFC 4253 7.1): our KEXINIT (with the host-key
//! names we can sign with, and the strict-kex and ext-info markers on the
//! first exchange), and the peer's, compared with it.

use super::hash::write_value;
use super::{KexPhase, KexState};
use crate::crypto::kex::{Ephemeral, Group, KexSpec};
use crate::crypto::{signature, CipherSpec};
use crate::keys::{Key, CERT_SUFFIX};
use crate::transport::engine::fault::{
    fault, kex_failed, malformed, reason, unexpected, Fault, FaultLevel,
};
use crate::transport::engine::{msg, Event, Preferences, Report, Transport};
use crate::transport::kexinit::{self, KexInit};
use crate::wire::Writer;
use std::sync::Arc;

const STRICT_C: &str = "kex-strict-c-v00@openssh.com";
const STRICT_S: &str = "kex-strict-s-v00@openssh.com";
const EXT_INFO_C: &str = "ext-info-c";

impl Transport {
    fn host_key_names(&self) -> Vec<String> {
        if !self.cfg.server {
            return self.cfg.algorithms.host_key.clone();
        }
        // A server offers what it has a key for. A key type named alone
        // stands for the key, offered under every name it signs with
        // ("ssh-rsa" as rsa-sha2-512, rsa-sha2-256 and ssh-rsa: apps written
        // for 0.4.10 name only that), unless the app names one of the
        // others itself. A certificate type named alone (ssh2@0.8's Server
        // names its keys by type, and a key with its host certificate has
        // the certificate's) stands for the certificate's names and then
        // the key's own, as sshd offers a key that has a HostCertificate.
        let prefs = &self.cfg.algorithms.host_key;
        let names_other_alg_of = |key_type: &str| {
            prefs
                .iter()
                .any(|n| n != key_type && signature::host_key_type_of(n) == Some(key_type))
        };
        let mut wanted: Vec<&str> = Vec::new();
        // With the default list, host certificates come first.
        if *prefs == Preferences::shared_defaults().host_key {
            wanted.extend(signature::CERT_NAMES);
        }
        for name in prefs {
            let certs = signature::for_cert_type(name).map(|a| a.name);
            let base_type = name.strip_suffix(CERT_SUFFIX).unwrap_or(name);
            let plain = signature::for_key_type(base_type).map(|a| a.name);
            let names: Vec<&str> = certs.chain(plain).collect();
            if names.is_empty() || names_other_alg_of(name) {
                wanted.push(name);
            } else {
                wanted.extend(names);
            }
        }
        let mut out: Vec<String> = Vec::new();
        for n in wanted {
            if self.host_key_for(n).is_some() && !out.iter().any(|o| o == n) {
                out.push(n.to_owned());
            }
        }
        out
    }

    /// Our host key that serves host-key algorithm `algo`: for a
    /// certificate name, a key with that type of certificate; for a plain
    /// name, a key of its type, one without a certificate first (a key
    /// with one can still sign as itself, as sshd's can).
    pub(super) fn host_key_for(&self, algo: &str) -> Option<Arc<Key>> {
        let private = self.cfg.host_keys.iter().filter(|k| k.is_private());
        if let Some(c) = signature::find_cert(algo) {
            return private
                .clone()
                .find(|k| k.key_type() == c.cert_type)
                .cloned();
        }
        let key_type = signature::key_type_of(algo).unwrap_or(algo);
        private
            .clone()
            .find(|k| k.key_type() == key_type)
            .or_else(|| private.clone().find(|k| k.public.key_type() == key_type))
            .cloned()
    }

    pub(in crate::transport::engine) fn start_kex(&mut self) {
        let first = !self.first_kex_done;
        let p = &self.cfg.algorithms;
        let mut kex = p.kex.clone();
        if self.peer_bad_dhgex {
            kex.retain(|n| !n.contains("group-exchange"));
        }
        if first {
            kex.push(if self.cfg.server { STRICT_S } else { STRICT_C }.to_owned());
            if !self.cfg.server {
                kex.push(EXT_INFO_C.to_owned());
            }
        }
        let mut cookie = [0u8; 16];
        let _ = aws_lc_rs::rand::fill(&mut cookie);
        let init = KexInit {
            cookie,
            kex,
            host_key: self.host_key_names(),
            cipher_cs: p.cipher.clone(),
            cipher_sc: p.cipher.clone(),
            mac_cs: p.mac.clone(),
            mac_sc: p.mac.clone(),
            comp_cs: p.compress.clone(),
            comp_sc: p.compress.clone(),
            ..Default::default()
        };
        let ours = init.encode();
        self.seal(&ours);
        self.bytes_in_keying = 0;
        self.kex = Some(Box::new(KexState {
            ours,
            theirs: None,
            negotiated: None,
            spec: None,
            ephemeral: None,
            out_keys: None,
            in_keys: None,
            phase: KexPhase::AwaitingKexInit,
            peer_newkeys: false,
            ignore_next_kex_packet: false,
            gex_request: None,
            gex_group: None,
        }));
    }

    /// The peer's KEXINIT: compare it with ours (answering with ours first
    /// when the peer starts a rekey), settle strict kex and ext-info on the
    /// first exchange, and, as client, send our public value (or the group
    /// exchange request).
    pub(in crate::transport::engine) fn negotiate_on_kexinit(
        &mut self,
        payload: &[u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Fault> {
        if self
            .kex
            .as_ref()
            .is_some_and(|k| k.phase != KexPhase::AwaitingKexInit)
        {
            return Err(unexpected());
        }
        if self.kex.is_none() {
            // The peer starts a rekey: answer with ours.
            self.start_kex();
        }
        let theirs = KexInit::decode(payload).map_err(|_| malformed())?;
        let ours = KexInit::decode(
            &self
                .kex
                .as_ref()
                .map(|k| k.ours.clone())
                .unwrap_or_default(),
        )
        .map_err(|_| fault("Malformed packet", FaultLevel::Protocol, None))?;
        let (client, server) = if self.cfg.server {
            (&theirs, &ours)
        } else {
            (&ours, &theirs)
        };
        if self.cfg.debug_events {
            on_event(Event::Report(Report::Offers {
                local: &ours,
                remote: &theirs,
            }));
        }
        let negotiated = kexinit::negotiate(client, server, |c| {
            CipherSpec::from_name(c).is_some_and(|s| s.is_aead())
        })
        .map_err(kex_failed)?;
        let first = !self.first_kex_done;
        if first {
            self.strict = client.kex.iter().any(|n| n == STRICT_C)
                && server.kex.iter().any(|n| n == STRICT_S);
            if self.strict && self.early_non_kexinit {
                return Err(fault(
                    "strict KEX violation: KEXINIT was not the first packet",
                    FaultLevel::Protocol,
                    Some(reason::PROTOCOL_ERROR),
                ));
            }
            self.peer_wants_ext_info =
                self.cfg.server && client.kex.iter().any(|n| n == EXT_INFO_C);
        }
        let spec = KexSpec::from_name(&negotiated.kex).ok_or_else(|| {
            kex_failed(format!(
                "Unsupported key exchange algorithm: {}",
                negotiated.kex
            ))
        })?;
        let wrong_guess = theirs.first_kex_follows
            && (theirs.kex.first() != Some(&negotiated.kex)
                || theirs.host_key.first() != Some(&negotiated.host_key));
        let k = self.kex.as_mut().ok_or_else(unexpected)?;
        k.theirs = Some(payload.to_vec());
        k.phase = KexPhase::Exchanging;
        k.spec = Some(spec);
        k.ignore_next_kex_packet = wrong_guess;
        let negotiated = k.negotiated.insert(negotiated);
        if self.cfg.debug_events {
            on_event(Event::Report(Report::Negotiated(negotiated)));
        }
        on_event(Event::Report(Report::KexInit));
        if !self.cfg.server && spec.group == Group::GroupExchange {
            self.send_gex_request();
        } else if !self.cfg.server {
            let (eph, public) = Ephemeral::generate(spec.group)
                .ok_or_else(|| kex_failed("Key exchange failed: no ephemeral key"))?;
            let mut w = Writer::new();
            w.u8(msg::KEXDH_INIT);
            write_value(&mut w, &spec, &public);
            let p = w.into_vec();
            if let Some(k) = self.kex.as_mut() {
                k.ephemeral = Some(eph);
            }
            self.our_public = Some(public);
            self.seal(&p);
        }
        Ok(())
    }
}
