// The Rust kit's features the original examples do not show, chosen by the "case" query
// parameter: exact binary request bodies (Request<Vec<u8>>), binary responses, repeated
// response headers, K/V delete, params and cache together, typed errors as 500s, and outbound
// HTTP with a method, headers and a body.
use anyhow::{anyhow, Context, Result};
use std::collections::HashMap;
use wasm_workers_rs::{
    bindings,
    http::{self, Request, Response},
    worker, Cache, Content, Error,
};

fn query<'a>(req: &'a Request<Vec<u8>>, name: &str) -> Option<&'a str> {
    req.uri().query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v)
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{:02x}", b)).collect()
}

#[worker(params, cache)]
fn handler(req: Request<Vec<u8>>, params: &HashMap<String, String>, cache: &mut Cache) -> Result<Response<Content>> {
    let case = query(&req, "case").unwrap_or("");
    let builder = http::Response::builder().header("x-case", case);
    let text = |s: String| -> Content { s.into() };
    match case {
        "echo-bytes" => {
            let body = hex(req.body());
            Ok(builder.body(text(format!("{} {} bytes: {}", req.method(), req.body().len(), body)))?)
        }
        "binary" => Ok(builder.header("content-type", "application/octet-stream").body(vec![0u8, 0xff, 0x80, 0x41].into())?),
        "cookies" => Ok(builder
            .status(201)
            .header("set-cookie", "a=1")
            .header("set-cookie", "b=2")
            .header("x-quote", "say \"hi\"")
            .body("two cookies".into())?),
        "kv" => {
            // set=k:v, del=k; answers with the namespace after the change, sorted.
            if let Some(set) = query(&req, "set") {
                let (k, v) = set.split_once(':').context("set=key:value")?;
                cache.insert(k.to_string(), v.to_string());
            }
            if let Some(key) = query(&req, "del") {
                cache.remove(key);
            }
            let mut keys: Vec<_> = cache.iter().map(|(k, v)| format!("{}={}", k, v)).collect();
            keys.sort();
            Ok(builder.body(keys.join(",").into())?)
        }
        "params" => {
            let mut pairs: Vec<_> = params.iter().map(|(k, v)| format!("{}={}", k, v)).collect();
            pairs.sort();
            Ok(builder.body(pairs.join(",").into())?)
        }
        "error" => {
            cache.insert("error-ran".to_string(), "yes".to_string()); // must not be stored
            Err(anyhow!("the database is down")).context("loading the user")
        }
        "kit-error" => Err(Error::new("a typed kit error").into()),
        "fetch" => {
            let url = std::env::var("UPSTREAM")?;
            let outbound = Request::builder()
                .method("PUT")
                .uri(format!("{}{}", url, query(&req, "path").unwrap_or("")))
                .header("x-from", "rust-kit")
                .body(req.body().clone())?;
            match bindings::send_http_request(outbound) {
                Ok(res) => {
                    let upstream = res.headers().get("x-upstream").map(|v| v.to_str().unwrap_or("?")).unwrap_or("-");
                    let body = String::from_utf8_lossy(res.body()).into_owned();
                    Ok(builder.body(format!("{} {} {}", res.status().as_u16(), upstream, body).into())?)
                }
                Err(e) => Ok(builder.status(502).body(format!("{:?} {}", e.error, e.message).into())?),
            }
        }
        _ => Ok(builder.status(400).body("unknown case".into())?),
    }
}
