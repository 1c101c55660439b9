//! The framer's tests: whole packets, cut ones, and the packets passed in
//! parts (a client's DATA replies, a server's WRITE requests).

use super::*;

fn frame(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut f = ((body.len() + 1) as u32).to_be_bytes().to_vec();
    f.push(kind);
    f.extend_from_slice(body);
    f
}

/// Feeds `chunks` in turn; each frame as (type, body, lay in its chunk).
fn frames(chunks: &[&[u8]], max: usize) -> Vec<(u8, Vec<u8>, bool)> {
    let mut framer = Framer::default();
    let mut out = Vec::new();
    for chunk in chunks {
        let mut at = 0;
        while let Some(f) = framer.next(chunk, &mut at, max, Pass::Nothing) {
            match f {
                Frame::Packet(t, body) => {
                    let inside = chunk.as_ptr_range().contains(&body.as_ptr()) || body.is_empty();
                    out.push((t, body.to_vec(), inside));
                }
                Frame::TooLong(len, t) => {
                    out.push((t, (len as u32).to_be_bytes().to_vec(), false));
                    return out;
                }
                Frame::DataPart { .. } | Frame::WriteHead { .. } => {
                    panic!("no parts without Pass")
                }
            }
        }
        assert_eq!(at, chunk.len(), "a chunk is always used up");
    }
    out
}

#[test]
fn any_split_gives_the_same_frames_and_whole_ones_borrow_the_chunk() {
    let big: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
    let stream = [
        frame(103, &big),
        frame(101, b"status"),
        frame(0, b""),
        frame(102, b"h"),
    ]
    .concat();
    let whole = frames(&[&stream], 1 << 20);
    assert_eq!(whole.len(), 4);
    assert!(
        whole.iter().all(|f| f.2),
        "every frame of one chunk is a view of it"
    );
    assert_eq!(whole[0].1, big);
    for step in [1, 3, 4, 5, 7, 4096, 32768, 39_999] {
        let chunks: Vec<&[u8]> = stream.chunks(step).collect();
        let got = frames(&chunks, 1 << 20);
        let plain: Vec<_> = got.iter().map(|f| (f.0, f.1.clone())).collect();
        let want: Vec<_> = whole.iter().map(|f| (f.0, f.1.clone())).collect();
        assert_eq!(plain, want, "chunks of {step}");
    }
    // Two chunks cut inside the first frame: it is gathered, the rest are views.
    let got = frames(&[&stream[..10], &stream[10..]], 1 << 20);
    assert_eq!(
        got.iter().map(|f| f.2).collect::<Vec<_>>(),
        [false, true, true, true]
    );
}

#[test]
fn a_gathered_packet_s_buffer_is_freed_once_it_is_handed_out() {
    let big = frame(103, &[7u8; 40_000]);
    let mut framer = Framer::default();
    let (mut a, mut b) = (0, 0);
    assert!(framer
        .next(&big[..1000], &mut a, 1 << 20, Pass::Nothing)
        .is_none());
    assert!(framer.cut.capacity() >= 1000, "the cut start is held");
    let got = framer.next(&big[1000..], &mut b, 1 << 20, Pass::Nothing);
    assert!(matches!(got, Some(Frame::Packet(103, body)) if body.len() == 40_000));
    // The chunk is used up; the next call (the feed loop's last) frees it.
    assert!(framer
        .next(&big[1000..], &mut b, 1 << 20, Pass::Nothing)
        .is_none());
    assert_eq!(framer.cut.capacity(), 0);
}

/// A DATA packet: id, data, then `extra` bytes inside the packet.
fn data_reply(id: u32, data: &[u8], extra: &[u8]) -> Vec<u8> {
    let body = [
        &id.to_be_bytes()[..],
        &(data.len() as u32).to_be_bytes(),
        data,
        extra,
    ]
    .concat();
    frame(res::DATA, &body)
}

