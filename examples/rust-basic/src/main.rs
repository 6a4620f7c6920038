// A Rust worker: built into index.wasm beside this folder's Cargo.toml, so it answers /rust-basic.
use anyhow::Result;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Content,
};

#[worker]
fn handler(req: Request<String>) -> Result<Response<Content>> {
    let message = std::env::var("MESSAGE").unwrap_or_default();
    let body = format!("{} You asked for {} with {}.\n", message, req.uri(), req.method());
    Ok(http::Response::builder()
        .header("content-type", "text/plain")
        .header("x-generated-by", "wasm-workers-server")
        .body(body.into())?)
}
