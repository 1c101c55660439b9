//! Per-packet crypto figures for `npm run bench -- --only primitives`
//! (scripts/bench/primitives.js runs this and sets Node's figures beside
//! them). Two kinds of line, JSON each:
//!
//! - `packet`: the engine's own path for one 32 KiB channel packet of a
//!   suite: `Sealer::seal_parts` (padding, sequence number, cipher and MAC
//!   into the output buffer) and `Opener::open_from` (checked and
//!   decrypted out of the received bytes), as the transport calls them.
//! - `primitive`: one primitive over 32 KiB, from the library the engine
//!   uses and from the alternative crates, so the choice of each is shown
//!   with figures on the machine at hand.
//! - `operation`: what a handshake costs in public-key work, per second:
//!   an ephemeral key pair and its shared secret (each side makes one), a
//!   host key signature over an exchange hash and its verification, with
//!   the bench's host keys (scripts/bench/fixtures).
//!
//! A bench target (not an example) so that `cargo test` does not build it,
//! and built without the N-API binding, which cannot link outside Node:
//! `cargo bench --locked --no-default-features --bench primitives`.

use aws_lc_sys as sys;
use ssh2_streams_native::crypto::mac::{Mac, MacSpec};
use ssh2_streams_native::crypto::{chacha, keystream};
use ssh2_streams_native::transport::packet::{DirectionKeys, Opener, Sealer};
use std::hint::black_box;
use std::time::Instant;

/// One SSH_MSG_CHANNEL_DATA's data, as the raw bench (raw.js) sends.
const DATA: usize = 32 * 1024 - 64;
const ROUNDS: usize = 7;

/// GB/s of `f` over `bytes` per call: the best of ROUNDS rounds of
/// ~0.1 s each, after a warm-up.
fn rate(bytes: usize, mut f: impl FnMut()) -> (f64, Vec<f64>) {
    let t = Instant::now();
    let mut calls = 0usize;
    while t.elapsed().as_secs_f64() < 0.05 {
        f();
        calls += 1;
    }
    let per_round = (calls * 2).max(1);
    let mut rates = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..per_round {
            f();
        }
        rates.push((per_round * bytes) as f64 / t.elapsed().as_secs_f64() / 1e9);
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    (rates[ROUNDS / 2], rates)
}

/// `lib` names the implementation; a leading `*` marks the one the engine
/// uses.
fn report(kind: &str, name: &str, op: &str, lib: &str, (median, rates): (f64, Vec<f64>)) {
    let (lib, engine) = match lib.strip_prefix('*') {
        Some(l) => (l, true),
        None => (lib, kind == "packet"),
    };
    let min = rates[0];
    let max = rates[rates.len() - 1];
    println!(
        "{{\"kind\":\"{kind}\",\"name\":\"{name}\",\"op\":\"{op}\",\"lib\":\"{lib}\",\"engine\":{engine},\"value\":{median:.3},\"min\":{min:.3},\"max\":{max:.3}}}"
    );
}

fn keys(cipher: &str, mac: Option<&str>) -> DirectionKeys {
    DirectionKeys::filler(cipher, mac).expect("an algorithm the engine has")
}

