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
//! - `Cache` reads and writes key by key through wws's `wws_kv` host functions (`get`, `insert`,
//!   `remove` like the original's `HashMap`, plus atomic `increment`, `compare_and_swap` and
//!   TTLs): a worker touching one key pays for one key, whatever the namespace's size. A
//!   handler that declares `&mut HashMap<String, String>` gets the whole namespace instead.
//! - The request body is a `String`, or the exact bytes with `Request<Vec<u8>>` (binary bodies
//!   arrive intact; a `String` body gets invalid UTF-8 replaced by U+FFFD).
//! - The response body is anything `Into<Content>`: `String` or `&str` as text, `Vec<u8>` as
//!   bytes (sent base64-encoded). Repeated headers (`append`) are sent as separate lines.
//! - An `Err` from the handler (or a K/V write the store refused) becomes a 500: its text goes
//!   to the server log (stderr) and no K/V change is stored, except atomic operations, which
//!   the store decided at once.
//! - `bindings::send_http_request` makes an outbound request through the host, limited by the
//!   worker's `[features.http_requests]`.

mod base64;
pub mod bindings;
pub mod cache;
mod content;
mod error;
mod host_kv;
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
