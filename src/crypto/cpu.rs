//! What the CPU does in hardware, for choosing the default cipher order.

use std::sync::OnceLock;

/// Whether AES-GCM runs on dedicated instructions: AES rounds and the
/// carry-less multiply GHASH needs (x86 AES-NI and PCLMULQDQ, ARMv8 AES and
/// PMULL). With them aws-lc's AES-GCM outruns its chacha20-poly1305; without
/// them AES falls back to constant-time software several times slower, and
/// chacha20-poly1305 is the faster of the two. Detected once per process.
pub fn aes_gcm_in_hardware() -> bool {
    static DETECTED: OnceLock<bool> = OnceLock::new();
    *DETECTED.get_or_init(detect)
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
fn detect() -> bool {
    std::arch::is_x86_feature_detected!("aes") && std::arch::is_x86_feature_detected!("pclmulqdq")
}

#[cfg(target_arch = "aarch64")]
fn detect() -> bool {
    std::arch::is_aarch64_feature_detected!("aes")
        && std::arch::is_aarch64_feature_detected!("pmull")
}

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64", target_arch = "aarch64")))]
fn detect() -> bool {
    false
}

/// Whether RustCrypto's AVX-512 ChaCha20 code is both built in (the
/// `chacha20_avx512` cfg that .cargo/config.toml sets) and runnable here
/// (AVX-512F and VL, what the `chacha20` crate checks before it uses that
/// code). Only then does its ChaCha20 outrun aws-lc's (crypto/keystream.rs).
pub fn chacha20_avx512() -> bool {
    #[cfg(all(target_arch = "x86_64", chacha20_avx512))]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
    }
    #[cfg(not(all(target_arch = "x86_64", chacha20_avx512)))]
    {
        false
    }
}
