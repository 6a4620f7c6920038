// The counter of the original kit's rust-kv example as the original kit ran it: the whole
// namespace arrives in the request's "kv" (io::Input::cache_data) and the whole map goes back in
// the response. It imports no wws_kv function, so wws sends it the snapshot: bench/kv.sh's peer
// of the same counter on the kit's key-by-key Cache.
use std::io::Write;
use wasm_workers_rs::io::{Input, Output};

fn main() {
    let input = Input::new(std::io::stdin()).expect("the request");
    let mut cache = input.cache_data();
    let seen = cache.get("counter").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    cache.insert("counter".to_string(), (seen + 1).to_string());
    let text = format!("counter={}", seen);
    let out = Output::new(&text, 200, None, Some(cache), false).to_json().expect("the response");
    std::io::stdout().write_all(out.as_bytes()).expect("stdout");
}
