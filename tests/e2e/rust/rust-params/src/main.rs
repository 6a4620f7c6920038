// Mirrors the original's examples/rust-params (#[worker(params)] fn reply, served as [id].wasm).
use anyhow::Result;
use std::collections::HashMap;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Content,
};

#[worker(params)]
fn reply(_req: Request<String>, params: &HashMap<String, String>) -> Result<Response<Content>> {
    let missing = String::from("(no id)");
    let id = params.get("id").unwrap_or(&missing);
    Ok(http::Response::builder()
        .status(200)
        .header("x-generated-by", "wasm-workers-server")
        .body(format!("id={}", id).into())?)
}
