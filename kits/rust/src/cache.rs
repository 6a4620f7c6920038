//! The worker's K/V namespace, key by key through wws's `wws_kv` host functions.
//!
//! `Cache` keeps the map-like API of the original kit's `Cache` (a `HashMap<String, String>`):
//! `get`, `insert`, `remove`, `contains_key`, `iter`, `keys`, `len`. Each key is read from the
//! host the first time the run asks for it and remembered for the rest of the run, so a worker
//! that touches one key pays for one key, however big the namespace. `iter`, `keys` and `len`
//! list the whole namespace (they pay for every key). Beyond the original: atomic `increment`,
//! `compare_and_swap`, TTLs (`insert_with_ttl`, `expire`) and `list` by prefix.
//!
//! Writes (`insert`, `remove`, `set`, `delete`) are held by the host until the run succeeds
//! and then stored in one transaction; a handler error or a panic stores none of them. The
//! atomic operations are decided by the store at once and stay even if the run fails later.
//!
//! A handler declared with `cache: &mut HashMap<String, String>` instead of `&mut Cache` still
//! works: it gets the whole namespace, read through the same host functions, and its changes
//! are written back key by key when it returns.
use crate::{host_kv, Error};
use std::cell::{Cell, UnsafeCell};
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// A key as the run last saw it: its value, or `None` if absent.
type Entry = (String, Option<String>);

/// The K/V namespace configured in the worker's `[data.kv]`.
pub struct Cache {
    // Entries are boxed and only added while `&self` references to them may live (a `get`),
    // never changed or removed then: a `&String` handed out stays valid until the next `&mut`
    // call. Raw pointers, so moving them when the map grows asserts nothing about them.
    known: UnsafeCell<HashMap<String, *mut Entry>>,
    // The first failure of an infallible-looking call (`insert`, `get` ...); the run then
    // fails with it, so a write the store refused is never answered as a success.
    failure: UnsafeCell<Option<Error>>,
    failed: Cell<bool>,
}

