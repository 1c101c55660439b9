//! Why a key could not be parsed, decrypted or used. The messages are those
//! ssh2-streams@0.4.10 gave, where it had one.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl KeyError {
    pub fn new(msg: impl Into<String>) -> Self {
        KeyError(msg.into())
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

pub type KeyResult<T> = Result<T, KeyError>;

/// `Err(KeyError::new(msg))`, for the many early returns of the parsers.
pub fn fail<T>(msg: impl Into<String>) -> KeyResult<T> {
    Err(KeyError::new(msg))
}
