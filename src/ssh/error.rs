//! Why a session-layer payload could not be decoded.

use crate::wire::WireError;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A field ran past the end of the payload, or was malformed.
    Malformed {
        message: &'static str,
        cause: WireError,
    },
    /// The payload is empty: no message number.
    Empty,
    /// Message 60/61 arrived while no request of a method that uses it was
    /// pending (0.4.10: "Invalid authentication method: <method>").
    UnexpectedAuthMessage { method: String },
    /// Channel data beyond the window or packet size we granted.
    Flow(super::windows::WindowError),
    /// Server: more unanswered user-auth requests than we keep.
    TooManyAuthRequests,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Malformed { message, cause } => write!(f, "malformed {message}: {cause}"),
            DecodeError::Empty => f.write_str("empty packet payload"),
            DecodeError::UnexpectedAuthMessage { method } => {
                write!(f, "Invalid authentication method: {method}")
            }
            DecodeError::Flow(e) => e.fmt(f),
            DecodeError::TooManyAuthRequests => {
                write!(
                    f,
                    "Too many pending authentication requests (more than {})",
                    super::session::MAX_PENDING_AUTH
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Tags a wire error with the message being decoded.
pub(crate) trait Context<T> {
    fn ctx(self, message: &'static str) -> Result<T, DecodeError>;
}

impl<T> Context<T> for Result<T, WireError> {
    fn ctx(self, message: &'static str) -> Result<T, DecodeError> {
        self.map_err(|cause| DecodeError::Malformed { message, cause })
    }
}
