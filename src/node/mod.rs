//! The N-API binding: the only `#[napi]` code in the crate.

use napi_derive::napi;

/// The engine's version, so JS can check it loaded the addon it expected.
#[napi]
pub fn engine_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

pub mod constants;
pub mod events;
pub mod keys;
pub mod sftp;
pub mod ssh;
pub mod wire_bytes;
