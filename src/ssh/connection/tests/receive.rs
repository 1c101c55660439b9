//! Received bytes cut anywhere, trickled, or damaged, through the two-step
//! receive the binding uses (`Connection::feed` takes the same steps).

use super::*;

const SUITES: [(&str, &str); 5] = [
    ("aes128-ctr", "hmac-sha2-256"),
    ("aes256-cbc", "hmac-sha2-512-etm@openssh.com"),
    ("3des-cbc", "hmac-sha1"),
    ("aes128-gcm@openssh.com", "hmac-sha2-256"),
    ("chacha20-poly1305@openssh.com", "hmac-sha2-256"),
];

fn prefs(cipher: &str, mac: &str) -> Preferences {
    let mut p = Preferences::defaults();
    p.cipher = vec![cipher.into()];
    p.mac = vec![mac.into()];
    p
}

/// GLOBAL_REQUEST "t@test" without reply, carrying `data`: a message any
/// state accepts, of any size.
fn request(data: &[u8]) -> Vec<u8> {
    let mut p = vec![80, 0, 0, 0, 6];
    p.extend_from_slice(b"t@test");
    p.push(0);
    p.extend_from_slice(data);
    p
}

#[test]
fn a_packet_fed_one_byte_at_a_time_is_copied_a_bounded_number_of_times() {
    for (cipher, mac) in SUITES {
        let (mut c, mut s) = connected(prefs(cipher, mac), "ssh-ed25519");
        // Near the 35000-byte packet limit, then a small one behind it.
        let big = request(&(0..34_780u32).map(|i| i as u8).collect::<Vec<_>>());
        let small = request(&[1, 2, 3]);
        c.conn.send_raw(&big, false);
        c.conn.send_raw(&small, false);
        let wire = c.conn.poll_transmit().unwrap();
        let before = s.messages().len();
        let copied_before = s.conn.input_bytes_copied();
        for b in &wire {
            s.feed(std::slice::from_ref(b));
        }
        assert_eq!(s.fatal(), None, "{cipher}");
        assert_eq!(s.messages()[before..], [&big[..], &small[..]], "{cipher}");
        // Each byte is appended once and copied out once when its packet
        // completes (and the first block's few bytes, until the length can
        // be read, a few times more); copying the partial packet in and out
        // for every byte would be about wire.len()^2.
        let copied = s.conn.input_bytes_copied() - copied_before;
        assert!(
            copied <= 3 * wire.len() as u64,
            "{cipher}: {copied} bytes copied for {} fed",
            wire.len()
        );
    }
}

#[test]
fn packets_cut_anywhere_open_the_same_from_the_input_or_in_place() {
    for (cipher, mac) in SUITES {
        let sent: Vec<Vec<u8>> = (0..4u8).map(|i| request(&[7, 7, i])).collect();
        let wire_len = {
            let (mut c, _) = connected(prefs(cipher, mac), "ssh-ed25519");
            for p in &sent {
                c.conn.send_raw(p, false);
            }
            c.conn.pending_output()
        };
        // Cut inside the first packet, on and off block edges, and later.
        for cut in (1..wire_len).step_by(3) {
            let (mut c, mut s) = connected(prefs(cipher, mac), "ssh-ed25519");
            for p in &sent {
                c.conn.send_raw(p, false);
            }
            let wire = c.conn.poll_transmit().unwrap();
            let before = s.messages().len();
            s.feed(&wire[..cut]);
            s.feed(&wire[cut..]);
            assert_eq!(s.fatal(), None, "{cipher} cut at {cut}");
            let got: Vec<&[u8]> = s.messages()[before..].to_vec();
            let want: Vec<&[u8]> = sent.iter().map(Vec::as_slice).collect();
            assert_eq!(got, want, "{cipher} cut at {cut}");
        }
    }
}

#[test]
fn damaged_encrypted_traffic_never_panics_and_nothing_is_reported_after_the_fault() {
    // After the handshake: real packets, then bits flipped, bytes cut or
    // random bytes appended, fed in random chunks. Never a panic; one fault
    // at most, and nothing reported once the connection is closed.
    let mut next = crate::test_rng(0x0ddb_a11c_afe5_7001);
    let iters: usize = crate::fuzz_iters(40);
    for i in 0..iters {
        let (cipher, mac) = SUITES[i % SUITES.len()];
        let (mut c, mut s) = connected(prefs(cipher, mac), "ssh-ed25519");
        assert_ready(&c, &s, cipher);
        for k in 0..6u8 {
            c.conn.send_raw(
                &request(&[k, 1, 2].repeat(1 + (next() % 3000) as usize)),
                false,
            );
        }
        let mut wire = c.conn.poll_transmit().unwrap();
        match next() % 3 {
            0 => {
                for _ in 0..(1 + next() % 4) {
                    let at = (next() as usize) % wire.len();
                    wire[at] ^= 1 << (next() % 8);
                }
            }
            1 => wire.truncate((next() as usize) % wire.len()),
            _ => wire.extend((0..(next() % 3000)).map(|_| next() as u8)),
        }
        let before = s.messages().len();
        let mut at = 0;
        while at < wire.len() {
            let end = (at + 1 + (next() as usize) % 9000).min(wire.len());
            let closed_before = s.conn.is_closed();
            let seen = s.seen.len();
            s.feed(&wire[at..end]);
            if closed_before {
                assert_eq!(s.seen.len(), seen, "{cipher}: reported after the end");
            }
            at = end;
        }
        assert!(s.messages().len() - before <= 6, "{cipher}");
        assert!(s.count(|e| matches!(e, Seen::Fatal(_))) <= 1, "{cipher}");
    }
}

#[test]
fn bulk_input_cut_between_chunks_copies_only_the_packets_cut() {
    // Packets of about 30 KiB arriving in 64 KiB chunks, as a socket hands
    // them over: nearly every chunk begins inside a packet. Only that
    // packet is copied to be opened in place; the rest of each chunk is
    // opened from where it lies. (CBC and CTR with a MAC over the plaintext
    // decrypt only in place: there every chunk is copied, as before.)
    for (cipher, mac) in SUITES {
        let (mut c, mut s) = connected(prefs(cipher, mac), "ssh-ed25519");
        let sent: Vec<Vec<u8>> = (0..24u32)
            .map(|i| {
                request(
                    &(0..30_000 + i * 97)
                        .map(|b| (b ^ i) as u8)
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        for p in &sent {
            c.conn.send_raw(p, false);
        }
        let wire = c.conn.poll_transmit().unwrap();
        let before = s.messages().len();
        let copied_before = s.conn.input_bytes_copied();
        for chunk in wire.chunks(64 * 1024) {
            s.feed(chunk);
        }
        assert_eq!(s.fatal(), None, "{cipher}");
        let got: Vec<&[u8]> = s.messages()[before..].to_vec();
        let want: Vec<&[u8]> = sent.iter().map(Vec::as_slice).collect();
        assert_eq!(got, want, "{cipher}");
        // The held part of each cut packet counts twice (kept, then copied
        // out), its rest once: about 1.5 packets a chunk, against 2 held
        // parts and the whole chunk when every chunk was copied.
        let copied = s.conn.input_bytes_copied() - copied_before;
        let aead = cipher.contains('@');
        let bound = if aead || mac.contains("-etm") { 1 } else { 2 };
        assert!(
            copied <= bound * wire.len() as u64,
            "{cipher}: {copied} bytes copied for {} fed",
            wire.len()
        );
    }
}
