//! SFTP version 3 (draft-ietf-secsh-filexfer-02) with OpenSSH's extensions,
//! sans-IO like the transport: bytes in, typed requests or responses out,
//! and packets built for the JS side to push. lib/sftp.js owns the request
//! ids, the callbacks and the stream.

pub mod attrs;
pub mod encode;
pub mod frame;
pub mod request;
pub mod response;
pub mod session;

#[cfg(test)]
mod tests;

/// Packet types a client sends.
pub mod req {
    pub const INIT: u8 = 1;
    pub const OPEN: u8 = 3;
    pub const CLOSE: u8 = 4;
    pub const READ: u8 = 5;
    pub const WRITE: u8 = 6;
    pub const LSTAT: u8 = 7;
    pub const FSTAT: u8 = 8;
    pub const SETSTAT: u8 = 9;
    pub const FSETSTAT: u8 = 10;
    pub const OPENDIR: u8 = 11;
    pub const READDIR: u8 = 12;
    pub const REMOVE: u8 = 13;
    pub const MKDIR: u8 = 14;
    pub const RMDIR: u8 = 15;
    pub const REALPATH: u8 = 16;
    pub const STAT: u8 = 17;
    pub const RENAME: u8 = 18;
    pub const READLINK: u8 = 19;
    pub const SYMLINK: u8 = 20;
    pub const EXTENDED: u8 = 200;
}

/// Packet types a server sends.
pub mod res {
    pub const VERSION: u8 = 2;
    pub const STATUS: u8 = 101;
    pub const HANDLE: u8 = 102;
    pub const DATA: u8 = 103;
    pub const NAME: u8 = 104;
    pub const ATTRS: u8 = 105;
    pub const EXTENDED_REPLY: u8 = 201;
}

/// SSH_FX_* status codes.
pub mod status {
    pub const OK: u32 = 0;
    pub const EOF: u32 = 1;
    pub const NO_SUCH_FILE: u32 = 2;
    pub const PERMISSION_DENIED: u32 = 3;
    pub const FAILURE: u32 = 4;
    pub const BAD_MESSAGE: u32 = 5;
    pub const NO_CONNECTION: u32 = 6;
    pub const CONNECTION_LOST: u32 = 7;
    pub const OP_UNSUPPORTED: u32 = 8;
}

/// The protocol version both ends speak.
pub const VERSION: u32 = 3;

/// The largest request packet a server accepts (0.4.10's limit, the
/// draft's "at least 34000 bytes"), counted without the length field.
pub const SERVER_MAX_PACKET: usize = 34000;

/// The largest response packet a client accepts, its length field's value
/// (type byte included): OpenSSH's SFTP_MAX_MSG_LENGTH, the most its
/// sftp-server sends and its sftp client takes. A larger one is a protocol
/// error, not buffered: a hostile server's 4 MiB NAME reply was 349k
/// entries, +150 MB of RSS and ~1 s of CPU.
pub const CLIENT_MAX_PACKET: usize = 256 * 1024;

/// The most data a client READ asks for: what a DATA reply within
/// `CLIENT_MAX_PACKET` holds (type, id, and the data's length field take
/// 9 bytes). A larger read is sent as this one; callers take short reads.
pub const CLIENT_MAX_READ: u32 = (CLIENT_MAX_PACKET - 9) as u32;
