//! The framing's tests, kept beside packet.rs so that file holds the code
//! alone: sealed packets open to what was sealed (byte by byte, in bulk,
//! from the chunk or in place), damaged, cut or out-of-limit input is
//! refused, and each set of keys counts and caps its packets as OpenSSH
//! does.

use super::*;

fn keys(cipher: &str, mac: Option<&str>) -> DirectionKeys {
    DirectionKeys::filler(cipher, mac).unwrap()
}

fn pair(cipher: Option<(&str, Option<&str>)>) -> (Sealer, Opener) {
    let mut s = Sealer::default();
    let mut o = Opener::new(35000);
    if let Some((c, m)) = cipher {
        assert!(s.rekey(&keys(c, m)));
        assert!(o.rekey(&keys(c, m)));
    }
    (s, o)
}

const SUITES: [Option<(&str, Option<&str>)>; 7] = [
    None,
    Some(("aes128-gcm@openssh.com", None)),
    Some(("aes256-gcm@openssh.com", None)),
    Some(("chacha20-poly1305@openssh.com", None)),
    Some(("aes128-ctr", Some("hmac-sha2-256"))),
    Some(("aes256-cbc", Some("hmac-sha2-512-etm@openssh.com"))),
    Some(("3des-cbc", Some("hmac-sha1-96"))),
];

#[test]
fn packets_round_trip_byte_by_byte_and_in_bulk() {
    for suite in SUITES {
        let (mut s, mut o) = pair(suite);
        let mut wire = Vec::new();
        let payloads: Vec<Vec<u8>> = (0..40).map(|i| vec![i as u8; i * 37]).collect();
        for p in &payloads {
            s.seal(p, &mut wire);
        }
        // Fed one byte more at a time: every prefix is "need more" until
        // the packet is whole, and nothing is decrypted twice.
        let mut buf: Vec<u8> = Vec::new();
        let mut got = Vec::new();
        for b in wire {
            buf.push(b);
            while let Some(opened) = o
                .open(&mut buf)
                .unwrap_or_else(|e| panic!("{suite:?} {e:?} at {}", got.len()))
            {
                got.push(buf[opened.payload.clone()].to_vec());
                buf.drain(..opened.consumed);
            }
        }
        assert_eq!(got, payloads, "{suite:?}");
        assert_eq!((s.seq, o.seq), (40, 40));
    }
}

#[test]
fn a_flipped_bit_is_refused() {
    for suite in SUITES.into_iter().skip(1) {
        let (mut s, mut o) = pair(suite);
        let mut wire = Vec::new();
        s.seal(b"payload bytes", &mut wire);
        let at = wire.len() - 3;
        wire[at] ^= 1;
        assert!(o.open(&mut wire).is_err(), "{suite:?}");
    }
}

#[test]
fn lengths_outside_the_limits_are_refused() {
    let mut o = Opener::new(35000);
    let mut huge = vec![0x00, 0x07, 0xa1, 0x20, 0, 0, 0, 0];
    assert_eq!(
        o.open(&mut huge).err().unwrap().message,
        "Bad packet length"
    );
    let mut tiny = vec![0, 0, 0, 1, 0, 0, 0, 0];
    assert_eq!(
        o.open(&mut tiny).err().unwrap().message,
        "Bad packet length"
    );
}

#[test]
fn padding_keeps_the_alignment_each_mode_needs() {
    for suite in SUITES {
        let (mut s, _) = pair(suite);
        for n in 0..64 {
            let mut wire = Vec::new();
            s.seal(&vec![1; n], &mut wire);
            let trailer = s.prot.trailer_len();
            let aligned = wire.len() - trailer - if s.prot.aligns_length() { 0 } else { 4 };
            assert_eq!(aligned % s.prot.block_len(), 0, "{suite:?} {n}");
        }
    }
}

#[test]
fn out_of_place_opening_gives_what_in_place_opening_gives() {
    // The AEADs, CTR + HMAC, CBC + -etm HMAC (16- and 8-byte blocks).
    for suite in SUITES.into_iter().skip(1) {
        let (mut s, mut in_place) = pair(suite);
        let (_, mut across) = pair(suite);
        let mut wire = Vec::new();
        for i in 0..20 {
            s.seal(&vec![i as u8; i * 101], &mut wire);
        }
        let mut expect = wire.clone();
        let mut dst = vec![0xAA; wire.len()];
        let (mut a, mut b) = (0, 0);
        while let Some(o) = in_place.open(&mut expect[a..]).unwrap() {
            a += o.consumed;
        }
        assert!(across.opens_out_of_place(), "{suite:?}");
        while let Some(o) = across.open_from(&wire[b..], &mut dst[b..]).unwrap() {
            assert_eq!(
                dst[b + o.payload.start..b + o.payload.end],
                expect[b + o.payload.start..b + o.payload.end]
            );
            b += o.consumed;
        }
        assert_eq!((a, b), (wire.len(), wire.len()), "{suite:?}");
        assert_eq!(dst, expect, "every byte of each packet's span, {suite:?}");
        assert_eq!(across.seq, 20);
    }
}