/// A WRITE packet: id, handle, offset, data, then `extra` bytes inside
/// the packet.
fn write_request(id: u32, handle: &[u8], offset: u64, data: &[u8], extra: &[u8]) -> Vec<u8> {
    let body = [
        &id.to_be_bytes()[..],
        &(handle.len() as u32).to_be_bytes(),
        handle,
        &offset.to_be_bytes(),
        &(data.len() as u32).to_be_bytes(),
        data,
        extra,
    ]
    .concat();
    frame(req::WRITE, &body)
}

/// A WRITE request as `passed` reports it: id, handle, offset, data.
fn write_fields(id: u32, handle: &[u8], offset: u64, data: &[u8]) -> Vec<u8> {
    [&id.to_be_bytes()[..], handle, &offset.to_be_bytes(), data].concat()
}

/// A packet passed in parts so far: id, total, the data so far, and a
/// WRITE's handle and offset.
type Joined = (u32, usize, Vec<u8>, Option<(Vec<u8>, u64)>);

/// Feeds `chunks` to a framer past its handshake that passes `pass`; each
/// frame as (type, body, passed in parts): a DATA reply's body as its id
/// and data, a WRITE's as `write_fields`, however they came. Every part
/// must be a slice of its chunk.
fn passed_as(pass: Pass, chunks: &[&[u8]]) -> Vec<(u8, Vec<u8>, bool)> {
    let mut framer = Framer::default();
    let mut out = Vec::new();
    let mut joined: Option<Joined> = None;
    for chunk in chunks {
        let mut at = 0;
        while let Some(f) = framer.next(chunk, &mut at, 1 << 20, pass) {
            match f {
                Frame::Packet(res::DATA, body) if pass == Pass::DataReplies && body.len() >= 8 => {
                    let n = u32::from_be_bytes(body[4..8].try_into().unwrap()) as usize;
                    let data = body.get(8..8 + n).unwrap_or(b"malformed");
                    out.push((res::DATA, [&body[..4], data].concat(), false));
                }
                Frame::Packet(req::WRITE, body) if pass == Pass::WriteRequests => {
                    let mut r = Reader::new(body);
                    let fields = (|| {
                        Some((
                            r.u32().ok()?,
                            r.string().ok()?,
                            r.u64().ok()?,
                            r.string().ok()?,
                        ))
                    })();
                    let got = fields.map_or(b"malformed".to_vec(), |(id, h, o, d)| {
                        write_fields(id, h, o, d)
                    });
                    out.push((req::WRITE, got, false));
                }
                Frame::Packet(t, body) => {
                    assert!(joined.is_none(), "nothing comes between parts");
                    out.push((t, body.to_vec(), false));
                }
                Frame::WriteHead {
                    id,
                    handle,
                    offset,
                    total,
                } => {
                    assert_eq!(pass, Pass::WriteRequests);
                    assert!(joined.is_none(), "one request at a time");
                    joined = Some((id, total, Vec::new(), Some((handle.to_vec(), offset))));
                }
                Frame::DataPart {
                    id,
                    total,
                    part,
                    last,
                } => {
                    assert!(!part.is_empty(), "no empty parts");
                    assert!(chunk.as_ptr_range().contains(&part.as_ptr()));
                    if pass == Pass::WriteRequests {
                        assert!(joined.is_some(), "a WRITE's parts follow its head");
                    }
                    let j = joined.get_or_insert((id, total, Vec::new(), None));
                    assert_eq!((j.0, j.1), (id, total), "one packet at a time");
                    j.2.extend_from_slice(part);
                    assert_eq!(last, j.2.len() == total, "last means complete");
                    if last {
                        let (id, _, data, write) = joined.take().unwrap();
                        out.push(match write {
                            Some((h, o)) => (req::WRITE, write_fields(id, &h, o, &data), true),
                            None => (res::DATA, [&id.to_be_bytes()[..], &data].concat(), true),
                        });
                    }
                }
                Frame::TooLong(..) => panic!("nothing too long here"),
            }
        }
        assert_eq!(at, chunk.len(), "a chunk is always used up");
    }
    out
}

