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

/// Whether this x86-64 CPU runs 256-bit AVX2 instructions as two 128-bit
/// halves: AMD's first Zen cores (family 17h models below 30h, Zen and
/// Zen+) and Hygon's Dhyana built on them (family 18h). There
/// RustCrypto's AVX2 Poly1305 falls behind aws-lc's (crypto/chacha.rs has
/// the figures). No CPUID feature bit says it; the family and model do.
pub fn avx2_split() -> bool {
    static DETECTED: OnceLock<bool> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            // Leaves 0 (vendor) and 1 (family, model) exist on every x86-64 CPU.
            let (leaf0, leaf1) = (std::arch::x86_64::__cpuid(0), std::arch::x86_64::__cpuid(1));
            let mut vendor = [0u8; 12];
            vendor[..4].copy_from_slice(&leaf0.ebx.to_le_bytes());
            vendor[4..8].copy_from_slice(&leaf0.edx.to_le_bytes());
            vendor[8..].copy_from_slice(&leaf0.ecx.to_le_bytes());
            let (family, model) = family_model(leaf1.eax);
            splits_avx2(&vendor, family, model)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// The display family and model from CPUID leaf 1's EAX, as AMD and
/// Intel define them: the extended family counts when the base family is
/// 0Fh, the extended model when it is 06h or 0Fh.
fn family_model(eax: u32) -> (u32, u32) {
    let base_family = (eax >> 8) & 0xF;
    let base_model = (eax >> 4) & 0xF;
    let family = match base_family {
        0xF => base_family + ((eax >> 20) & 0xFF),
        _ => base_family,
    };
    let model = match base_family {
        0x6 | 0xF => base_model | (((eax >> 16) & 0xF) << 4),
        _ => base_model,
    };
    (family, model)
}

fn splits_avx2(vendor: &[u8; 12], family: u32, model: u32) -> bool {
    (vendor == b"AuthenticAMD" && family == 0x17 && model < 0x30)
        || (vendor == b"HygonGenuine" && family == 0x18)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_and_model_from_cpuid_eax() {
        // EPYC 7551 (Zen, as /proc/cpuinfo shows family 23 model 1), EPYC
        // 7742 (Zen 2, 23/49), EPYC 7763 (Zen 3, 25/1), a Xeon (6/85).
        assert_eq!(family_model(0x0080_0F12), (0x17, 0x01));
        assert_eq!(family_model(0x0083_0F10), (0x17, 0x31));
        assert_eq!(family_model(0x00A0_0F11), (0x19, 0x01));
        assert_eq!(family_model(0x0005_0654), (0x06, 0x55));
    }

    #[test]
    fn only_the_first_zen_cores_split_avx2() {
        assert!(splits_avx2(b"AuthenticAMD", 0x17, 0x01)); // Zen
        assert!(splits_avx2(b"AuthenticAMD", 0x17, 0x08)); // Zen+
        assert!(splits_avx2(b"HygonGenuine", 0x18, 0x00));
        assert!(!splits_avx2(b"AuthenticAMD", 0x17, 0x31)); // Zen 2
        assert!(!splits_avx2(b"AuthenticAMD", 0x19, 0x01)); // Zen 3
        assert!(!splits_avx2(b"AuthenticAMD", 0x1A, 0x02)); // Zen 5
        assert!(!splits_avx2(b"GenuineIntel", 0x06, 0x55));
    }
}
