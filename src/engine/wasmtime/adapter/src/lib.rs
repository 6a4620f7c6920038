//! wws's adapter over Wasmtime: the whole C API (re-exported, so the static library is one
//! Wasmtime for both), plus what the C API cannot do: serving WebAssembly components, both the
//! `wasi:cli/run` kind (the wws stdin/stdout protocol) and the `wasi:http/incoming-handler`
//! kind (handed an incoming request, as `wasmtime serve` does; the C API links wasi:http's types
//! and outgoing handler but has no call that hands a component a request).
//! The C declarations are in include/wws_wasmtime.h; the C++ side is engine/wasmtime.

pub use wasmtime_c_api::*;

mod component;
mod ffi;
mod http_serve;
mod limits;
mod outgoing;