fn passed(chunks: &[&[u8]]) -> Vec<(u8, Vec<u8>, bool)> {
    passed_as(Pass::DataReplies, chunks)
}

/// `stream`, whose frames are `want`, through a framer passing `pass`:
/// whole (nothing passes), cut anywhere and again further on, and a byte
/// per chunk, the frames always the same. The first packet passes when
/// cut where `first_passes` says; a byte per chunk, those `bytewise` marks.
fn assert_every_cut(
    pass: Pass,
    stream: &[u8],
    want: &[(u8, Vec<u8>)],
    first_passes: impl Fn(usize) -> bool,
    bytewise: &[bool],
) {
    let run = |chunks: &[&[u8]]| passed_as(pass, chunks);
    let plain = |got: &[(u8, Vec<u8>, bool)]| -> Vec<(u8, Vec<u8>)> {
        got.iter().map(|f| (f.0, f.1.clone())).collect()
    };
    let whole = run(&[stream]);
    assert_eq!(plain(&whole), want);
    assert!(whole.iter().all(|f| !f.2), "whole packets are not passed");
    for cut in 1..stream.len() {
        for second in [cut, cut + 1, cut + 17, stream.len()] {
            let second = second.min(stream.len());
            let chunks = [&stream[..cut], &stream[cut..second], &stream[second..]];
            let got = run(&chunks);
            assert_eq!(plain(&got), want, "cut at {cut} and {second}");
            if first_passes(cut) {
                assert!(got[0].2, "cut at {cut}: passed");
            }
        }
    }
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    let got = run(&bytes);
    assert_eq!(plain(&got), want);
    assert_eq!(got.iter().map(|f| f.2).collect::<Vec<_>>(), bytewise);
}

#[test]
fn a_cut_data_reply_passes_in_parts_byte_exact_at_every_cut() {
    let a: Vec<u8> = (0..700u32).map(|i| (i * 7) as u8).collect();
    let b: Vec<u8> = (0..300u32).map(|i| (i * 13) as u8).collect();
    let stream = [
        data_reply(5, &a, b""),
        frame(101, b"status"),
        // Bytes after the data, inside the packet, are skipped.
        data_reply(6, &b, b"extra"),
        data_reply(7, &b, b""),
    ]
    .concat();
    let id_data = |id: u32, d: &[u8]| [&id.to_be_bytes()[..], d].concat();
    let want = [
        (res::DATA, id_data(5, &a)),
        (101, b"status".to_vec()),
        (res::DATA, id_data(6, &b)),
        (res::DATA, id_data(7, &b)),
    ];
    let first = data_reply(5, &a, b"").len();
    // The first reply's head whole in the first chunk, its data not: passed
    // in parts, not gathered. One byte per chunk: every reply passes.
    assert_every_cut(
        Pass::DataReplies,
        &stream,
        &want,
        |cut| (DATA_HEAD..first).contains(&cut),
        &[true, false, true, true],
    );
}

#[test]
fn a_data_reply_that_cannot_pass_is_gathered_for_decoding_to_judge() {
    // Its data longer than its packet (here 2^32-1), or none: gathered
    // whole, one byte per chunk as much as in one chunk.
    let mut liar = data_reply(1, &[9u8; 40], b"");
    liar[9..13].copy_from_slice(&u32::MAX.to_be_bytes());
    let empty = data_reply(2, b"", b"trailing");
    for p in [&liar, &empty] {
        let gathered = passed(&[p]);
        assert!(!gathered[0].2);
        let bytes: Vec<&[u8]> = p.chunks(1).collect();
        assert_eq!(passed(&bytes), gathered);
        assert_eq!(passed(&[&p[..20], &p[20..]]), gathered);
    }
    // Without Pass::DataReplies (a server, or before the handshake) nothing passes.
    let ok = data_reply(3, &[1u8; 100], b"");
    let got = frames(&[&ok[..50], &ok[50..]], 1 << 20);
    assert_eq!(got, [(res::DATA, ok[5..].to_vec(), false)]);
}

