//! ssh2-streams-native: a sans-IO SSH2/SFTP engine with an N-API binding.
//! This file is the module map only; docs/ARCHITECTURE.md says what each
//! layer owns and how a packet goes through them.

pub mod crypto;
pub mod keys;
pub mod sftp;
pub mod ssh;
pub mod transport;
pub mod wire;

#[cfg(feature = "node")]
pub mod node;

#[cfg(any(test, feature = "alloc-count"))]
mod counting_alloc;
#[cfg(all(test, not(feature = "alloc-count")))]
mod test_alloc;

/// How many inputs each property test feeds: `SSH_FUZZ_ITERS` when set
/// (`npm run fuzz` sets millions), else the test's own count.
#[cfg(test)]
pub(crate) fn fuzz_iters(default: usize) -> usize {
    std::env::var("SSH_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The property tests' input source: a seeded xorshift, reproducible from
/// run to run and without a fuzzing crate.
#[cfg(test)]
pub(crate) fn test_rng(seed: u64) -> impl FnMut() -> u64 {
    let mut s = seed;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

/// Host keys for tests, one per type, generated once per test binary (RSA
/// generation is slow). `name` is a key type or an algorithm that signs
/// with one (`rsa-sha2-*` is an `ssh-rsa` key).
#[cfg(test)]
pub(crate) fn test_host_key(name: &str) -> std::sync::Arc<keys::Key> {
    use std::sync::{Arc, OnceLock};
    static KEYS: OnceLock<Vec<Arc<keys::Key>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        [
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "ssh-rsa",
        ]
        .iter()
        .map(|t| Arc::new(keys::Key::generate(t, 2048).unwrap()))
        .collect()
    });
    let key_type = if name.starts_with("rsa-sha2-") {
        "ssh-rsa"
    } else {
        name
    };
    keys.iter()
        .find(|k| k.key_type() == key_type)
        .unwrap_or_else(|| panic!("no test key of type {key_type}"))
        .clone()
}