/// Sealing and opening one CHANNEL_DATA packet of DATA bytes.
fn packet(cipher: &str, mac: Option<&str>) {
    let name = match mac {
        Some(m) => format!("{cipher} + {m}"),
        None => cipher.to_string(),
    };
    let k = keys(cipher, mac);
    let mut head = [94u8, 0, 0, 0, 0, 0, 0, 0, 0]; // CHANNEL_DATA, channel 0, length
    head[5..].copy_from_slice(&(DATA as u32).to_be_bytes());
    let data = vec![0x5au8; DATA];

    let mut sealer = Sealer::default();
    assert!(sealer.rekey(&k));
    let mut wire = Vec::with_capacity(DATA + 256);
    report(
        "packet",
        &name,
        "seal",
        "engine",
        rate(DATA, || {
            wire.clear();
            sealer.seal_parts(&head, &data, &mut wire);
            black_box(&wire);
        }),
    );

    // Many packets sealed in sequence, then opened in the same order
    // again and again: the opener's sequence number is reset each pass.
    let mut sealer = Sealer::default();
    assert!(sealer.rekey(&k));
    let count = 64;
    let mut stream = Vec::new();
    for _ in 0..count {
        sealer.seal_parts(&head, &data, &mut stream);
    }
    let mut out = vec![0u8; stream.len()];
    let mut opener = Opener::new(35000);
    assert!(opener.rekey(&k));
    report(
        "packet",
        &name,
        "open",
        "engine",
        rate(DATA * count, || {
            opener_reset(&mut opener, &k);
            let mut at = 0;
            while at < stream.len() {
                let opened = opener
                    .open_from(&stream[at..], &mut out[at..])
                    .expect("opens")
                    .expect("whole");
                at += opened.consumed;
            }
            black_box(&out);
        }),
    );
}

fn opener_reset(opener: &mut Opener, k: &DirectionKeys) {
    *opener = Opener::new(35000);
    assert!(opener.rekey(k));
}

fn primitives() {
    let input = vec![1u8; DATA];
    let mut out = vec![0u8; DATA];
    let key = [7u8; 32];
    let nonce = [0u8; 12];
    // The engine runs one or the other, by CPU (crypto/keystream.rs).
    let aws_lc_chacha = keystream::Code::fastest() == keystream::Code::AwsLc;

    report(
        "primitive",
        "ChaCha20",
        "encrypt",
        if aws_lc_chacha { "*aws-lc" } else { "aws-lc" },
        rate(DATA, || unsafe {
            // SAFETY: DATA bytes at both pointers, 32-byte key, 12-byte nonce.
            sys::CRYPTO_chacha_20(
                out.as_mut_ptr(),
                input.as_ptr(),
                DATA,
                key.as_ptr(),
                nonce.as_ptr(),
                1,
            )
        }),
    );
    {
        use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
        report(
            "primitive",
            "ChaCha20",
            "encrypt",
            if aws_lc_chacha {
                "RustCrypto chacha20"
            } else {
                "*RustCrypto chacha20"
            },
            rate(DATA, || {
                let mut c = chacha20::ChaCha20Legacy::new(&key.into(), &[0u8; 8].into());
                c.seek(64u64);
                c.apply_keystream_b2b(&input, &mut out);
            }),
        );
    }
    // '*' marks the engine's Poly1305 on this CPU, as for ChaCha20.
    let aws_lc_poly = chacha::Poly::fastest() == chacha::Poly::AwsLc;
    report(
        "primitive",
        "Poly1305",
        "tag",
        if aws_lc_poly { "*aws-lc" } else { "aws-lc" },
        rate(DATA, || {
            black_box(chacha::poly1305_aws_lc(&key, &input));
        }),
    );
    report(
        "primitive",
        "Poly1305",
        "tag",
        if aws_lc_poly {
            "RustCrypto poly1305"
        } else {
            "*RustCrypto poly1305"
        },
        rate(DATA, || {
            black_box(chacha::poly1305(&key, &input));
        }),
    );
    for (name, mac, key_len) in [
        ("HMAC-SHA-256", "hmac-sha2-256", 32usize),
        ("HMAC-SHA-512", "hmac-sha2-512", 64),
    ] {
        let spec = MacSpec::from_name(mac).expect("mac");
        let mut m = Mac::new(spec, &vec![7u8; key_len]).expect("keyed");
        report(
            "primitive",
            name,
            "tag",
            "*aws-lc",
            rate(DATA, || {
                black_box(m.tag(3, &input));
            }),
        );
    }
    {
        use hmac::{Hmac, KeyInit, Mac as _};
        report(
            "primitive",
            "HMAC-SHA-256",
            "tag",
            "RustCrypto hmac+sha2",
            rate(DATA, || {
                let mut m = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).expect("any key");
                m.update(&3u32.to_be_bytes());
                m.update(&input);
                black_box(m.finalize());
            }),
        );
        report(
            "primitive",
            "HMAC-SHA-512",
            "tag",
            "RustCrypto hmac+sha2",
            rate(DATA, || {
                let mut m =
                    <Hmac<sha2::Sha512> as KeyInit>::new_from_slice(&[7u8; 64]).expect("any key");
                m.update(&3u32.to_be_bytes());
                m.update(&input);
                black_box(m.finalize());
            }),
        );
    }
    for (name, cipher) in [
        ("AES-128-CTR", unsafe { sys::EVP_aes_128_ctr() }),
        ("AES-256-CTR", unsafe { sys::EVP_aes_256_ctr() }),
    ] {
        // SAFETY: a fresh context keyed with 32 key and 16 IV bytes (AES-128
        // reads the first 16), freed below; DATA bytes at both pointers.
        unsafe {
            let ctx = sys::EVP_CIPHER_CTX_new();
            assert!(!ctx.is_null());
            let iv = [0u8; 16];
            assert_eq!(
                sys::EVP_EncryptInit_ex(
                    ctx,
                    cipher,
                    std::ptr::null_mut(),
                    key.as_ptr(),
                    iv.as_ptr()
                ),
                1
            );
            let mut n = 0i32;
            report(
                "primitive",
                name,
                "encrypt",
                "*aws-lc",
                rate(DATA, || {
                    sys::EVP_EncryptUpdate(
                        ctx,
                        out.as_mut_ptr(),
                        &mut n,
                        input.as_ptr(),
                        DATA as i32,
                    );
                }),
            );
            sys::EVP_CIPHER_CTX_free(ctx);
        }
    }
}

