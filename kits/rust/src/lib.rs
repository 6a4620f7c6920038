//! wasm-workers-rs: write Wasm Workers Server (wws) workers in Rust.
//!
//! A worker is a WASI command: wws runs it once per request with the request as JSON on stdin
//! and reads the response as JSON from stdout. This crate hides that: put `#[worker]` on a
//! function from `http::Request` to `http::Response` and build for `wasm32-wasi`.
//!
//! ```ignore
//! use anyhow::Result;
//! use wasm_workers_rs::{http::{self, Request, Response}, worker, Content};
//!
//! #[worker]
//! fn handler(req: Request<String>) -> Result<Response<Content>> {
//!     Ok(http::Response::builder()
//!         .header("x-generated-by", "wasm-workers-server")
//!         .body(format!("Hello from {}", req.uri()).into())?)
//! }
//! ```
//!
//! - `#[worker(params)]` adds `&HashMap<String, String>` (route parameters such as `[id]`),
//!   `#[worker(cache)]` adds `&mut Cache` (the worker's K/V namespace), `#[worker(params, cache)]`
//!   both, in that order. `#[handler]` is the 2022 name of the same attribute.
//! - The request body is a `String`, or the exact bytes with `Request<Vec<u8>>` (binary bodies
//!   arrive intact; a `String` body gets invalid UTF-8 replaced by U+FFFD).
//! - The response body is anything `Into<Content>`: `String` or `&str` as text, `Vec<u8>` as
//!   bytes (sent base64-encoded). Repeated headers (`append`) are sent as separate lines.
//! - `cache.remove(key)` deletes a key; K/V changes are sent only when something changed.
//! - An `Err` from the handler becomes a 500: its text goes to the server log (stderr) and no
//!   K/V change is stored.
//! - `bindings::send_http_request` makes an outbound request through the host, limited by the
//!   worker's `[features.http_requests]`.

mod base64;
pub mod bindings;
pub mod cache;
mod content;
mod error;
pub mod io;
mod json;

pub use cache::Cache;
pub use content::Content;
pub use error::Error;
pub use http;
pub use worker::{handler, worker};

/// What the generated `main` calls. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::io::run;
}
