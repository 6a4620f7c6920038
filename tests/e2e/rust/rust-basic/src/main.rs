// Mirrors the original's examples/rust-basic (same imports, attribute and signature): echoes
// the request and a [vars] value.
use anyhow::Result;
use std::env;
use wasm_workers_rs::{
    http::{self, HeaderValue, Request, Response},
    worker, Content,
};

#[worker]
fn handler(req: Request<String>) -> Result<Response<Content>> {
    let greeting = env::var("MESSAGE").unwrap_or_else(|_| String::from("no MESSAGE"));
    let fallback = HeaderValue::from_str("none").unwrap();
    let agent = req.headers().get("user-agent").unwrap_or(&fallback).to_str().unwrap();
    let text = format!(
        "{}\nurl={}\nmethod={}\nagent={}\nbody={}",
        greeting,
        req.uri(),
        req.method().as_str(),
        agent,
        req.body()
    );
    Ok(http::Response::builder()
        .status(200)
        .header("x-generated-by", "wasm-workers-server")
        .body(text.into())?)
}
