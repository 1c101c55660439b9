//! The algorithm registry as JS sees it (`constants.ALGORITHMS`).

use crate::transport::algorithms::{self, AlgorithmList};
use napi_derive::napi;

#[napi(object)]
pub struct NameList {
    /// Offered when the app names none, strongest first.
    pub default: Vec<String>,
    /// Supported when the app asks for them by name.
    pub extra: Vec<String>,
}

#[napi(object)]
pub struct Algorithms {
    pub kex: NameList,
    pub server_host_key: NameList,
    pub cipher: NameList,
    pub hmac: NameList,
    pub compress: NameList,
}

fn names(list: &AlgorithmList) -> NameList {
    NameList {
        default: list.default.iter().map(|s| s.to_string()).collect(),
        extra: list.extra.iter().map(|s| s.to_string()).collect(),
    }
}

/// Every negotiable algorithm name, by category.
#[napi(catch_unwind)]
pub fn algorithms() -> Algorithms {
    Algorithms {
        kex: names(&algorithms::KEX),
        server_host_key: names(&algorithms::SERVER_HOST_KEY),
        cipher: names(algorithms::cipher()),
        hmac: names(&algorithms::MAC),
        compress: names(&algorithms::COMPRESSION),
    }
}

/// Whether the engine implements `name` in `category` ("kex",
/// "serverHostKey", "cipher", "hmac", "compress"); the registry lists some
/// names ahead of their implementation.
#[napi(catch_unwind)]
pub fn implemented(category: String, name: String) -> bool {
    crate::crypto::implemented(&category, &name)
}
