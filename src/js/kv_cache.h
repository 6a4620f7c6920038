// The global `Cache` of a JS worker, on the worker's K/V namespace through the run's
// kv::RunView (kv/run_view.h: reads key by key, set/delete committed when the run succeeds,
// atomic operations at once; local to the run without a namespace):
//   Cache.get(key) -> string | null
//   Cache.set(key, value, {ttl})                 value must be a string; ttl in ms (0/absent: none)
//   Cache.delete(key)
//   Cache.increment(key, by = 1, {ttl}) -> number (a BigInt when `by` is one or the result is
//                                         beyond Number.MAX_SAFE_INTEGER); ttl for a new key
//   Cache.compareAndSwap(key, expected, value, {ttl}) -> boolean
//                                         expected null: must be absent; value null: delete
//   Cache.expire(key, ttl) -> boolean     false when the key is absent; ttl 0 removes the expiry
//   Cache.list({prefix, after, limit}) -> [key, ...]   sorted; limit defaults to 1000
// A K/V failure throws (TypeError for bad arguments, RangeError for quotas and non-numbers,
// Error otherwise); an unavailable store also makes the request answer 503 whatever it returns.
#pragma once
#include <v8.h>

#include "kv/run_view.h"

namespace wws::js {

// Where the Cache functions find the current run's view; set before every run.
struct KvSlot {
  kv::RunView* view = nullptr;
};

// The template of the `Cache` object bound to `slot`, which must outlive every context made from it.
v8::Local<v8::ObjectTemplate> make_cache_template(v8::Isolate* isolate, KvSlot* slot);

}  // namespace wws::js
