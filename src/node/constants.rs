//! The engine's tables as JS sees them: the algorithm registry
//! (`constants.ALGORITHMS`), the reason names and the peer-bug rules, so
//! that lib/constants.js builds 0.4.10's exports from the one copy here.

use crate::ssh::channel::OPEN_FAILURE_REASONS;
use crate::ssh::connection::send::FLUSH_AT;
use crate::transport::algorithms::{self, AlgorithmList};
use crate::transport::engine::reason;
use crate::transport::quirks::{Rule, BUGGY_IMPLS};
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

/// One of 0.4.10's `BUGGY_IMPLS` rules.
#[napi(object)]
pub struct BuggyImplJs {
    /// The software version, or a RegExp source when `regex`.
    pub pattern: String,
    pub regex: bool,
    /// Its `constants.BUGS` flag and that flag's name.
    pub bug: u32,
    pub name: String,
}

#[napi(object)]
pub struct ProtocolTables {
    /// RFC 4253 11.1 disconnect reason names, by code - 1.
    pub disconnect_reasons: Vec<String>,
    /// RFC 4254 5.1 channel open failure reason names, by code - 1.
    pub open_failure_reasons: Vec<String>,
    pub buggy_impls: Vec<BuggyImplJs>,
    /// How much gathered channel data lib/ssh.js pushes at once (the
    /// engine reserves its output buffer for it).
    pub flush_at: u32,
}

/// The tables lib/ constants and streams read from the engine.
#[napi(catch_unwind)]
pub fn protocol_tables() -> ProtocolTables {
    ProtocolTables {
        disconnect_reasons: reason::NAMES.iter().map(|s| s.to_string()).collect(),
        open_failure_reasons: OPEN_FAILURE_REASONS.iter().map(|s| s.to_string()).collect(),
        buggy_impls: BUGGY_IMPLS
            .iter()
            .map(|b| BuggyImplJs {
                pattern: b.js.to_string(),
                regex: !matches!(b.rule, Rule::Exact(_)),
                bug: b.bug.0,
                name: b.name.to_string(),
            })
            .collect(),
        flush_at: FLUSH_AT as u32,
    }
}
