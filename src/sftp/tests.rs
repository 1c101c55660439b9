use super::attrs::Attrs;
use super::request::Request;
use super::response::Response;
use super::session::{Event, Session};
use super::{encode, req, status, CLIENT_MAX_PACKET};

/// What a session reports, owned, for assertions.
#[derive(Debug, PartialEq)]
enum Seen {
    Ready(u32, Vec<(Vec<u8>, Vec<u8>)>),
    Other(String),
    Fatal(String),
}

// The data of a DATA reply or WRITE request passed in parts so far, and
// the WRITE's handle and offset (kept across feeds).
thread_local! {
    static PARTS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    static WRITE_HEAD: std::cell::RefCell<Option<(Vec<u8>, u64)>> = const { std::cell::RefCell::new(None) };
}

/// Feeds `bytes`; a DATA reply or WRITE request that came in parts is seen
/// once, whole, as if it had been decoded in one piece.
fn feed(s: &mut Session, bytes: &[u8]) -> Vec<Seen> {
    let mut seen = Vec::new();
    s.feed(bytes, &mut |e| {
        seen.push(match e {
            Event::Ready {
                version,
                extensions,
            } => Seen::Ready(
                version,
                extensions
                    .iter()
                    .map(|(a, b)| (a.to_vec(), b.to_vec()))
                    .collect(),
            ),
            Event::Request { id, request } => Seen::Other(format!("{id} {request:?}")),
            Event::Response { id, response } => Seen::Other(format!("{id} {response:?}")),
            Event::DataPart {
                id,
                total,
                part,
                last,
            } => {
                let whole = PARTS.with_borrow_mut(|acc| {
                    assert!(acc.len() + part.len() <= total, "no more than announced");
                    acc.extend_from_slice(part);
                    (last || acc.len() == total).then(|| std::mem::take(acc))
                });
                let Some(data) = whole else { return };
                assert!(last && data.len() == total, "the last part ends the data");
                match WRITE_HEAD.take() {
                    Some((handle, offset)) => Seen::Other(format!(
                        "{id} {:?}",
                        Request::Write {
                            handle: &handle,
                            offset,
                            data: &data
                        }
                    )),
                    None => Seen::Other(format!("{id} {:?}", Response::Data(&data))),
                }
            }
            Event::WriteHead { handle, offset, .. } => {
                WRITE_HEAD.set(Some((handle.to_vec(), offset)));
                return;
            }
            Event::Fatal(m) => Seen::Fatal(m),
        })
    });
    seen
}

fn ready_server() -> Session {
    let mut s = Session::new(true, false);
    let seen = feed(&mut s, &encode::hello(false, 3, &[]));
    assert_eq!(seen, vec![Seen::Ready(3, vec![])]);
    assert_eq!(s.take_output(), encode::hello(true, 3, &[]));
    s
}

#[test]
fn version_handshake_carries_extensions_both_ways() {
    let mut client = Session::new(false, false);
    let hello = encode::hello(true, 3, &[("statvfs@openssh.com", b"2"), ("x", b"")]);
    // One byte at a time: framing must not care how the bytes arrive.
    let mut seen = Vec::new();
    for b in &hello {
        seen.extend(feed(&mut client, std::slice::from_ref(b)));
    }
    assert_eq!(
        seen,
        vec![Seen::Ready(
            3,
            vec![
                (b"statvfs@openssh.com".to_vec(), b"2".to_vec()),
                (b"x".to_vec(), vec![])
            ]
        )]
    );
    ready_server();
}

#[test]
fn every_request_decodes_as_encoded() {
    let attrs = Attrs {
        size: Some(1 << 40),
        uid_gid: Some((1, 2)),
        permissions: Some(0o100644),
        times: Some((3, 4)),
        extended: vec![],
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (encode::open(1, b"/a", 0x1a, &attrs), "1 Open { path: [47, 97], pflags: 26, attrs: Attrs { size: Some(1099511627776), uid_gid: Some((1, 2)), permissions: Some(33188), times: Some((3, 4)), extended: [] } }"),
        (encode::one_string(req::CLOSE, 2, b"h"), "2 Handle { kind: 4, handle: [104] }"),
        (encode::read(3, b"h", u64::MAX, 32768), "3 Read { handle: [104], offset: 18446744073709551615, len: 32768 }"),
        (encode::write(4, b"h", 5, b"xyz"), "4 Write { handle: [104], offset: 5, data: [120, 121, 122] }"),
        (encode::one_string(req::REALPATH, 5, b"."), "5 Path { kind: 16, path: [46] }"),
        (encode::string_attrs(req::MKDIR, 6, b"d", &Attrs::default()), "6 PathAttrs { kind: 14, path: [100], attrs: Attrs { size: None, uid_gid: None, permissions: None, times: None, extended: [] } }"),
        (encode::two_strings(req::RENAME, 7, b"a", b"b"), "7 TwoPaths { kind: 18, first: [97], second: [98] }"),
        (encode::extended(8, b"fsync@openssh.com", b"\0\0\0\x01h"), "8 Extended { name: [102, 115, 121, 110, 99, 64, 111, 112, 101, 110, 115, 115, 104, 46, 99, 111, 109], data: [0, 0, 0, 1, 104] }"),
    ];
    for (packet, expected) in cases {
        let mut s = ready_server();
        assert_eq!(
            feed(&mut s, &packet),
            vec![Seen::Other(expected.to_owned())]
        );
    }
}

