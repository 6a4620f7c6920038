//! The C types of include/wws_wasmtime.h and conversions at the boundary.

use std::ffi::{c_char, c_void};

#[repr(C)]
#[derive(Clone, Copy)]
pub struct WwsStr {
    pub data: *const c_char,
    pub len: usize,
}

impl WwsStr {
    /// The borrowed bytes (empty for a null pointer).
    pub unsafe fn bytes<'a>(&self) -> &'a [u8] {
        if self.data.is_null() || self.len == 0 {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(self.data.cast(), self.len) }
        }
    }
    pub unsafe fn lossy(&self) -> String {
        String::from_utf8_lossy(unsafe { self.bytes() }).into_owned()
    }
    pub fn from(s: &str) -> WwsStr {
        WwsStr { data: s.as_ptr().cast(), len: s.len() }
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct WwsPair {
    pub name: WwsStr,
    pub value: WwsStr,
}

pub unsafe fn pairs<'a>(data: *const WwsPair, len: usize) -> &'a [WwsPair] {
    if data.is_null() || len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(data, len) } }
}

#[repr(C)]
pub struct WwsBytes {
    pub data: *mut u8,
    pub len: usize,
}

impl WwsBytes {
    pub fn empty() -> WwsBytes {
        WwsBytes { data: std::ptr::null_mut(), len: 0 }
    }
    pub fn from_vec(v: Vec<u8>) -> WwsBytes {
        let boxed = v.into_boxed_slice();
        let len = boxed.len();
        WwsBytes { data: Box::into_raw(boxed).cast(), len }
    }
    pub fn from_string(s: String) -> WwsBytes {
        WwsBytes::from_vec(s.into_bytes())
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_bytes_free(bytes: WwsBytes) {
    if !bytes.data.is_null() {
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(bytes.data, bytes.len)) });
    }
}

#[repr(C)]
pub struct WwsRunOptions {
    pub timeout_ms: u64,
    pub max_memory_bytes: u64,
    pub env: *const WwsPair,
    pub env_len: usize,
    pub preopens: *const WwsPair,
    pub preopens_len: usize,
    pub stdout_limit: usize,
    pub ctx: *mut c_void,
    pub write_stderr: Option<unsafe extern "C" fn(*mut c_void, *const u8, usize)>,
    pub allow_outgoing: Option<unsafe extern "C" fn(*mut c_void, WwsStr, WwsStr, *mut *const c_char) -> bool>,
}

#[repr(C)]
pub struct WwsRunEnd {
    pub instantiated: bool,
    pub completed: bool,
    pub timed_out: bool,
    pub at_memory_cap: bool,
    pub exited: bool,
    pub exit_code: u32,
    pub error: WwsBytes,
}

impl WwsRunEnd {
    pub fn fail(&mut self, message: String) {
        if self.error.data.is_null() {
            self.error = WwsBytes::from_string(message);
        }
    }
}

#[repr(C)]
pub struct WwsHttpRequest {
    pub method: WwsStr,
    pub scheme: WwsStr,
    pub authority: WwsStr,
    pub path_with_query: WwsStr,
    pub headers: *const WwsPair,
    pub headers_len: usize,
    pub body: WwsStr,
}

#[repr(C)]
pub struct WwsHttpSink {
    pub ctx: *mut c_void,
    pub head: Option<unsafe extern "C" fn(*mut c_void, u16, *const WwsPair, usize)>,
    pub body: Option<unsafe extern "C" fn(*mut c_void, *const u8, usize)>,
}

/// The caller's callbacks for one run. They are called only on the thread running the store
/// (a current-thread runtime), during the C call that gave them.
#[derive(Clone, Copy)]
pub struct Callbacks {
    pub ctx: *mut c_void,
    pub write_stderr: Option<unsafe extern "C" fn(*mut c_void, *const u8, usize)>,
    pub allow_outgoing: Option<unsafe extern "C" fn(*mut c_void, WwsStr, WwsStr, *mut *const c_char) -> bool>,
}

// SAFETY: see the type's comment: never used from another thread than the caller's.
unsafe impl Send for Callbacks {}
unsafe impl Sync for Callbacks {}

impl Callbacks {
    pub fn stderr(&self, data: &[u8]) {
        if let Some(f) = self.write_stderr {
            if !data.is_empty() {
                unsafe { f(self.ctx, data.as_ptr(), data.len()) }
            }
        }
    }
    /// Ok, or why the request is refused.
    pub fn allow(&self, method: &str, url: &str) -> Result<(), String> {
        let Some(f) = self.allow_outgoing else {
            return Err("outbound HTTP is not configured for this worker".into());
        };
        let mut why: *const c_char = std::ptr::null();
        if unsafe { f(self.ctx, WwsStr::from(method), WwsStr::from(url), &mut why) } {
            return Ok(());
        }
        if why.is_null() {
            return Err("not allowed".into());
        }
        Err(unsafe { std::ffi::CStr::from_ptr(why) }.to_string_lossy().into_owned())
    }
}
