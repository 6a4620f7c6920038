// Mirrors the original's examples/rust-kv (#[worker(cache)], Cache::get/insert): a counter.
use anyhow::Result;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Cache, Content,
};

#[worker(cache)]
fn handler(_req: Request<String>, cache: &mut Cache) -> Result<Response<Content>> {
    let seen = cache.get("counter").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    cache.insert("counter".to_string(), (seen + 1).to_string());
    Ok(http::Response::builder()
        .status(200)
        .header("x-generated-by", "wasm-workers-server")
        .body(format!("counter={}", seen).into())?)
}
