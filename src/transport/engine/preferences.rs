//! The algorithms a `Transport` offers, by category: the registry's
//! defaults that the engine implements, or the app's own lists (checked in
//! `Transport::new`).

use crate::crypto;
use crate::transport::algorithms;
use std::sync::{Arc, Mutex, OnceLock};

/// Algorithm preferences by category, in the order to offer them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub cipher: Vec<String>,
    pub mac: Vec<String>,
    pub compress: Vec<String>,
}

impl Preferences {
    /// The registry's defaults that the engine implements.
    pub fn defaults() -> Preferences {
        let pick = |list: &algorithms::AlgorithmList, cat: &str| -> Vec<String> {
            list.default
                .iter()
                .filter(|n| crypto::implemented(cat, n))
                .map(|s| s.to_string())
                .collect()
        };
        Preferences {
            kex: pick(&algorithms::KEX, "kex"),
            host_key: pick(&algorithms::SERVER_HOST_KEY, "serverHostKey"),
            cipher: pick(algorithms::cipher(), "cipher"),
            mac: pick(&algorithms::MAC, "hmac"),
            compress: pick(&algorithms::COMPRESSION, "compress"),
        }
    }

    /// The defaults, built once and shared by every session that keeps
    /// them: most do, and building ~30 names per connection showed in the
    /// handshake profile.
    pub fn shared_defaults() -> Arc<Preferences> {
        static DEFAULTS: OnceLock<Arc<Preferences>> = OnceLock::new();
        DEFAULTS
            .get_or_init(|| Arc::new(Preferences::defaults()))
            .clone()
    }

    /// `prefs` as an `Arc`, shared with the sessions made before it when
    /// they named the same lists: a server's connections all come from one
    /// config, and each kept its own copy of ~20 names (a few hundred
    /// bytes per idle connection). Only the last distinct set is kept, so
    /// nothing grows with the number of configs seen.
    pub fn shared(prefs: Preferences) -> Arc<Preferences> {
        static LAST: Mutex<Option<Arc<Preferences>>> = Mutex::new(None);
        let Ok(mut last) = LAST.lock() else {
            return Arc::new(prefs);
        };
        match last.as_ref() {
            Some(p) if **p == prefs => p.clone(),
            _ => {
                let p = Arc::new(prefs);
                *last = Some(p.clone());
                p
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_lists_share_one_copy_and_others_get_their_own() {
        let named = |cipher: &str| Preferences {
            cipher: vec![cipher.to_owned()],
            ..Preferences::defaults()
        };
        let a = Preferences::shared(named("aes128-gcm@openssh.com"));
        let b = Preferences::shared(named("aes128-gcm@openssh.com"));
        assert!(Arc::ptr_eq(&a, &b));
        let c = Preferences::shared(named("aes256-ctr"));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.cipher, ["aes256-ctr"]);
        assert_eq!(a.cipher, ["aes128-gcm@openssh.com"]);
    }
}
