// #[worker(cache)] with `&mut HashMap<String, String>`, as handlers for the original kit could
// declare it: answers the keys it was given (sorted) and "counter=<n>", then counts in
// "counter" and removes "m1". The kit reads the whole namespace and writes back the changes.
use anyhow::Result;
use std::collections::HashMap;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Content,
};

#[worker(cache)]
fn handler(_req: Request<String>, cache: &mut HashMap<String, String>) -> Result<Response<Content>> {
    let mut keys: Vec<_> = cache.keys().cloned().collect();
    keys.sort();
    let seen = cache.get("counter").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    cache.insert("counter".to_string(), (seen + 1).to_string());
    cache.remove("m1");
    Ok(http::Response::builder().body(format!("{} counter={}", keys.join(","), seen).into())?)
}
