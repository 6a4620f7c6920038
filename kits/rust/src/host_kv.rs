//! The `wws_kv` host functions (ABI version 1): key-by-key K/V, so a worker that touches one key
//! pays for one key whatever the size of its namespace. A module that imports them is not sent
//! its namespace on stdin. Pointers and lengths are guest memory; negative results are errors
//! (see `Status`). A native build (the kit's own unit tests) has no host: it gets an in-process
//! store with the same semantics instead, so `Cache` can be tested without wws.
use crate::Error;

/// The host's "absent" and "nothing kept" results, and the length meaning "no value".
#[cfg(target_arch = "wasm32")]
const NOT_FOUND: i64 = -1;
#[cfg(target_arch = "wasm32")]
const NOTHING_TO_TAKE: i64 = -6;
#[cfg(target_arch = "wasm32")]
const NO_VALUE: u32 = 0xFFFF_FFFF;

/// Turns a negative host result into the kit's error.
pub fn error(code: i64, what: &str, key: &str) -> Error {
    let reason = match code {
        -2 => "the K/V store is unavailable",
        -3 => "a [data.kv] quota is exceeded",
        -4 => "the value is not a decimal 64-bit integer, or the result overflows",
        -5 => "invalid argument (a key over 4096 bytes, or a negative TTL)",
        _ => "unexpected error from the host",
    };
    Error::new(format!("K/V {} of {:?}: {} (code {})", what, key, reason, code))
}

#[cfg(target_arch = "wasm32")]
mod imports {
    #[link(wasm_import_module = "wws_kv")]
    extern "C" {
        pub fn get(key: *const u8, key_len: u32, buf: *mut u8, cap: u32) -> i64;
        pub fn take(buf: *mut u8, cap: u32) -> i64;
        pub fn set(key: *const u8, key_len: u32, val: *const u8, val_len: u32, ttl_ms: i64) -> i32;
        pub fn delete(key: *const u8, key_len: u32) -> i32;
        pub fn increment(key: *const u8, key_len: u32, delta: i64, ttl_ms: i64, out: *mut i64) -> i32;
        pub fn compare_and_swap(
            key: *const u8,
            key_len: u32,
            exp: *const u8,
            exp_len: u32,
            new: *const u8,
            new_len: u32,
            ttl_ms: i64,
        ) -> i32;
        pub fn expire(key: *const u8, key_len: u32, ttl_ms: i64) -> i32;
        pub fn list(
            prefix: *const u8,
            prefix_len: u32,
            after: *const u8,
            after_len: u32,
            limit: u32,
            buf: *mut u8,
            cap: u32,
        ) -> i64;
    }
}

#[cfg(target_arch = "wasm32")]
fn optional(v: Option<&[u8]>) -> (*const u8, u32) {
    match v {
        Some(v) => (v.as_ptr(), v.len() as u32),
        None => (std::ptr::null(), NO_VALUE),
    }
}

/// A value or key list the host returns: read into a small buffer first, the rest with take().
#[cfg(target_arch = "wasm32")]
fn collect(small: &mut Vec<u8>, n: i64) -> Result<Vec<u8>, i64> {
    if n < 0 {
        return Err(n);
    }
    let n = n as usize;
    if n <= small.len() {
        small.truncate(n);
        return Ok(std::mem::take(small));
    }
    let mut big = vec![0u8; n];
    let got = unsafe { imports::take(big.as_mut_ptr(), n as u32) };
    if got != n as i64 {
        return Err(if got < 0 { got } else { NOTHING_TO_TAKE });
    }
    Ok(big)
}

#[cfg(target_arch = "wasm32")]
const SMALL: usize = 1024;

/// The value of `key`, `None` if absent; `Err(code)` on a host error.
#[cfg(target_arch = "wasm32")]
pub fn get(key: &[u8]) -> Result<Option<Vec<u8>>, i64> {
    let mut small = vec![0u8; SMALL];
    let n = unsafe { imports::get(key.as_ptr(), key.len() as u32, small.as_mut_ptr(), SMALL as u32) };
    if n == NOT_FOUND {
        return Ok(None);
    }
    collect(&mut small, n).map(Some)
}

#[cfg(target_arch = "wasm32")]
pub fn set(key: &[u8], value: &[u8], ttl_ms: i64) -> i64 {
    unsafe { imports::set(key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32, ttl_ms) as i64 }
}

#[cfg(target_arch = "wasm32")]
pub fn delete(key: &[u8]) -> i64 {
    unsafe { imports::delete(key.as_ptr(), key.len() as u32) as i64 }
}

#[cfg(target_arch = "wasm32")]
pub fn increment(key: &[u8], delta: i64, ttl_ms: i64) -> Result<i64, i64> {
    let mut out: i64 = 0;
    let r = unsafe { imports::increment(key.as_ptr(), key.len() as u32, delta, ttl_ms, &mut out) };
    if r < 0 {
        Err(r as i64)
    } else {
        Ok(out)
    }
}