#[test]
fn too_long_is_reported_with_its_type_once_the_type_arrives() {
    let long = frame(3, &[0u8; 100]);
    assert_eq!(
        frames(&[&long[..4], &long[4..]], 50),
        [(3, 101u32.to_be_bytes().to_vec(), false)]
    );
    assert_eq!(frames(&[&long[..2], &long[2..3], &long[3..]], 50)[0].0, 3);
    assert!(frames(&[&long[..4]], 50).is_empty(), "no type byte yet");
}

#[test]
fn a_cut_write_request_passes_in_parts_byte_exact_at_every_cut() {
    let a: Vec<u8> = (0..700u32).map(|i| (i * 7) as u8).collect();
    let b: Vec<u8> = (0..300u32).map(|i| (i * 13) as u8).collect();
    let stream = [
        write_request(5, b"handle-1", 2u64.pow(40) + 3, &a, b""),
        frame(req::CLOSE, b"close"),
        // Bytes after the data, inside the packet, are skipped.
        write_request(6, b"", 7, &b, b"extra"),
        write_request(7, b"h", 0, &b, b""),
    ]
    .concat();
    let want = [
        (
            req::WRITE,
            write_fields(5, b"handle-1", 2u64.pow(40) + 3, &a),
        ),
        (req::CLOSE, b"close".to_vec()),
        (req::WRITE, write_fields(6, b"", 7, &b)),
        (req::WRITE, write_fields(7, b"h", 0, &b)),
    ];
    let first = write_request(5, b"handle-1", 0, &a, b"").len();
    // The first request cut anywhere: passed in parts, not gathered. One
    // byte per chunk: every request passes (its head gathered first).
    assert_every_cut(
        Pass::WriteRequests,
        &stream,
        &want,
        |cut| cut < first,
        &[true, false, true, true],
    );
}

#[test]
fn a_write_request_that_cannot_pass_is_gathered_for_decoding_to_judge() {
    // A handle or data longer than the packet (2^32-1), or no data: gathered
    // whole, one byte per chunk as much as in one chunk.
    let mut long_handle = write_request(1, b"h", 0, &[9u8; 40], b"");
    long_handle[9..13].copy_from_slice(&u32::MAX.to_be_bytes());
    let mut long_data = write_request(2, b"h", 0, &[9u8; 40], b"");
    long_data[22..26].copy_from_slice(&u32::MAX.to_be_bytes());
    let empty = write_request(3, b"h", 0, b"", b"trailing");
    for p in [&long_handle, &long_data, &empty] {
        let gathered = passed_as(Pass::WriteRequests, &[p]);
        assert!(!gathered[0].2);
        let bytes: Vec<&[u8]> = p.chunks(1).collect();
        assert_eq!(passed_as(Pass::WriteRequests, &bytes), gathered);
        assert_eq!(
            passed_as(Pass::WriteRequests, &[&p[..20], &p[20..]]),
            gathered
        );
    }
    // A client does not pass WRITEs, a server not DATA replies.
    let ok = write_request(4, b"h", 0, &[1u8; 100], b"");
    let got = passed_as(Pass::DataReplies, &[&ok[..50], &ok[50..]]);
    assert_eq!(got, [(req::WRITE, ok[5..].to_vec(), false)]);
    let data = data_reply(5, &[1u8; 100], b"");
    let got = passed_as(Pass::WriteRequests, &[&data[..50], &data[50..]]);
    assert_eq!(got, [(res::DATA, data[5..].to_vec(), false)]);
}
