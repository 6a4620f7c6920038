//! The kit's error type.
use std::fmt;

/// A failure of the kit itself: the request from wws could not be read, or the response could
/// not be written. Handlers may return it too (`Err(Error::new("no such user"))`): like any
/// handler error it becomes a 500 with the message in the server log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
