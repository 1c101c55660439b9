//! ssh2-streams-native: a sans-IO SSH2/SFTP engine with an N-API binding.
//! This file is the module map only; see DESIGN.md for what each layer owns.

pub mod crypto;
pub mod keys;
pub mod sftp;
pub mod ssh;
pub mod transport;
pub mod wire;

#[cfg(feature = "node")]
pub mod node;
