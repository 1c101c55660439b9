//! The transport layer (RFC 4253): identification, packet framing, key
//! exchange, rekey, strict kex and ext-info. Sans-IO: bytes in, bytes and
//! events out.

pub mod algorithms;
pub mod compression;
pub mod engine;
pub mod ident;
pub mod kexinit;
pub mod packet;
pub mod quirks;
pub mod rekey_limit;

#[cfg(test)]
mod tests;