#[test]
fn openssh_symlink_order_is_swapped() {
    let mut s = Session::new(true, true);
    feed(&mut s, &encode::hello(false, 3, &[]));
    let seen = feed(
        &mut s,
        &encode::two_strings(req::SYMLINK, 1, b"target", b"link"),
    );
    assert_eq!(
        seen,
        vec![Seen::Other(
            "1 TwoPaths { kind: 20, first: [108, 105, 110, 107], second: [116, 97, 114, 103, 101, 116] }".to_owned()
        )]
    );
}

#[test]
fn every_response_decodes_as_encoded() {
    let mut c = Session::new(false, false);
    feed(&mut c, &encode::hello(true, 3, &[]));
    let names = vec![
        (
            b"a".to_vec(),
            b"-rw a".to_vec(),
            Some(Attrs {
                size: Some(1),
                ..Attrs::default()
            }),
        ),
        (b"b".to_vec(), vec![], None),
    ];
    let mut stream = Vec::new();
    stream.extend(encode::status(1, status::EOF, b"end", b"en"));
    stream.extend(encode::handle(2, b"hh"));
    stream.extend(encode::data(3, b"data"));
    stream.extend(encode::name(4, &names));
    stream.extend(encode::attrs(5, &Attrs::default()));
    stream.extend(encode::extended_reply(6, b"\x01\x02"));
    let seen = feed(&mut c, &stream);
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert_eq!(
        seen[0],
        Seen::Other(
            "1 Status { code: 1, message: Some([101, 110, 100]), lang: [101, 110] }".into()
        )
    );
    assert!(
        matches!(&seen[3], Seen::Other(s) if s.contains("filename: [97]") && s.contains("size: Some(1)"))
    );
    // A status with only a code is accepted.
    let bare = [0, 0, 0, 9, 101, 0, 0, 0, 7, 0, 0, 0, 4];
    assert_eq!(
        feed(&mut c, &bare),
        vec![Seen::Other(
            "7 Status { code: 4, message: None, lang: [] }".into()
        )]
    );
    let _ = Response::decode;
}

#[test]
fn protocol_errors_end_the_session_with_0_4_10_messages() {
    let mut s = Session::new(true, false);
    assert_eq!(
        feed(&mut s, &encode::one_string(req::STAT, 0, b"/")),
        vec![Seen::Fatal("Unexpected packet before init".into())]
    );
    assert!(s.is_dead());

    let mut c = Session::new(false, false);
    assert_eq!(
        feed(&mut c, &encode::status(0, 0, b"", b"")),
        vec![Seen::Fatal("Unexpected packet before version".into())]
    );

    // Before the handshake, a wrong type outranks an oversized length; the
    // length alone waits for the type byte.
    for server in [true, false] {
        let mut s = Session::new(server, false);
        assert_eq!(feed(&mut s, &[1, 2, 3, 4]), vec![]);
        let what = if server { "init" } else { "version" };
        assert_eq!(
            feed(&mut s, &[5, 6, 7]),
            vec![Seen::Fatal(format!("Unexpected packet before {what}"))]
        );
    }

    let mut s = Session::new(true, false);
    assert_eq!(
        feed(&mut s, &encode::hello(false, 2, &[])),
        vec![Seen::Fatal("Incompatible SFTP version: 2".into())]
    );

    let mut s = ready_server();
    let big = encode::write(1, b"h", 0, &vec![0u8; 40000]);
    assert_eq!(
        feed(&mut s, &big[..100]),
        vec![Seen::Fatal(format!(
            "Packet length ({}) exceeds max length (34000)",
            big.len() - 5
        ))]
    );

    let mut s = ready_server();
    let mut truncated = encode::read(1, b"handle", 0, 1);
    truncated.truncate(truncated.len() - 2);
    truncated[3] -= 2;
    assert_eq!(
        feed(&mut s, &truncated),
        vec![Seen::Fatal("Malformed packet".into())]
    );
}

#[test]
fn unknown_request_types_get_op_unsupported() {
    let mut s = ready_server();
    let unknown = [0, 0, 0, 5, 99, 0, 0, 0, 42];
    assert_eq!(feed(&mut s, &unknown), vec![]);
    assert_eq!(
        s.take_output(),
        encode::status(42, status::OP_UNSUPPORTED, b"", b"")
    );
    // The session goes on.
    assert_eq!(
        feed(&mut s, &encode::one_string(req::STAT, 1, b"/")).len(),
        1
    );
}