/// `Ok(true)` swapped; `expected`/`value` `None`: "must be absent" / "delete the key".
#[cfg(target_arch = "wasm32")]
pub fn compare_and_swap(key: &[u8], expected: Option<&[u8]>, value: Option<&[u8]>, ttl_ms: i64) -> Result<bool, i64> {
    let (ep, el) = optional(expected);
    let (vp, vl) = optional(value);
    let r = unsafe { imports::compare_and_swap(key.as_ptr(), key.len() as u32, ep, el, vp, vl, ttl_ms) };
    if r < 0 {
        Err(r as i64)
    } else {
        Ok(r == 1)
    }
}

#[cfg(target_arch = "wasm32")]
pub fn expire(key: &[u8], ttl_ms: i64) -> Result<bool, i64> {
    let r = unsafe { imports::expire(key.as_ptr(), key.len() as u32, ttl_ms) };
    if r < 0 {
        Err(r as i64)
    } else {
        Ok(r == 1)
    }
}

/// Up to `limit` keys starting with `prefix` that sort after `after`, in byte order.
#[cfg(target_arch = "wasm32")]
pub fn list(prefix: &[u8], after: &[u8], limit: u32) -> Result<Vec<Vec<u8>>, i64> {
    let mut small = vec![0u8; 16 * SMALL];
    let n = unsafe {
        imports::list(
            prefix.as_ptr(),
            prefix.len() as u32,
            after.as_ptr(),
            after.len() as u32,
            limit,
            small.as_mut_ptr(),
            small.len() as u32,
        )
    };
    let encoded = collect(&mut small, n)?;
    let mut keys = Vec::new();
    let mut rest = &encoded[..];
    while rest.len() >= 4 {
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        if rest.len() < 4 + len {
            break;
        }
        keys.push(rest[4..4 + len].to_vec());
        rest = &rest[4 + len..];
    }
    Ok(keys)
}

// --- Native builds: no host, an in-process store with the host's semantics (no TTL clock:
// a TTL is accepted and ignored). Only the kit's unit tests run this.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    thread_local! {
        pub static STORE: RefCell<BTreeMap<Vec<u8>, Vec<u8>>> = RefCell::new(BTreeMap::new());
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn get(key: &[u8]) -> Result<Option<Vec<u8>>, i64> {
    Ok(native::STORE.with(|s| s.borrow().get(key).cloned()))
}

#[cfg(not(target_arch = "wasm32"))]
pub fn set(key: &[u8], value: &[u8], ttl_ms: i64) -> i64 {
    if ttl_ms < 0 {
        return -5;
    }
    native::STORE.with(|s| s.borrow_mut().insert(key.to_vec(), value.to_vec()));
    0
}

#[cfg(not(target_arch = "wasm32"))]
pub fn delete(key: &[u8]) -> i64 {
    native::STORE.with(|s| s.borrow_mut().remove(key));
    0
}

#[cfg(not(target_arch = "wasm32"))]
pub fn increment(key: &[u8], delta: i64, _ttl_ms: i64) -> Result<i64, i64> {
    native::STORE.with(|s| {
        let mut s = s.borrow_mut();
        let old = match s.get(key) {
            Some(v) => std::str::from_utf8(v).ok().and_then(|v| v.parse::<i64>().ok()).ok_or(-4i64)?,
            None => 0,
        };
        let new = old.checked_add(delta).ok_or(-4i64)?;
        s.insert(key.to_vec(), new.to_string().into_bytes());
        Ok(new)
    })
}

#[cfg(not(target_arch = "wasm32"))]
pub fn compare_and_swap(key: &[u8], expected: Option<&[u8]>, value: Option<&[u8]>, _ttl_ms: i64) -> Result<bool, i64> {
    native::STORE.with(|s| {
        let mut s = s.borrow_mut();
        if s.get(key).map(|v| &v[..]) != expected {
            return Ok(false);
        }
        match value {
            Some(v) => s.insert(key.to_vec(), v.to_vec()),
            None => s.remove(key),
        };
        Ok(true)
    })
}

#[cfg(not(target_arch = "wasm32"))]
pub fn expire(key: &[u8], _ttl_ms: i64) -> Result<bool, i64> {
    Ok(native::STORE.with(|s| s.borrow().contains_key(key)))
}

#[cfg(not(target_arch = "wasm32"))]
pub fn list(prefix: &[u8], after: &[u8], limit: u32) -> Result<Vec<Vec<u8>>, i64> {
    Ok(native::STORE.with(|s| {
        s.borrow()
            .keys()
            .filter(|k| k.starts_with(prefix) && (after.is_empty() || &k[..] > after))
            .take(limit as usize)
            .cloned()
            .collect()
    }))
}
