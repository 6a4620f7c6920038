//! The worker's K/V namespace.
use std::collections::HashMap;

/// The K/V namespace configured in the worker's `[data.kv]`, as a map the handler reads and
/// changes. wws stores only the keys the handler inserted, changed or removed, and nothing when
/// the handler fails.
pub type Cache = HashMap<String, String>;
