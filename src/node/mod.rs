//! The N-API binding: the only `#[napi]` code in the crate.

use napi_derive::napi;

/// The engine's version, so JS can check it loaded the addon it expected.
#[napi(catch_unwind)]
pub fn engine_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(feature = "alloc-count")]
pub mod alloc_count;
pub mod connection_events;
pub mod constants;
pub mod events;
pub mod keys;
pub mod sftp;
pub mod ssh;
pub mod ssh_send;
pub mod wire_bytes;

/// A deliberate panic, for the test that a panic inside an export reaches
/// JS as a thrown Error rather than aborting Node: every export is
/// `catch_unwind` (napi-rs wraps the call in `std::panic::catch_unwind`;
/// the release profile keeps `panic = "unwind"` for it). Not API.
#[napi(js_name = "_panicProbe", catch_unwind)]
pub fn panic_probe() {
    panic!("deliberate panic (test probe)");
}