#[test]
fn a_packet_cut_short_writes_nothing_but_a_decrypted_first_block() {
    for (suite, prefix) in [
        (SUITES[1], 0),
        (SUITES[3], 0),
        (SUITES[5], 0),
        (SUITES[4], 16),
        (SUITES[6], 8),
    ] {
        let (mut s, mut o) = pair(suite);
        let mut wire = Vec::new();
        s.seal(&[7u8; 100], &mut wire);
        let mut dst = vec![0xAA; 30];
        assert!(
            o.open_from(&wire[..30], &mut dst).unwrap().is_none(),
            "{suite:?}"
        );
        assert!(dst[prefix..].iter().all(|&x| x == 0xAA), "{suite:?}");
        assert_eq!(o.decrypted_prefix(), prefix, "{suite:?}");
        // Opened in place from there on, as the engine does: the first
        // block as decrypted, then the rest as received.
        let mut buf = [&dst[..prefix], &wire[prefix..]].concat();
        assert_eq!(o.opens_out_of_place(), prefix == 0, "{suite:?}");
        let opened = o.open(&mut buf).unwrap().expect("whole now");
        assert_eq!(buf[opened.payload], [7u8; 100], "{suite:?}");
    }
}

#[test]
fn no_2_to_the_32nd_packet_is_sealed_or_opened_under_one_set_of_keys() {
    use crate::transport::rekey_limit::PACKETS_PER_KEY;
    for suite in SUITES {
        let (mut s, mut o) = pair(suite);
        let (_, mut across) = pair(suite);
        s.usage.packets = PACKETS_PER_KEY - 1;
        o.usage.packets = PACKETS_PER_KEY - 1;
        across.usage.packets = PACKETS_PER_KEY - 1;
        let mut wire = Vec::new();
        s.seal(b"the last one", &mut wire);
        assert!(!s.refused, "{suite:?}");
        let sealed = wire.len();
        s.seal(b"one too many", &mut wire);
        assert!(s.refused, "{suite:?}");
        assert_eq!(wire.len(), sealed, "nothing written, {suite:?}");
        // The last one opens; any byte after it is refused, and so is
        // any input at all once the count is reached.
        let mut dst = vec![0; wire.len()];
        if across.opens_out_of_place() {
            assert!(across.open_from(&wire, &mut dst).unwrap().is_some());
            assert_eq!(
                across.open_from(&wire, &mut dst).err().unwrap().message,
                SEQUENCE_EXHAUSTED
            );
        }
        let mut buf = wire.clone();
        let opened = o.open(&mut buf).unwrap().expect("whole");
        assert_eq!(&buf[opened.payload], b"the last one", "{suite:?}");
        assert!(o.open(&mut []).unwrap().is_none(), "nothing more came");
        assert_eq!(
            o.open(&mut wire.clone()).err().unwrap().message,
            SEQUENCE_EXHAUSTED,
            "{suite:?}"
        );
        assert_eq!(o.peek_total(&wire), None);
        // New keys start a new count.
        if let Some((c, m)) = suite {
            assert!(s.rekey(&keys(c, m)) && o.rekey(&keys(c, m)));
            assert_eq!((s.usage.packets, o.usage.packets), (0, 0));
        }
    }
}

#[test]
fn usage_counts_packets_and_blocks_as_openssh_does() {
    for suite in SUITES {
        let (mut s, mut o) = pair(suite);
        let mut wire = Vec::new();
        for n in [0, 1, 100, 1000, 32768] {
            s.seal(&vec![9; n], &mut wire);
        }
        while let Some(opened) = o.open(&mut wire).unwrap() {
            wire.drain(..opened.consumed);
        }
        assert_eq!(s.usage, o.usage, "{suite:?}");
        assert_eq!(s.usage.packets, 5);
        // Each packet's length field through its padding, in blocks.
        let block = s.prot.block_len() as u64;
        assert!(s.usage.blocks * block >= 33869 && s.usage.blocks * block <= 33869 + 5 * 40);
    }
}

#[test]
fn open_from_refuses_a_flipped_bit_and_plain_declines() {
    for suite in [SUITES[1], SUITES[3], SUITES[4], SUITES[5]] {
        let (mut s, mut o) = pair(suite);
        let mut wire = Vec::new();
        s.seal(b"payload bytes", &mut wire);
        let at = wire.len() - 3;
        wire[at] ^= 1;
        let mut dst = vec![0; wire.len()];
        assert_eq!(
            o.open_from(&wire, &mut dst).err().unwrap().message,
            "Invalid HMAC",
            "{suite:?}"
        );
    }
    {
        let (mut s, mut o) = pair(SUITES[0]);
        let mut wire = Vec::new();
        s.seal(b"payload bytes", &mut wire);
        let mut dst = vec![0; wire.len()];
        assert!(!o.opens_out_of_place());
        assert!(o.open_from(&wire, &mut dst).unwrap().is_none());
        assert_eq!(o.seq, 0);
    }
}
