// The Rust kit's K/V calls, one per request, chosen by ?op= (the same routes as the C kit's
// kv_atomic test worker):
//   get&key=K                       the value, or "(none)"
//   set&key=K&value=V[&ttl=MS]      del&key=K      (map-like insert / remove)
//   incr&key=K[&by=N][&ttl=MS]      "K=<new value>"
//   cas&key=K[&expect=E][&value=V]  "swapped=1|0" (no expect: must be absent; no value: delete)
//   expire&key=K&ttl=MS             "1|0"
//   list[&prefix=P]                 keys joined with ","
//   len                             how many keys (lists the namespace)
// A K/V error answers 422 with its text; &fail=500 returns an error after the call.
use anyhow::{anyhow, Result};
use std::time::Duration;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Cache, Content,
};

fn query<'a>(req: &'a Request<String>, name: &str) -> Option<&'a str> {
    req.uri().query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v)
    })
}

fn answer(cache: &mut Cache, req: &Request<String>) -> Result<String, wasm_workers_rs::Error> {
    let key = query(req, "key").unwrap_or("k");
    let ttl = Duration::from_millis(query(req, "ttl").and_then(|t| t.parse().ok()).unwrap_or(0));
    Ok(match query(req, "op").unwrap_or("get") {
        "get" => cache.get(key).cloned().unwrap_or_else(|| "(none)".to_string()),
        "set" => {
            let value = query(req, "value").unwrap_or("");
            if ttl.is_zero() {
                cache.insert(key, value);
            } else {
                cache.insert_with_ttl(key, value, ttl)?;
            }
            "ok".to_string()
        }
        "del" => {
            cache.remove(key);
            "ok".to_string()
        }
        "incr" => {
            let by = query(req, "by").and_then(|b| b.parse().ok()).unwrap_or(1);
            let n = if ttl.is_zero() { cache.increment(key, by)? } else { cache.increment_with_ttl(key, by, ttl)? };
            format!("{}={}", key, n)
        }
        "cas" => {
            let swapped = cache.compare_and_swap(key, query(req, "expect"), query(req, "value"))?;
            format!("swapped={}", swapped as u8)
        }
        "expire" => format!("{}", cache.expire(key, ttl)? as u8),
        "list" => cache.list(query(req, "prefix").unwrap_or(""))?.join(","),
        "len" => cache.len().to_string(),
        _ => "unknown op".to_string(),
    })
}

#[worker(cache)]
fn handler(req: Request<String>, cache: &mut Cache) -> Result<Response<Content>> {
    let builder = http::Response::builder().header("content-type", "text/plain");
    let body = match answer(cache, &req) {
        Ok(body) => body,
        Err(e) => return Ok(builder.status(422).body(format!("error: {}", e).into())?),
    };
    if query(&req, "fail") == Some("500") {
        return Err(anyhow!("failing on purpose after {}", body));
    }
    Ok(builder.body(body.into())?)
}
