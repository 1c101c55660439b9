//! The algorithms a `Transport` offers, by category: the registry's
//! defaults that the engine implements, or the app's own lists (checked in
//! `Transport::new`).

use crate::crypto;
use crate::transport::algorithms;
use std::sync::{Arc, OnceLock};

/// Algorithm preferences by category, in the order to offer them.
#[derive(Debug, Clone, Default)]
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
}
