//! Random padding for sealed packets (RFC 4253 6: "arbitrary-length
//! padding ... SHOULD consist of random bytes"), drawn from a small pool
//! held inline in the sealer and refilled from aws-lc's RNG when it runs
//! low. An idle connection keeps every sealer's pool for its lifetime, so
//! the pool is small: a refill costs one RNG call (~230 ns) whatever its
//! size, and a packet takes 4 to 35 bytes, so 256 bytes serve some 20
//! packets per call and keep idle connections at 256 bytes per direction
//! (a 4 KiB pool on the heap was a third of an idle connection's engine
//! memory).

/// Bytes in the pool; at least the most padding one packet takes.
pub(super) const POOL: usize = 256;

/// The most padding a packet takes: a block (up to 16) plus 3 to reach
/// the minimum of 4, plus another block when the packet is still under 16
/// bytes.
pub(super) const MAX_PADDING: usize = 2 * 16 + 3;

// Every packet's padding fits in one pool.
const _: () = assert!(POOL >= MAX_PADDING);

pub(super) struct PadPool {
    bytes: [u8; POOL],
    /// Bytes at the front of `bytes` not yet handed out.
    left: usize,
}

impl Default for PadPool {
    fn default() -> Self {
        PadPool {
            bytes: [0; POOL],
            left: 0,
        }
    }
}

impl PadPool {
    /// `n` fresh random bytes (n <= POOL), never handed out before.
    pub(super) fn take(&mut self, n: usize) -> &[u8] {
        debug_assert!(n <= POOL);
        let n = n.min(POOL);
        if self.left < n {
            // A failing RNG leaves zero padding, which is still valid.
            let _ = aws_lc_rs::rand::fill(&mut self.bytes);
            self.left = POOL;
        }
        self.left -= n;
        &self.bytes[self.left..self.left + n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_take_is_fresh_bytes_and_the_pool_refills() {
        let mut pool = PadPool::default();
        let mut handed = Vec::new();
        // More than one pool's worth, in the sizes sealing asks for.
        for n in (4..=MAX_PADDING).cycle().take(40) {
            let got = pool.take(n);
            assert_eq!(got.len(), n);
            handed.extend_from_slice(got);
        }
        assert!(handed.len() > 2 * POOL);
        // Random, not a constant fill: 32-byte windows never repeat.
        let mut windows: Vec<&[u8]> = handed.chunks_exact(32).collect();
        let before = windows.len();
        windows.sort();
        windows.dedup();
        assert_eq!(windows.len(), before);
    }
}
