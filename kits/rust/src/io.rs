//! The worker protocol: the request document wws writes to stdin and the response document the
//! worker writes to stdout, and the `main` that `#[worker]` generates.
use crate::cache::CacheArg;
use crate::{base64, json, Content, Error};
use http::{HeaderMap, Request, Response};
use std::collections::HashMap;
use std::fmt::Display;
use std::io::{Read, Stdin, Write};

/// The request as wws sends it.
pub struct Input {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    kv: HashMap<String, String>,
    params: HashMap<String, String>,
}

impl Input {
    /// Reads and parses the whole request from stdin.
    pub fn new(mut reader: Stdin) -> Result<Self, Error> {
        // One read for a typical request: growing from empty costs a host call per doubling.
        let mut text = Vec::with_capacity(16 * 1024);
        reader
            .read_to_end(&mut text)
            .map_err(|e| Error::new(format!("cannot read the request from stdin: {}", e)))?;
        Self::from_json(&text)
    }

    /// Parses a request document.
    pub fn from_json(text: &[u8]) -> Result<Self, Error> {
        let doc = json::parse_request(text).map_err(|e| Error::new(format!("the request is not valid: {}", e)))?;
        let body = if doc.base64 {
            base64::decode(&doc.body).ok_or_else(|| Error::new("the request body is not valid base64"))?
        } else {
            doc.body.into_bytes()
        };
        Ok(Input {
            url: doc.url,
            method: doc.method,
            headers: doc.headers,
            body,
            kv: doc.kv.into_iter().collect(),
            params: doc.params.into_iter().collect(),
        })
    }

    /// The request as an `http::Request` with a text body (invalid UTF-8 replaced by U+FFFD).
    pub fn to_http_request(&self) -> Request<String> {
        self.request_with(String::from_utf8_lossy(&self.body).into_owned())
    }

    fn request_with<B>(&self, body: B) -> Request<B> {
        let mut request = Request::new(body);
        *request.method_mut() = http::Method::from_bytes(self.method.as_bytes()).unwrap_or(http::Method::GET);
        // wws sends the full URL; a path alone is kept when the URL does not parse as one.
        if let Ok(uri) = self.url.parse::<http::Uri>() {
            *request.uri_mut() = uri;
        }
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                http::header::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_bytes(value.as_bytes()),
            ) {
                headers.append(name, value);
            }
        }
        request
    }

    /// The K/V namespace as it was when the request started.
    pub fn cache_data(&self) -> HashMap<String, String> {
        self.kv.clone()
    }

    /// Route parameters (`[id]` → `"id"`).
    pub fn params(&self) -> &HashMap<String, String> {
        &self.params
    }

    /// The body's exact bytes (base64 bodies decoded).
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }
}

/// Request body types a handler can take: `String` (text) or `Vec<u8>` (the exact bytes).
pub trait RequestBody: Sized {
    fn from_bytes(bytes: Vec<u8>) -> Self;
}

impl RequestBody for String {
    fn from_bytes(bytes: Vec<u8>) -> Self {
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl RequestBody for Vec<u8> {
    fn from_bytes(bytes: Vec<u8>) -> Self {
        bytes
    }
}

/// The response document.
pub struct Output {
    data: String,
    headers: Vec<(String, Vec<String>)>,
    status: u16,
    kv: Option<HashMap<String, String>>,
    base64: bool,
}

fn header_list(headers: &HeaderMap) -> Vec<(String, Vec<String>)> {
    headers
        .keys()
        .map(|name| {
            let values = headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            (name.as_str().to_string(), values)
        })
        .collect()
}

impl Output {
    pub fn new(
        data: &str,
        status: u16,
        headers: Option<HashMap<String, String>>,
        kv: Option<HashMap<String, String>>,
        base64: bool,
    ) -> Self {
        Output {
            data: data.to_string(),
            headers: headers.unwrap_or_default().into_iter().map(|(k, v)| (k, vec![v])).collect(),
            status,
            kv,
            base64,
        }
    }

    /// The response of a handler; `cache` is sent as the namespace's new content.
    pub fn from_response(response: Response<Content>, cache: HashMap<String, String>) -> Self {
        Self::from_parts(response, Some(cache))
    }

    fn from_parts(response: Response<Content>, kv: Option<HashMap<String, String>>) -> Self {
        let (parts, content) = response.into_parts();
        let (data, base64) = match content {
            Content::Text(text) => (text, false),
            Content::Base64(coded) => (coded, true),
        };
        Output { data, headers: header_list(&parts.headers), status: parts.status.as_u16(), kv, base64 }
    }

    pub fn to_json(&self) -> Result<String, Error> {
        let mut out = String::with_capacity(self.data.len() + 128);
        out.push_str("{\"data\":");
        json::push_string(&mut out, &self.data);
        out.push_str(",\"status\":");
        push_decimal(&mut out, self.status);
        out.push_str(",\"headers\":{");
        for (i, (name, values)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::push_string(&mut out, name);
            out.push(':');
            if let [single] = values.as_slice() {
                json::push_string(&mut out, single);
            } else {
                out.push('[');
                for (j, value) in values.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    json::push_string(&mut out, value);
                }
                out.push(']');
            }
        }
        out.push('}');
        if let Some(kv) = &self.kv {
            out.push_str(",\"kv\":{");
            for (i, (key, value)) in kv.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json::push_string(&mut out, key);
                out.push(':');
                json::push_string(&mut out, value);
            }
            out.push('}');
        }
        out.push_str(if self.base64 { ",\"base64\":true}" } else { ",\"base64\":false}" });
        Ok(out)
    }
}

/// Appends `n` in decimal without going through `fmt` (this runs on every response).
fn push_decimal(out: &mut String, n: u16) {
    let mut digits = [0u8; 5];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[i..]).unwrap_or("500"));
}

/// Ends the run as a failure: wws answers 500 and logs `message` (the worker's stderr).
fn fail(message: &str) -> ! {
    eprintln!("{}", message);
    std::process::exit(1)
}

/// The `main` of a `#[worker]`: read the request, call the handler, write the response. A
/// failure exits non-zero, so wws answers 500, logs the reason and stores no K/V change. The
/// handler's cache is `Cache` (key by key through the host) or a `HashMap` (see `CacheArg`).
pub fn run<B, C, E, K, F>(handler: F)
where
    B: RequestBody,
    C: Into<Content>,
    E: Display,
    K: CacheArg,
    F: FnOnce(Request<B>, &HashMap<String, String>, &mut K) -> Result<Response<C>, E>,
{
    let mut input = Input::new(std::io::stdin()).unwrap_or_else(|e| fail(&e.to_string()));
    let body = B::from_bytes(std::mem::take(&mut input.body));
    let request = input.request_with(body);
    let mut cache = K::open().unwrap_or_else(|e| fail(&e.to_string()));
    let response = match handler(request, &input.params, K::arg(&mut cache)) {
        Ok(response) => response.map(Into::into),
        Err(e) => fail(&format!("the handler returned an error: {:#}", e)),
    };
    // A write the store refused must not be answered as a success.
    K::finish(cache).unwrap_or_else(|e| fail(&format!("the handler's K/V writes failed: {}", e)));
    // K/V writes went to the host: the response carries none (the "kv" member is for old kits).
    let output = Output::from_parts(response, None);
    let text = output.to_json().unwrap_or_else(|e| fail(&e.to_string()));
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        fail("cannot write the response to stdout");
    }
}
