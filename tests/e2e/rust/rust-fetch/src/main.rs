// Mirrors the original's examples/rust-fetch (bindings::send_http_request, serde on the answer);
// the upstream URL comes from the UPSTREAM var instead of a public API.
use anyhow::Result;
use serde::{Deserialize, Serialize};
use wasm_workers_rs::{
    bindings,
    http::{self, Request, Response},
    worker, Content,
};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Post {
    id: i32,
    title: String,
    body: String,
    user_id: i32,
}

#[worker]
fn handler(_req: Request<String>) -> Result<Response<Content>> {
    let upstream = std::env::var("UPSTREAM")?;
    let outbound = Request::builder().uri(upstream).body(String::new()).unwrap();
    let answer = bindings::send_http_request(outbound).unwrap();
    let post: Post = serde_json::from_slice(answer.body()).unwrap();
    Ok(http::Response::builder()
        .status(200)
        .header("x-generated-by", "wasm-workers-server")
        .body(format!("{} by {}: {} ({})", post.id, post.user_id, post.title, post.body).into())?)
}
