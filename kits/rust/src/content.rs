//! Response bodies.
use crate::base64;

/// The body of a response: text, or bytes carried base64-encoded in the worker protocol (wws
/// decodes them before answering the client).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Text(String),
    /// Already base64-encoded bytes. `Content::from(bytes)` encodes them.
    Base64(String),
}

impl From<String> for Content {
    fn from(s: String) -> Content {
        Content::Text(s)
    }
}

impl From<&str> for Content {
    fn from(s: &str) -> Content {
        Content::Text(s.to_string())
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Content {
        Content::Base64(base64::encode(&bytes))
    }
}

impl From<&[u8]> for Content {
    fn from(bytes: &[u8]) -> Content {
        Content::Base64(base64::encode(bytes))
    }
}