#[test]
fn random_and_mutated_input_never_panics_and_stays_bounded() {
    let mut rnd = crate::test_rng(0x9e37_79b9_7f4a_7c15);
    let valid: Vec<Vec<u8>> = vec![
        encode::open(1, b"/a", 0x1a, &Attrs::default()),
        encode::read(3, b"h", 0, 32768),
        encode::name(4, &[(b"a".to_vec(), b"l".to_vec(), None)]),
        encode::status(1, 1, b"m", b""),
        encode::extended(8, b"x", b"\0\0\0\x10"),
        // Passed in parts when cut (a server's WRITE, a client's DATA).
        encode::write(6, b"handle", 7, &[5u8; 300]),
        encode::data(9, &[6u8; 300]),
    ];
    let n: usize = crate::fuzz_iters(20_000);
    for i in 0..n {
        // A packet left in parts by the last session is not this one's.
        PARTS.with_borrow_mut(Vec::clear);
        WRITE_HEAD.set(None);
        let server = i % 2 == 0;
        let mut s = Session::new(server, i % 3 == 0);
        feed(&mut s, &encode::hello(!server, 3, &[]));
        s.take_output();
        let mut input = valid[(rnd() as usize) % valid.len()].clone();
        for _ in 0..(rnd() % 4) {
            let at = (rnd() as usize) % input.len();
            input[at] ^= rnd() as u8;
        }
        if rnd().is_multiple_of(3) {
            let len = (rnd() as usize) % 64;
            input.extend((0..len).map(|_| rnd() as u8));
        }
        let cut = (rnd() as usize) % (input.len() + 1);
        feed(&mut s, &input[..cut]);
        feed(&mut s, &input[cut..]);
    }
}

#[test]
fn a_client_refuses_replies_beyond_openssh_s_256_kib() {
    // One NAME reply of minimal entries (empty names, no attributes): the
    // largest that fits the limit is taken, one byte more is refused as
    // soon as its type arrives, without the rest being buffered.
    let name_reply = |entries: usize| {
        let one = [0u8; 12];
        let mut body = vec![104, 0, 0, 0, 7];
        body.extend_from_slice(&(entries as u32).to_be_bytes());
        for _ in 0..entries {
            body.extend_from_slice(&one);
        }
        [(body.len() as u32).to_be_bytes().to_vec(), body].concat()
    };
    let fits = (CLIENT_MAX_PACKET - 9) / 12;
    assert_eq!(fits, 21844);
    let mut c = Session::new(false, false);
    feed(&mut c, &encode::hello(true, 3, &[]));
    let mut names = None;
    c.feed(&name_reply(fits), &mut |e| {
        if let Event::Response {
            id: 7,
            response: Response::Name(list),
        } = e
        {
            names = Some(list.len());
        }
    });
    assert_eq!(names, Some(fits));
    assert!(!c.is_dead());
    // A count above what the packet can hold is refused before decoding.
    let mut lying = name_reply(2);
    lying[9..13].copy_from_slice(&3u32.to_be_bytes());
    assert_eq!(
        feed(&mut c, &lying),
        vec![Seen::Fatal("Malformed packet".into())]
    );
    let mut c = Session::new(false, false);
    feed(&mut c, &encode::hello(true, 3, &[]));
    // 4 MiB (349,524 entries), as the hostile server sent, which the old
    // 4 MiB limit took: refused from its first 5 bytes.
    let big = name_reply(((4 << 20) - 9) / 12);
    let declared = big.len() - 4;
    assert_eq!(
        feed(&mut c, &big[..5]),
        vec![Seen::Fatal(format!(
            "Packet length ({declared}) exceeds max length (262144)"
        ))]
    );
    assert!(c.is_dead());
    // The boundary itself: a 262144-byte packet is taken, 262145 is not.
    for (len, ok) in [(CLIENT_MAX_PACKET, true), (CLIENT_MAX_PACKET + 1, false)] {
        let mut c = Session::new(false, false);
        feed(&mut c, &encode::hello(true, 3, &[]));
        let mut p = (len as u32).to_be_bytes().to_vec();
        p.push(201);
        p.extend_from_slice(&7u32.to_be_bytes());
        p.resize(4 + len, 0);
        let seen = feed(&mut c, &p);
        let taken = matches!(&seen[..], [Seen::Other(t)] if t.starts_with("7 "));
        assert_eq!(taken, ok, "{len}: {seen:?}");
    }
}

#[test]
fn large_counts_do_not_allocate_before_the_bytes_exist() {
    let mut c = Session::new(false, false);
    feed(&mut c, &encode::hello(true, 3, &[]));
    // NAME claiming 2^32-1 entries in a 13-byte packet.
    let p = [0, 0, 0, 9, 104, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(
        feed(&mut c, &p),
        vec![Seen::Fatal("Malformed packet".into())]
    );
    let _ = Request::event_name;
}
