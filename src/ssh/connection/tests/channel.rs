//! A session channel moving data both ways across key exchanges.

use super::*;
use crate::ssh::channel::{ChannelOpen, ChannelOpenConfirmation, ChannelOpenData};
use crate::ssh::msg;

/// The client opens a session channel (its 0, the server's 7) and the
/// server confirms it.
pub(super) fn open_session(c: &mut Peer, s: &mut Peer) {
    c.conn.send(&Message::ChannelOpen(ChannelOpen {
        channel_type: "session".into(),
        sender: 0,
        window: 2 * 1024 * 1024,
        max_packet: 32 * 1024,
        data: ChannelOpenData::None,
    }));
    pump(c, s);
    assert_eq!(s.messages().last().unwrap()[0], msg::CHANNEL_OPEN);
    s.conn
        .send(&Message::ChannelOpenConfirmation(ChannelOpenConfirmation {
            recipient: 0,
            sender: 7,
            window: 2 * 1024 * 1024,
            max_packet: 32 * 1024,
            extra: &[],
        }));
    pump(c, s);
    assert_eq!(
        c.messages().last().unwrap()[0],
        msg::CHANNEL_OPEN_CONFIRMATION
    );
}

fn bytes(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| ((seed * 31 + i) % 251) as u8).collect()
}

#[test]
fn channel_data_crosses_both_ways_intact_across_rekeys_from_either_side() {
    for cipher in [
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-ctr",
    ] {
        let mut prefs = Preferences::defaults();
        prefs.cipher = vec![cipher.into()];
        let (mut c, mut s) = logged_in(prefs);
        open_session(&mut c, &mut s);
        let (mut to_s, mut to_c) = (Vec::new(), Vec::new());
        for round in 0..6 {
            // Every other round a side starts a key exchange; what is sent
            // during it waits behind it, in order.
            if round % 2 == 1 {
                let who = if round % 4 == 1 { &mut c } else { &mut s };
                who.conn.rekey().unwrap();
                assert_eq!(who.conn.rekey(), Err("A re-key is already in progress"));
            }
            for i in 0..4 {
                let a = bytes(round * 10 + i, 20_000);
                let b = bytes(round * 10 + i + 5, 9_000);
                let sa = c.conn.send(&Message::ChannelData {
                    recipient: 7,
                    data: &a,
                });
                let sb = s.conn.send(&Message::ChannelData {
                    recipient: 0,
                    data: &b,
                });
                if round % 2 == 0 {
                    assert_eq!((sa, sb), (Sent::Sealed, Sent::Sealed), "{cipher}");
                }
                to_s.extend_from_slice(&a);
                to_c.extend_from_slice(&b);
            }
            if round % 2 == 1 {
                assert!(c.conn.queued_bytes() > 0 || s.conn.queued_bytes() > 0);
            }
            pump(&mut c, &mut s);
        }
        assert_ready(&c, &s, cipher);
        assert!(s.data(7) == to_s, "{cipher}: client to server");
        assert!(c.data(0) == to_c, "{cipher}: server to client");
        // The first exchange and the three rekeys.
        assert_eq!(c.count(|e| *e == Seen::NewKeys), 4, "{cipher}");
        assert_eq!(s.count(|e| *e == Seen::NewKeys), 4, "{cipher}");
        // EOF and CLOSE end the channel; DISCONNECT the connection.
        c.conn.send(&Message::ChannelEof(7));
        c.conn.send(&Message::ChannelClose(7));
        pump(&mut c, &mut s);
        let last: Vec<u8> = s.messages().iter().rev().take(2).map(|p| p[0]).collect();
        assert_eq!(last, [msg::CHANNEL_CLOSE, msg::CHANNEL_EOF]);
    }
}

#[test]
fn every_chunk_with_packets_reports_how_many() {
    let (mut c, mut s) = logged_in(Preferences::defaults());
    open_session(&mut c, &mut s);
    for i in 0..3u8 {
        c.conn.send(&Message::ChannelData {
            recipient: 7,
            data: &[i; 10],
        });
    }
    let wire = c.conn.poll_transmit().unwrap();
    s.seen.clear();
    s.feed(&wire);
    assert_eq!(s.seen.last(), Some(&Seen::Received(3)));
    assert_eq!(s.data(7), [[0u8; 10], [1; 10], [2; 10]].concat());
    // Half a packet: nothing opened, nothing reported.
    c.conn.ping();
    let wire = c.conn.poll_transmit().unwrap();
    s.seen.clear();
    s.feed(&wire[..wire.len() / 2]);
    assert!(s.seen.is_empty(), "{:?}", s.seen);
    s.feed(&wire[wire.len() / 2..]);
    assert_eq!(s.seen.last(), Some(&Seen::Received(1)));
}
