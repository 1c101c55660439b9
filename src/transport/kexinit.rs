//! SSH_MSG_KEXINIT (RFC 4253 7.1) and algorithm negotiation: for each
//! category, the first name on the client's list that the server also has.

use crate::wire::{Reader, WireError, Writer};

pub const MSG_KEXINIT: u8 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KexInit {
    pub cookie: [u8; 16],
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub cipher_cs: Vec<String>,
    pub cipher_sc: Vec<String>,
    pub mac_cs: Vec<String>,
    pub mac_sc: Vec<String>,
    pub comp_cs: Vec<String>,
    pub comp_sc: Vec<String>,
    pub lang_cs: Vec<String>,
    pub lang_sc: Vec<String>,
    pub first_kex_follows: bool,
}

fn names(r: &mut Reader<'_>) -> Result<Vec<String>, WireError> {
    Ok(r.name_list()?.into_iter().map(str::to_owned).collect())
}

impl KexInit {
    /// Decodes a KEXINIT payload (message number included).
    pub fn decode(payload: &[u8]) -> Result<KexInit, WireError> {
        let mut r = Reader::new(payload);
        if r.u8()? != MSG_KEXINIT {
            return Err(WireError::Invalid);
        }
        let k = KexInit {
            cookie: r.array()?,
            kex: names(&mut r)?,
            host_key: names(&mut r)?,
            cipher_cs: names(&mut r)?,
            cipher_sc: names(&mut r)?,
            mac_cs: names(&mut r)?,
            mac_sc: names(&mut r)?,
            comp_cs: names(&mut r)?,
            comp_sc: names(&mut r)?,
            lang_cs: names(&mut r)?,
            lang_sc: names(&mut r)?,
            first_kex_follows: r.bool()?,
        };
        r.u32()?; // reserved
        Ok(k)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(1024);
        w.u8(MSG_KEXINIT).raw(&self.cookie);
        for list in [
            &self.kex,
            &self.host_key,
            &self.cipher_cs,
            &self.cipher_sc,
            &self.mac_cs,
            &self.mac_sc,
            &self.comp_cs,
            &self.comp_sc,
            &self.lang_cs,
            &self.lang_sc,
        ] {
            w.name_list(list);
        }
        w.bool(self.first_kex_follows).u32(0);
        w.into_vec()
    }
}

/// What both sides agreed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    pub kex: String,
    pub host_key: String,
    pub cipher_cs: String,
    pub cipher_sc: String,
    pub mac_cs: String,
    pub mac_sc: String,
    pub comp_cs: String,
    pub comp_sc: String,
}

/// Names in kex lists that are signals, not methods.
pub fn is_pseudo_kex(name: &str) -> bool {
    matches!(
        name,
        "ext-info-c"
            | "ext-info-s"
            | "kex-strict-c-v00@openssh.com"
            | "kex-strict-s-v00@openssh.com"
    )
}

fn pick(client: &[String], server: &[String], skip: impl Fn(&str) -> bool) -> Option<String> {
    client
        .iter()
        .find(|c| !skip(c) && server.iter().any(|s| s == *c))
        .cloned()
}

/// Why negotiation failed: 0.4.10's message.
pub type NegotiationError = &'static str;

/// Negotiates per RFC 4253 7.1. With an AEAD cipher the MAC is implied
/// (OpenSSH sends a MAC list anyway; nothing is picked from it).
pub fn negotiate(
    client: &KexInit,
    server: &KexInit,
    is_aead: impl Fn(&str) -> bool,
) -> Result<Negotiated, NegotiationError> {
    let kex = pick(&client.kex, &server.kex, is_pseudo_kex)
        .ok_or("Handshake failed: no matching key exchange algorithm")?;
    let host_key = pick(&client.host_key, &server.host_key, |_| false)
        .ok_or("Handshake failed: no matching host key format")?;
    let cipher_cs = pick(&client.cipher_cs, &server.cipher_cs, |_| false)
        .ok_or("Handshake failed: no matching client->server cipher")?;
    let cipher_sc = pick(&client.cipher_sc, &server.cipher_sc, |_| false)
        .ok_or("Handshake failed: no matching server->client cipher")?;
    let mac = |c: &[String], s: &[String], cipher: &str, msg| {
        if is_aead(cipher) {
            Ok(String::new())
        } else {
            pick(c, s, |_| false).ok_or(msg)
        }
    };
    let mac_cs = mac(
        &client.mac_cs,
        &server.mac_cs,
        &cipher_cs,
        "Handshake failed: no matching client->server HMAC",
    )?;
    let mac_sc = mac(
        &client.mac_sc,
        &server.mac_sc,
        &cipher_sc,
        "Handshake failed: no matching server->client HMAC",
    )?;
    let comp_cs = pick(&client.comp_cs, &server.comp_cs, |_| false)
        .ok_or("Handshake failed: no matching client->server compression algorithm")?;
    let comp_sc = pick(&client.comp_sc, &server.comp_sc, |_| false)
        .ok_or("Handshake failed: no matching server->client compression algorithm")?;
    Ok(Negotiated {
        kex,
        host_key,
        cipher_cs,
        cipher_sc,
        mac_cs,
        mac_sc,
        comp_cs,
        comp_sc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn init(kex: &[&str], hk: &[&str], cipher: &[&str], mac: &[&str]) -> KexInit {
        KexInit {
            cookie: [1; 16],
            kex: v(kex),
            host_key: v(hk),
            cipher_cs: v(cipher),
            cipher_sc: v(cipher),
            mac_cs: v(mac),
            mac_sc: v(mac),
            comp_cs: v(&["none"]),
            comp_sc: v(&["none"]),
            ..Default::default()
        }
    }

    #[test]
    fn round_trips() {
        let k = init(
            &["curve25519-sha256", "ext-info-c"],
            &["ssh-ed25519"],
            &["aes128-ctr"],
            &["hmac-sha2-256"],
        );
        assert_eq!(KexInit::decode(&k.encode()).unwrap(), k);
    }

    #[test]
    fn client_order_wins_and_signals_are_skipped() {
        let c = init(
            &["ext-info-c", "b", "a"],
            &["x"],
            &["aes128-gcm@openssh.com", "aes128-ctr"],
            &["m1"],
        );
        let s = init(
            &["a", "b", "ext-info-c"],
            &["x"],
            &["aes128-ctr", "aes128-gcm@openssh.com"],
            &[],
        );
        let n = negotiate(&c, &s, |n| n.contains("gcm")).unwrap();
        assert_eq!(
            (n.kex.as_str(), n.cipher_cs.as_str(), n.mac_cs.as_str()),
            ("b", "aes128-gcm@openssh.com", "")
        );
    }

    #[test]
    fn failures_name_the_category() {
        let c = init(&["a"], &["x"], &["c1"], &["m1"]);
        let s = init(&["b"], &["x"], &["c1"], &["m1"]);
        assert_eq!(
            negotiate(&c, &s, |_| false),
            Err("Handshake failed: no matching key exchange algorithm")
        );
        let s = init(&["a"], &["x"], &["c1"], &["m2"]);
        assert_eq!(
            negotiate(&c, &s, |_| false),
            Err("Handshake failed: no matching client->server HMAC")
        );
    }

    #[test]
    fn truncated_kexinit_is_an_error() {
        let bytes = init(&["a"], &["x"], &["c"], &["m"]).encode();
        for cut in 0..bytes.len() {
            assert!(KexInit::decode(&bytes[..cut]).is_err());
        }
    }
}