fn millis(ttl: Duration) -> i64 {
    let ms = ttl.as_millis();
    if ms == 0 && ttl > Duration::ZERO {
        1
    } else {
        ms.min(i64::MAX as u128) as i64
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

impl Cache {
    /// The run's view of its namespace. Nothing is read until a key is asked for.
    pub fn new() -> Self {
        Cache { known: UnsafeCell::new(HashMap::new()), failure: UnsafeCell::new(None), failed: Cell::new(false) }
    }

    fn note(&self, e: Error) {
        if !self.failed.get() {
            // Only reached once; no reference into `failure` is ever handed out.
            unsafe { *self.failure.get() = Some(e) };
            self.failed.set(true);
        }
    }

    /// The first error a call that cannot return one met (see `take_failure`).
    pub fn failure(&self) -> Option<&Error> {
        unsafe { (*self.failure.get()).as_ref() }
    }

    #[doc(hidden)]
    pub fn take_failure(&mut self) -> Option<Error> {
        self.failed.set(false);
        self.failure.get_mut().take()
    }

    /// The entry for `key`, read from the host the first time.
    fn entry(&self, key: &str) -> &Entry {
        // Safety: see `known`. No `&mut` to the map exists while `&self` calls run, and entries
        // are only inserted here, never replaced.
        let known = unsafe { &mut *self.known.get() };
        if let Some(&ptr) = known.get(key) {
            return unsafe { &*ptr };
        }
        let value = match host_kv::get(key.as_bytes()) {
            Ok(v) => v.map(text),
            Err(code) => {
                self.note(host_kv::error(code, "get", key));
                None
            }
        };
        let ptr = Box::into_raw(Box::new((key.to_string(), value)));
        known.insert(key.to_string(), ptr);
        unsafe { &*ptr }
    }

    /// Records what the run now knows `key` holds (after a write of its own).
    fn remember(&mut self, key: &str, value: Option<String>) {
        let known = self.known.get_mut();
        match known.get(key) {
            Some(&ptr) => unsafe { (*ptr).1 = value },
            None => {
                known.insert(key.to_string(), Box::into_raw(Box::new((key.to_string(), value))));
            }
        }
    }

    fn forget(&mut self, key: &str) {
        if let Some(ptr) = self.known.get_mut().remove(key) {
            drop(unsafe { Box::from_raw(ptr) });
        }
    }

    /// The value of `key` (one host call the first time, none after).
    pub fn get<K: AsRef<str> + ?Sized>(&self, key: &K) -> Option<&String> {
        self.entry(key.as_ref()).1.as_ref()
    }

    pub fn contains_key<K: AsRef<str> + ?Sized>(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, returning its previous value like `HashMap::insert` (which costs a read when
    /// the run has not seen the key yet; `set` does not read).
    pub fn insert<K: Into<String>, V: Into<String>>(&mut self, key: K, value: V) -> Option<String> {
        let key = key.into();
        let old = self.get(&key).cloned();
        if let Err(e) = self.set(&key, value) {
            self.note(e);
        }
        old
    }

    /// Removes `key`, returning its previous value like `HashMap::remove` (`delete` does not read).
    pub fn remove<K: AsRef<str> + ?Sized>(&mut self, key: &K) -> Option<String> {
        let key = key.as_ref();
        let old = self.get(key).cloned();
        if let Err(e) = self.delete(key) {
            self.note(e);
        }
        old
    }

    /// Sets `key` to `value` (stored when the run succeeds).
    pub fn set<V: Into<String>>(&mut self, key: &str, value: V) -> Result<(), Error> {
        self.set_ttl_ms(key, value.into(), 0)
    }

    /// Sets `key` to `value`, expiring after `ttl` (stored when the run succeeds).
    pub fn insert_with_ttl<V: Into<String>>(&mut self, key: &str, value: V, ttl: Duration) -> Result<(), Error> {
        self.set_ttl_ms(key, value.into(), millis(ttl).max(1))
    }

    fn set_ttl_ms(&mut self, key: &str, value: String, ttl_ms: i64) -> Result<(), Error> {
        let r = host_kv::set(key.as_bytes(), value.as_bytes(), ttl_ms);
        if r < 0 {
            return Err(host_kv::error(r, "set", key));
        }
        self.remember(key, Some(value));
        Ok(())
    }

    /// Deletes `key` (when the run succeeds); deleting an absent key is not an error.
    pub fn delete(&mut self, key: &str) -> Result<(), Error> {
        let r = host_kv::delete(key.as_bytes());
        if r < 0 {
            return Err(host_kv::error(r, "delete", key));
        }
        self.remember(key, None);
        Ok(())
    }

    /// Adds `delta` to the decimal integer in `key` atomically (an absent key counts as 0) and
    /// returns the new value. Decided by the store at once: 16 workers incrementing one key
    /// 10,000 times in all leave exactly 10,000.
    pub fn increment(&mut self, key: &str, delta: i64) -> Result<i64, Error> {
        self.increment_ttl_ms(key, delta, 0)
    }

    /// `increment`; a key it creates expires after `ttl` (an existing key keeps its expiry).
    pub fn increment_with_ttl(&mut self, key: &str, delta: i64, ttl: Duration) -> Result<i64, Error> {
        self.increment_ttl_ms(key, delta, millis(ttl).max(1))
    }

    fn increment_ttl_ms(&mut self, key: &str, delta: i64, ttl_ms: i64) -> Result<i64, Error> {
        let n = host_kv::increment(key.as_bytes(), delta, ttl_ms).map_err(|c| host_kv::error(c, "increment", key))?;
        self.remember(key, Some(n.to_string()));
        Ok(n)
    }

    /// Sets `key` to `value` only if it now holds `expected`, atomically; `expected: None`
    /// means "only if absent", `value: None` deletes the key. `Ok(true)` if it swapped.
    pub fn compare_and_swap(&mut self, key: &str, expected: Option<&str>, value: Option<&str>) -> Result<bool, Error> {
        self.cas(key, expected, value, 0)
    }

    /// `compare_and_swap` whose new value expires after `ttl`.
    pub fn compare_and_swap_with_ttl(
        &mut self,
        key: &str,
        expected: Option<&str>,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, Error> {
        self.cas(key, expected, Some(value), millis(ttl).max(1))
    }

    fn cas(&mut self, key: &str, expected: Option<&str>, value: Option<&str>, ttl_ms: i64) -> Result<bool, Error> {
        let swapped = host_kv::compare_and_swap(
            key.as_bytes(),
            expected.map(str::as_bytes),
            value.map(str::as_bytes),
            ttl_ms,
        )
        .map_err(|c| host_kv::error(c, "compare_and_swap", key))?;
        if swapped {
            self.remember(key, value.map(str::to_string));
        } else {
            self.forget(key); // someone else changed it: read it again if asked
        }
        Ok(swapped)
    }

    /// Makes an existing `key` expire after `ttl` (`Duration::ZERO`: never). `Ok(false)`: no such key.
    pub fn expire(&mut self, key: &str, ttl: Duration) -> Result<bool, Error> {
        host_kv::expire(key.as_bytes(), millis(ttl)).map_err(|c| host_kv::error(c, "expire", key))
    }

    /// The keys that start with `prefix`, in byte order (the host lists them 1,000 at a time).
    /// Writes this run still holds are included.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        loop {
            let after = keys.last().cloned().unwrap_or_default();
            let page = host_kv::list(prefix.as_bytes(), &after, 1000).map_err(|c| host_kv::error(c, "list", prefix))?;
            let done = page.len() < 1000;
            keys.extend(page);
            if done {
                break;
            }
        }
        Ok(keys.into_iter().map(text).collect())
    }

    fn all(&self) -> Vec<&Entry> {
        let keys = self.list("").unwrap_or_else(|e| {
            self.note(e);
            Vec::new()
        });
        keys.iter().map(|k| self.entry(k)).filter(|e| e.1.is_some()).collect()
    }

    /// Every key and value, in key order. Reads the whole namespace.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.all().into_iter().filter_map(|e| e.1.as_ref().map(|v| (&e.0, v)))
    }

    /// Every key, in order. Lists the whole namespace.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.iter().map(|(k, _)| k)
    }

    /// How many keys the namespace holds. Lists the whole namespace.
    pub fn len(&self) -> usize {
        self.list("").map(|k| k.len()).unwrap_or_else(|e| {
            self.note(e);
            0
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole namespace as a map (what the original kit's `Cache` was).
    pub fn to_map(&self) -> HashMap<String, String> {
        self.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        for (_, ptr) in self.known.get_mut().drain() {
            drop(unsafe { Box::from_raw(ptr) });
        }
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache").field("keys_seen", &unsafe { &*self.known.get() }.len()).finish()
    }
}

/// What `#[worker(cache)]` can hand a handler: `&mut Cache` (key by key) or, as handlers written
/// for the original kit may declare it, `&mut HashMap<String, String>` (the whole namespace).
#[doc(hidden)]
pub trait CacheArg: Sized {
    type State;
    fn open() -> Result<Self::State, Error>;
    fn arg(state: &mut Self::State) -> &mut Self;
    /// After the handler succeeded: the writes it made that are not stored yet, or the first
    /// error it was not told about.
    fn finish(state: Self::State) -> Result<(), Error>;
}

impl CacheArg for Cache {
    type State = Cache;
    fn open() -> Result<Cache, Error> {
        Ok(Cache::new())
    }
    fn arg(state: &mut Cache) -> &mut Cache {
        state
    }
    fn finish(mut state: Cache) -> Result<(), Error> {
        match state.take_failure() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl CacheArg for HashMap<String, String> {
    type State = MapCache;
    fn open() -> Result<MapCache, Error> {
        MapCache::open()
    }
    fn arg(state: &mut MapCache) -> &mut HashMap<String, String> {
        &mut state.map
    }
    fn finish(state: MapCache) -> Result<(), Error> {
        state.finish()
    }
}

/// The whole namespace, and a copy to find what the handler changed.
#[doc(hidden)]
pub struct MapCache {
    pub map: HashMap<String, String>,
    before: HashMap<String, String>,
}

impl MapCache {
    pub fn open() -> Result<Self, Error> {
        let cache = Cache::new();
        let map = cache.to_map();
        if let Some(e) = cache.failure() {
            return Err(e.clone());
        }
        Ok(MapCache { before: map.clone(), map })
    }

    pub fn finish(self) -> Result<(), Error> {
        let mut cache = Cache::new();
        for (k, v) in &self.map {
            if self.before.get(k) != Some(v) {
                cache.set(k, v.clone())?;
            }
        }
        for k in self.before.keys() {
            if !self.map.contains_key(k) {
                cache.delete(k)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset() {
        for k in Cache::new().list("").unwrap() {
            host_kv::delete(k.as_bytes());
        }
    }

    #[test]
    fn map_like_calls_go_to_the_store() {
        reset();
        let mut c = Cache::new();
        assert_eq!(c.get("a"), None);
        assert_eq!(c.insert("a", "1"), None);
        assert_eq!(c.insert("a".to_string(), "2".to_string()), Some("1".to_string()));
        assert_eq!(c.get("a").map(String::as_str), Some("2"));
        assert_eq!(Cache::new().get("a").map(String::as_str), Some("2"), "a new view reads the store");
        c.insert("b", "x");
        let pairs: Vec<_> = c.iter().map(|(k, v)| format!("{}={}", k, v)).collect();
        assert_eq!(pairs, vec!["a=2", "b=x"]);
        assert_eq!(c.len(), 2);
        assert_eq!(c.remove("a"), Some("2".to_string()));
        assert!(!c.contains_key("a"));
        assert_eq!(Cache::new().keys().cloned().collect::<Vec<_>>(), vec!["b".to_string()]);
    }

    #[test]
    fn references_from_get_survive_later_reads() {
        reset();
        let mut c = Cache::new();
        c.set("first", "value").unwrap();
        let c2 = Cache::new();
        let first = c2.get("first").unwrap();
        for i in 0..200 {
            assert_eq!(c2.get(&format!("absent-{}", i)), None); // grows the map under `first`
        }
        assert_eq!(first, "value");
    }

    #[test]
    fn atomic_operations() {
        reset();
        let mut c = Cache::new();
        assert_eq!(c.increment("n", 5).unwrap(), 5);
        assert_eq!(c.increment("n", -2).unwrap(), 3);
        assert_eq!(c.get("n").map(String::as_str), Some("3"));
        c.set("s", "text").unwrap();
        assert!(c.increment("s", 1).unwrap_err().message().contains("not a decimal"));
        assert!(!c.compare_and_swap("n", Some("4"), Some("9")).unwrap());
        assert!(c.compare_and_swap("n", Some("3"), Some("9")).unwrap());
        assert_eq!(c.get("n").map(String::as_str), Some("9"));
        assert!(c.compare_and_swap("new", None, Some("v")).unwrap());
        assert!(!c.compare_and_swap("new", None, Some("w")).unwrap());
        assert!(c.compare_and_swap("new", Some("v"), None).unwrap());
        assert_eq!(c.get("new"), None);
        assert!(c.expire("n", Duration::from_secs(1)).unwrap());
        assert!(!c.expire("nothing", Duration::from_secs(1)).unwrap());
    }

    #[test]
    fn list_pages_through_more_than_a_thousand_keys() {
        reset();
        let mut c = Cache::new();
        for i in 0..2500 {
            c.set(&format!("k{:05}", i), "v").unwrap();
        }
        c.set("other", "v").unwrap();
        let keys = c.list("k").unwrap();
        assert_eq!(keys.len(), 2500);
        assert_eq!(keys[1000], "k01000");
    }

    #[test]
    fn map_handlers_write_back_only_their_changes() {
        reset();
        let mut c = Cache::new();
        c.set("keep", "1").unwrap();
        c.set("drop", "2").unwrap();
        let mut m = MapCache::open().unwrap();
        m.map.remove("drop");
        m.map.insert("new".to_string(), "3".to_string());
        m.finish().unwrap();
        assert_eq!(Cache::new().to_map().len(), 2);
        assert_eq!(Cache::new().get("new").map(String::as_str), Some("3"));
    }
}
