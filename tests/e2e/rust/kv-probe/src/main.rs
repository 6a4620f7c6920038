// Reads the request the way the kit's generated main does (io::Input, the original kit's API),
// reads one key through the key-by-key Cache and answers "sent=<keys in the request's kv>
// value=<the key's value>": a module that imports wws_kv must be sent "kv":{}.
use std::io::Write;
use wasm_workers_rs::{
    io::{Input, Output},
    Cache,
};

fn main() {
    let input = Input::new(std::io::stdin()).expect("the request");
    let key = input.to_http_request().uri().query().and_then(|q| q.strip_prefix("key=")).unwrap_or("k").to_string();
    let cache = Cache::new();
    let value = cache.get(&key).cloned().unwrap_or_else(|| "(none)".to_string());
    let text = format!("sent={} value={}", input.cache_data().len(), value);
    let out = Output::new(&text, 200, None, None, false).to_json().expect("the response");
    std::io::stdout().write_all(out.as_bytes()).expect("stdout");
}
