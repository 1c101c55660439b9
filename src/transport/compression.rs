//! Payload compression: `zlib` (from NEWKEYS) and `zlib@openssh.com` (from
//! user authentication success), one deflate stream per direction for the
//! whole connection, each packet ending on a flush (RFC 4253 6.2).

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// A decompressed payload may not grow past this (OpenSSH's PACKET_MAX_SIZE).
pub const MAX_INFLATED: usize = 256 * 1024;

pub struct Deflater(Compress);

impl Deflater {
    pub fn new() -> Deflater {
        Deflater(Compress::new(Compression::new(6), true))
    }

    /// Compresses one payload, ending on a sync flush.
    pub fn compress(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(payload.len() / 2 + 64);
        let mut input = payload;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            let before_in = self.0.total_in();
            let status = self.0.compress_vec(input, &mut out, FlushCompress::Sync);
            let used = (self.0.total_in() - before_in) as usize;
            input = &input[used..];
            // Done once all input is in and the flush left spare room.
            match status {
                Ok(Status::Ok) | Ok(Status::BufError)
                    if input.is_empty() && out.len() < out.capacity() =>
                {
                    break
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        out
    }
}

impl Default for Deflater {
    fn default() -> Self {
        Deflater::new()
    }
}

pub struct Inflater(Decompress);

impl Inflater {
    pub fn new() -> Inflater {
        Inflater(Decompress::new(true))
    }

    /// Decompresses one payload; None when it is corrupt or too large.
    pub fn decompress(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity((payload.len() * 4).clamp(256, MAX_INFLATED));
        let mut input = payload;
        loop {
            if out.len() == out.capacity() {
                if out.len() >= MAX_INFLATED {
                    return None;
                }
                out.reserve(out.capacity().min(MAX_INFLATED - out.len()).max(256));
            }
            let before_in = self.0.total_in();
            let before_out = out.len();
            let status = self
                .0
                .decompress_vec(input, &mut out, FlushDecompress::Sync)
                .ok()?;
            input = &input[(self.0.total_in() - before_in) as usize..];
            let progressed = out.len() > before_out;
            match status {
                Status::StreamEnd => return None,
                _ if input.is_empty() && out.len() < out.capacity() => return Some(out),
                _ if !progressed && input.is_empty() => return Some(out),
                Status::BufError if !progressed && out.len() < out.capacity() => return None,
                _ => {}
            }
        }
    }
}

impl Default for Inflater {
    fn default() -> Self {
        Inflater::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_packets_round_trips() {
        let mut d = Deflater::new();
        let mut i = Inflater::new();
        for n in [0usize, 1, 100, 5000, 40000, 3] {
            let payload: Vec<u8> = (0..n).map(|x| (x % 7) as u8).collect();
            let packed = d.compress(&payload);
            assert_eq!(i.decompress(&packed).unwrap(), payload, "{n}");
        }
    }

    #[test]
    fn a_bomb_and_garbage_are_refused() {
        let mut d = Deflater::new();
        let bomb = d.compress(&vec![0u8; MAX_INFLATED * 2]);
        assert!(Inflater::new().decompress(&bomb).is_none());
        assert!(Inflater::new().decompress(&[1, 2, 3, 4, 5, 6, 7]).is_none());
    }
}
