//! The session layer: authentication (RFC 4252, 4256) and connection
//! (RFC 4254) messages as typed values, decoded from and encoded to the
//! payloads the transport carries. It knows nothing of I/O or crypto; the
//! binding turns these values into the events and arguments of SSH2Stream.

pub mod auth;
pub mod channel;
pub mod channel_request;
pub mod connection;
pub mod error;
pub mod global_request;
pub mod message;
pub mod msg;
pub mod session;
pub mod windows;

pub use auth::SignedRequest;
pub use connection::{Connection, Event, Sent};
pub use error::DecodeError;
pub use message::{DecodeContext, Message};
pub use session::{AuthStateError, SessionState, ToSign};
