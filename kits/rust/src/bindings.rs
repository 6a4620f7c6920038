//! Outbound HTTP through the host: the `http.send-http-request` import that wws (and the
//! original wws) provide to wasm workers, in the wit-bindgen 0.2 canonical ABI. The host checks
//! every request against the worker's `[features.http_requests]` (hosts, methods, plain HTTP).
use http::{Method, Request, Response};
use std::alloc::{self, Layout};
use std::fmt;

/// Why the host did not return a response (the `http-error` enum of the host interface).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpError {
    InvalidRequest,
    InvalidRequestBody,
    InvalidResponseBody,
    NotAllowed,
    InternalError,
    Timeout,
    RedirectLoop,
}

impl HttpError {
    fn from_code(code: u8) -> HttpError {
        match code {
            0 => HttpError::InvalidRequest,
            1 => HttpError::InvalidRequestBody,
            2 => HttpError::InvalidResponseBody,
            3 => HttpError::NotAllowed,
            5 => HttpError::Timeout,
            6 => HttpError::RedirectLoop,
            _ => HttpError::InternalError,
        }
    }
}

/// The error of `send_http_request`: the kind and the host's message, e.g. `NotAllowed` and
/// "The host 'example.com' is not allowed for this worker. ...".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequestError {
    pub error: HttpError,
    pub message: String,
}

impl fmt::Display for HttpRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.error, self.message)
    }
}

impl std::error::Error for HttpRequestError {}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "http")]
extern "C" {
    #[link_name = "send-http-request"]
    fn host_send_http_request(
        body_is_some: i32,
        body_ptr: i32,
        body_len: i32,
        headers_ptr: i32,
        headers_len: i32,
        method: i32,
        params_ptr: i32,
        params_len: i32,
        uri_ptr: i32,
        uri_len: i32,
        ret: i32,
    );
}

#[cfg(target_arch = "wasm32")]
fn call_host(body: &[u8], header_words: &[u32], method: i32, uri: &str) -> [u32; 8] {
    let mut ret = [0u32; 8]; // the 28-byte return area, 4-aligned (rounded up)
    unsafe {
        host_send_http_request(
            1,
            body.as_ptr() as i32,
            body.len() as i32,
            header_words.as_ptr() as i32,
            (header_words.len() / 4) as i32,
            method,
            0,
            0,
            uri.as_ptr() as i32,
            uri.len() as i32,
            ret.as_mut_ptr() as i32,
        );
    }
    ret
}

#[cfg(not(target_arch = "wasm32"))]
fn call_host(_: &[u8], _: &[u32], _: i32, _: &str) -> [u32; 8] {
    unreachable!("send_http_request returns early outside wasm")
}

/// Allocator the host calls to place results in guest memory.
#[no_mangle]
pub unsafe extern "C" fn canonical_abi_realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
    let align = align.max(1);
    if new_len == 0 {
        return align as *mut u8;
    }
    let layout = Layout::from_size_align(new_len, align).unwrap_or_else(|_| alloc::handle_alloc_error(Layout::new::<u8>()));
    let ptr = if old_ptr.is_null() || old_len == 0 {
        alloc::alloc(layout)
    } else {
        alloc::realloc(old_ptr, Layout::from_size_align_unchecked(old_len, align), new_len)
    };
    if ptr.is_null() {
        alloc::handle_alloc_error(layout);
    }
    ptr
}

#[no_mangle]
pub unsafe extern "C" fn canonical_abi_free(ptr: *mut u8, len: usize, align: usize) {
    if len != 0 {
        alloc::dealloc(ptr, Layout::from_size_align_unchecked(len, align.max(1)));
    }
}

/// Takes ownership of `len` bytes the host allocated at `ptr`.
unsafe fn take_bytes(ptr: usize, len: usize) -> Vec<u8> {
    if len == 0 {
        return Vec::new();
    }
    Vec::from_raw_parts(ptr as *mut u8, len, len)
}

unsafe fn take_string(ptr: usize, len: usize) -> String {
    let bytes = take_bytes(ptr, len);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn method_code(method: &Method) -> i32 {
    match *method {
        Method::GET => 0,
        Method::POST => 1,
        Method::PUT => 2,
        Method::PATCH => 3,
        Method::DELETE => 4,
        Method::OPTIONS => 5,
        Method::HEAD => 6,
        _ => 0, // the host interface has no other methods
    }
}

/// Sends `req` through the host and returns the response, or why there is none.
pub fn send_http_request<T>(req: Request<T>) -> Result<Response<Vec<u8>>, HttpRequestError>
where
    T: Into<Vec<u8>>,
{
    if !cfg!(target_arch = "wasm32") {
        return Err(HttpRequestError {
            error: HttpError::InternalError,
            message: "send_http_request needs the wws host: build the worker for wasm32-wasi".to_string(),
        });
    }
    let (parts, body) = req.into_parts();
    let body: Vec<u8> = body.into();
    let uri = parts.uri.to_string();
    // list<tuple<string, string>>: (ptr, len, ptr, len) per header, as 32-bit words.
    let header_text: Vec<(&str, &[u8])> = parts.headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect();
    let header_words: Vec<u32> = header_text
        .iter()
        .flat_map(|(k, v)| [k.as_ptr() as u32, k.len() as u32, v.as_ptr() as u32, v.len() as u32])
        .collect();
    let ret = call_host(&body, &header_words, method_code(&parts.method), &uri);
    let word = |i: usize| ret[i] as usize;
    let tag = ret[0] & 0xff;
    if tag != 0 {
        let message = unsafe { take_string(word(2), word(3)) };
        return Err(HttpRequestError { error: HttpError::from_code((ret[1] & 0xff) as u8), message });
    }
    let body = if ret[1] & 0xff != 0 { unsafe { take_bytes(word(2), word(3)) } } else { Vec::new() };
    let status = (ret[6] & 0xffff) as u16;
    let mut builder = Response::builder().status(status);
    let (list, count) = (word(4), word(5));
    if count > 0 {
        let fields = unsafe { std::slice::from_raw_parts(list as *const u32, count * 4) };
        for pair in fields.chunks(4) {
            let name = unsafe { take_string(pair[0] as usize, pair[1] as usize) };
            let value = unsafe { take_bytes(pair[2] as usize, pair[3] as usize) };
            builder = builder.header(name.as_str(), value);
        }
        unsafe { canonical_abi_free(list as *mut u8, count * 16, 4) };
    }
    builder.body(body).map_err(|e| HttpRequestError {
        error: HttpError::InvalidResponseBody,
        message: format!("the host returned a response the http crate rejects: {}", e),
    })
}
