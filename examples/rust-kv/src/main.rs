// A Rust worker with K/V: counts its requests in the namespace of index.toml.
use anyhow::Result;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Cache, Content,
};

#[worker(cache)]
fn handler(_req: Request<String>, cache: &mut Cache) -> Result<Response<Content>> {
    let count = cache.get("count").and_then(|c| c.parse::<u64>().ok()).unwrap_or(0) + 1;
    cache.insert("count".to_string(), count.to_string());
    Ok(http::Response::builder()
        .header("content-type", "text/plain")
        .body(format!("This Rust worker has answered {} times.\n", count).into())?)
}
