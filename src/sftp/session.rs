//! One end of an SFTP session: the version handshake, then requests
//! (server) or responses (client) decoded as they arrive. Packets it
//! answers itself (VERSION, OP_UNSUPPORTED for unknown request types) go to
//! its output, which the stream pushes before emitting the events.

use super::frame::{Frame, Framer, Pass};
use super::request::Request;
use super::response::Response;
use super::{encode, req, res, status};
use super::{CLIENT_MAX_PACKET, SERVER_MAX_PACKET, VERSION};
use crate::wire::{Reader, WireResult};

pub enum Event<'a> {
    /// The peer's INIT (server) or VERSION (client) with its extensions.
    Ready {
        version: u32,
        extensions: Extensions<'a>,
    },
    Request {
        id: u32,
        request: Request<'a>,
    },
    Response {
        id: u32,
        response: Response<'a>,
    },
    /// Client: part of a DATA reply that a chunk's end cut (frame.rs), the
    /// `part` being a slice of the chunk fed; `last` answers request `id`.
    /// Server: part of the data of the WRITE request `WriteHead` began.
    DataPart {
        id: u32,
        total: usize,
        part: &'a [u8],
        last: bool,
    },
    /// Server: a WRITE request that a chunk's end cut; its `total` bytes of
    /// data follow as `DataPart`s, the last of which completes it.
    WriteHead {
        id: u32,
        handle: &'a [u8],
        offset: u64,
        total: usize,
    },
    /// The session is over: 0.4.10's message.
    Fatal(String),
}

pub struct Session {
    server: bool,
    /// The peer is OpenSSH (its SYMLINK argument order differs).
    openssh: bool,
    version: Option<u32>,
    framer: Framer,
    out: Vec<u8>,
    dead: bool,
    /// Server: the extensions its VERSION advertises.
    extensions: Vec<(String, Vec<u8>)>,
}

impl Session {
    pub fn new(server: bool, openssh: bool) -> Session {
        Session {
            server,
            openssh,
            version: None,
            framer: Framer::default(),
            out: Vec::new(),
            dead: false,
            extensions: Vec::new(),
        }
    }

    /// Server: extensions to advertise (name, data) in VERSION.
    pub fn set_extensions(&mut self, extensions: Vec<(String, Vec<u8>)>) {
        self.extensions = extensions;
    }

    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    pub fn version(&self) -> Option<u32> {
        self.version
    }

    pub fn is_dead(&self) -> bool {
        self.dead
    }

    pub fn feed(&mut self, data: &[u8], on_event: &mut dyn FnMut(Event<'_>)) {
        if self.dead {
            return;
        }
        // A server does not count the type byte against its limit, as in
        // 0.4.10; a client counts it, as OpenSSH does.
        let (limit, max) = if self.server {
            (SERVER_MAX_PACKET + 1, SERVER_MAX_PACKET)
        } else {
            (CLIENT_MAX_PACKET, CLIENT_MAX_PACKET)
        };
        let type_counted = !self.server;
        let mut at = 0;
        loop {
            // A client's DATA replies and a server's WRITE requests pass in
            // parts once the handshake is done.
            let pass = match (self.version, self.server) {
                (None, _) => Pass::Nothing,
                (Some(_), false) => Pass::DataReplies,
                (Some(_), true) => Pass::WriteRequests,
            };
            let Some(frame) = self.framer.next(data, &mut at, limit, pass) else {
                return;
            };
            let outcome = match frame {
                Frame::DataPart {
                    id,
                    total,
                    part,
                    last,
                } => {
                    on_event(Event::DataPart {
                        id,
                        total,
                        part,
                        last,
                    });
                    Ok(())
                }
                Frame::WriteHead {
                    id,
                    handle,
                    offset,
                    total,
                } => {
                    on_event(Event::WriteHead {
                        id,
                        handle,
                        offset,
                        total,
                    });
                    Ok(())
                }
                // Before the handshake a wrong type is the error to report,
                // whatever the length (0.4.10 checked the type first).
                Frame::TooLong(_, kind)
                    if self.version.is_none() && kind != hello_type(self.server) =>
                {
                    Err(before_hello(self.server))
                }
                Frame::TooLong(len, _) => Err(format!(
                    "Packet length ({}) exceeds max length ({max})",
                    if type_counted { len } else { len - 1 }
                )),
                Frame::Packet(kind, body) => {
                    let (server, openssh) = (self.server, self.openssh);
                    let state = Handshake {
                        version: &mut self.version,
                        out: &mut self.out,
                        extensions: &self.extensions,
                    };
                    if server {
                        on_request(state, kind, body, openssh, on_event)
                    } else {
                        on_response(state, kind, body, on_event)
                    }
                }
            };
            if let Err(message) = outcome {
                self.dead = true;
                self.framer.clear();
                on_event(Event::Fatal(message));
                return;
            }
        }
    }
}

/// The packet that must come first: INIT to a server, VERSION to a client.
fn hello_type(server: bool) -> u8 {
    if server {
        req::INIT
    } else {
        res::VERSION
    }
}

fn before_hello(server: bool) -> String {
    let what = if server { "init" } else { "version" };
    format!("Unexpected packet before {what}")
}

/// The parts of the session a packet handler changes.
struct Handshake<'s> {
    version: &'s mut Option<u32>,
    out: &'s mut Vec<u8>,
    extensions: &'s [(String, Vec<u8>)],
}

