//! When a session rekeys by itself (issue 16, row 10). A key must not be
//! used for too much: chacha20-poly1305's nonce is the 32-bit sequence
//! number, so past 2^32 packets under one key its keystream and Poly1305
//! key would repeat, and RFC 4344 section 3 bounds what a block cipher
//! should encrypt under one key. The rules are OpenSSH's (packet.c,
//! `ssh_set_newkeys` and `ssh_packet_need_rekeying`), so both ends of a
//! session with OpenSSH agree on roughly when:
//!
//! - volume, per direction, in cipher blocks since that direction's last
//!   NEWKEYS: 2^32 blocks for a 16-byte block cipher (RFC 4344 3.2:
//!   2^(L/4) for L-bit blocks), and 1 GiB for 8-byte block ciphers and
//!   chacha20-poly1305 (2^(L/4) is too little for 3DES to be practical);
//!   the app's `rekeyLimit` (OpenSSH's `RekeyLimit`) lowers it;
//! - packets: more than 2^31 in either direction (RFC 4344 3.1);
//! - never before the first key exchange and user authentication are done
//!   (OpenSSH waits for authentication too: its client cannot take a rekey
//!   during it), nor while a key exchange runs, and at least one packet
//!   must have gone either way under the current keys (so a limit smaller
//!   than one packet still lets data through, one packet per rekey).
//!
//! As a last resort, a direction refuses to seal or open a 2^32nd packet
//! under one set of keys (the sequence number would repeat): a peer that
//! never answers our KEXINIT ends the session instead.

/// Rekey after more than this many packets in either direction (RFC 4344
/// 3.1; OpenSSH's MAX_PACKETS).
pub const REKEY_AFTER_PACKETS: u64 = 1 << 31;

/// Packets one set of keys may seal or open: the 32-bit sequence number
/// takes each value once.
pub const PACKETS_PER_KEY: u64 = 1 << 32;

/// The smallest volume an app may set: OpenSSH refuses `RekeyLimit` values
/// of 1 to 15 bytes ("RekeyLimit too small").
pub const MIN_VOLUME: u64 = 16;

/// When to rekey, set per session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes per key and direction (the app's `rekeyLimit`): lowers the
    /// cipher's own limit, never raises it.
    pub volume: Option<u64>,
    /// Rekey after more than this many packets in either direction. Only
    /// tests lower it.
    pub packets: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            volume: None,
            packets: REKEY_AFTER_PACKETS,
        }
    }
}

/// What one direction did under its current keys.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub packets: u64,
    /// Cipher blocks of the packets (length field through padding, as
    /// OpenSSH counts them).
    pub blocks: u64,
}

impl Usage {
    /// One more packet of `len` bytes (length field through padding).
    pub fn count(&mut self, len: usize, block: usize) {
        self.packets += 1;
        self.blocks += (len / block.max(1)) as u64;
    }

    /// Whether another packet would repeat a sequence number under these
    /// keys.
    pub fn exhausted(&self) -> bool {
        self.packets >= PACKETS_PER_KEY
    }
}

/// The blocks one set of keys may carry, for a cipher of `block`-byte
/// blocks (OpenSSH's `max_blocks`).
pub fn max_blocks(block: usize, volume: Option<u64>) -> u64 {
    let block = block.max(1) as u64;
    let own = if block >= 16 {
        // 2^(L/4) blocks for L-bit blocks; no cipher here has blocks over
        // 16 bytes, but a shift past 63 must not wrap.
        1u64.checked_shl((block * 2) as u32).unwrap_or(u64::MAX)
    } else {
        (1u64 << 30) / block
    };
    match volume {
        Some(v) => own.min(v / block),
        None => own,
    }
}

/// One direction: its usage and its cipher's block size.
#[derive(Debug, Clone, Copy)]
pub struct Direction {
    pub usage: Usage,
    pub block: usize,
}

/// Whether the limits call for a key exchange now, before sealing a packet
/// of about `next_out` bytes (0: none; the check after a packet is opened).
/// The caller checks that one may start (keys in use, none being changed).
pub fn due(limits: &Limits, out: Direction, inc: Direction, next_out: usize) -> bool {
    if out.usage.packets == 0 && inc.usage.packets == 0 {
        return false;
    }
    if out.usage.packets > limits.packets || inc.usage.packets > limits.packets {
        return true;
    }
    let next = (next_out / out.block.max(1)) as u64;
    out.usage.blocks + next > max_blocks(out.block, limits.volume)
        || inc.usage.blocks > max_blocks(inc.block, limits.volume)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cipher_limits_are_openssh_s() {
        // 16-byte blocks: 2^32 blocks (64 GiB); 8-byte blocks: 1 GiB.
        assert_eq!(max_blocks(16, None), 1 << 32);
        assert_eq!(max_blocks(8, None) * 8, 1 << 30);
        // The app's volume lowers them, never raises them.
        assert_eq!(max_blocks(16, Some(64 * 1024)), 4096);
        assert_eq!(max_blocks(8, Some(1 << 40)) * 8, 1 << 30);
    }

    #[test]
    fn due_by_volume_by_packets_and_never_before_one_packet() {
        let limits = Limits {
            volume: Some(1024),
            packets: 10,
        };
        let dir = |packets, blocks| Direction {
            usage: Usage { packets, blocks },
            block: 16,
        };
        assert!(!due(&limits, dir(0, 0), dir(0, 0), 1 << 20));
        assert!(!due(&limits, dir(1, 10), dir(0, 0), 16 * 54));
        assert!(due(&limits, dir(1, 10), dir(0, 0), 16 * 55));
        assert!(due(&limits, dir(0, 0), dir(1, 65), 0));
        assert!(!due(&limits, dir(10, 0), dir(10, 0), 0));
        assert!(due(&limits, dir(11, 0), dir(0, 0), 0));
        assert!(due(&limits, dir(0, 0), dir(11, 0), 0));
    }
}