/// Operations per second of `f`: the median of ROUNDS rounds.
fn ops(mut f: impl FnMut()) -> (f64, Vec<f64>) {
    // `rate` with one "byte" per call gives calls per second / 1e9.
    let (median, rates) = rate(1, &mut f);
    (median * 1e9, rates.iter().map(|r| r * 1e9).collect())
}

fn operations() {
    use ssh2_streams_native::crypto::kex::{Ephemeral, Group};
    use ssh2_streams_native::keys;
    for (name, group) in [("X25519", Group::X25519), ("ECDH P-256", Group::P256)] {
        let (_, peer) = Ephemeral::generate(group).expect("key pair");
        report(
            "operation",
            &format!("{name} key pair + shared secret"),
            "ops",
            "*aws-lc",
            ops(|| {
                let (mine, public) = Ephemeral::generate(group).expect("key pair");
                black_box(public);
                black_box(mine.agree(&peer).expect("agreed"));
            }),
        );
    }
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench/fixtures/");
    let hash = [0x42u8; 32]; // an exchange hash's size
    for (label, file, alg) in [
        ("Ed25519", "host_ed25519", "ssh-ed25519"),
        ("ECDSA P-256", "host_ecdsa", "ecdsa-sha2-nistp256"),
        ("RSA 2048 (rsa-sha2-256)", "host_rsa", "rsa-sha2-256"),
    ] {
        let text = std::fs::read(format!("{fixtures}{file}")).expect("fixture");
        let key = keys::parse(&text, None)
            .expect("parses")
            .into_vec()
            .remove(0);
        let signature = key.sign(alg, &hash).expect("signs");
        report(
            "operation",
            &format!("{label} sign"),
            "ops",
            "*aws-lc",
            ops(|| {
                black_box(key.sign(alg, &hash).expect("signs"));
            }),
        );
        report(
            "operation",
            &format!("{label} verify"),
            "ops",
            "*aws-lc",
            ops(|| {
                assert!(key.verify(alg, &hash, &signature));
            }),
        );
    }
}

fn main() {
    operations();
    packet("aes128-gcm@openssh.com", None);
    packet("chacha20-poly1305@openssh.com", None);
    packet("aes128-ctr", Some("hmac-sha2-256"));
    packet("aes128-ctr", Some("hmac-sha2-256-etm@openssh.com"));
    packet("aes256-ctr", Some("hmac-sha2-512"));
    primitives();
}