const MALFORMED: &str = "Malformed packet";

fn malformed<T>(r: WireResult<T>) -> Result<T, String> {
    r.map_err(|_| MALFORMED.to_owned())
}

/// Extension (name, data) pairs as sent in INIT or VERSION.
type Extensions<'a> = Vec<(&'a [u8], &'a [u8])>;

/// INIT / VERSION body: version, then (name, data) pairs to the end.
fn hello(body: &[u8]) -> Result<(u32, Extensions<'_>), String> {
    let mut r = Reader::new(body);
    let version = malformed(r.u32())?;
    let mut extensions = Vec::new();
    while !r.is_empty() {
        extensions.push((malformed(r.string())?, malformed(r.string())?));
    }
    Ok((version, extensions))
}

fn on_request(
    s: Handshake<'_>,
    kind: u8,
    body: &[u8],
    openssh: bool,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), String> {
    if s.version.is_none() {
        if kind != req::INIT {
            return Err(before_hello(true));
        }
        let (version, extensions) = hello(body)?;
        if version < VERSION {
            return Err(format!("Incompatible SFTP version: {version}"));
        }
        *s.version = Some(VERSION);
        let ours: Vec<(&str, &[u8])> = s
            .extensions
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        s.out.extend(encode::hello(true, VERSION, &ours));
        on_event(Event::Ready {
            version,
            extensions,
        });
        return Ok(());
    }
    if kind == req::INIT {
        // A second INIT has no id to answer: ignore it, as 0.4.10 did.
        return Ok(());
    }
    let mut r = Reader::new(body);
    let id = malformed(r.u32())?;
    if Request::event_name(kind).is_none() {
        s.out
            .extend(encode::status(id, status::OP_UNSUPPORTED, b"", b""));
        return Ok(());
    }
    let request = malformed(Request::decode(kind, &mut r, openssh))?;
    on_event(Event::Request { id, request });
    Ok(())
}

fn on_response(
    s: Handshake<'_>,
    kind: u8,
    body: &[u8],
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), String> {
    if s.version.is_none() {
        if kind != res::VERSION {
            return Err(before_hello(false));
        }
        let (version, extensions) = hello(body)?;
        if version < VERSION {
            return Err(format!("Incompatible SFTP version: {version}"));
        }
        *s.version = Some(version);
        on_event(Event::Ready {
            version,
            extensions,
        });
        return Ok(());
    }
    if kind == res::VERSION {
        return Ok(());
    }
    let mut r = Reader::new(body);
    let id = malformed(r.u32())?;
    match Response::decode(kind, &mut r) {
        // Not a response type: skip it, as 0.4.10 did.
        None => Ok(()),
        Some(decoded) => {
            let response = malformed(decoded)?;
            on_event(Event::Response { id, response });
            Ok(())
        }
    }
}
