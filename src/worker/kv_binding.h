// The `wws_kv` import: key-by-key K/V for wasm workers, so a worker touching one key pays for
// one key, whatever the size of its namespace. A module that imports any of these functions is
// not sent its namespace on stdin ("kv" is {}). The ABI, for kit authors (kits/c/wws.h uses it):
//
//   Pointers and lengths are i32 into the guest's memory, which the guest owns: the host only
//   reads the buffers it is given and writes into buffers the guest passed. A pointer range
//   outside the memory stops the guest (a trap). A length of 0xFFFFFFFF means "no value".
//
//   get(key_ptr, key_len, buf_ptr, buf_cap) -> i64
//       >= 0: the value's length; the value is in buf if it fits (length <= buf_cap), else the
//       host keeps it for take(). NOT_FOUND if absent.
//   take(buf_ptr, buf_cap) -> i64
//       copies the value or key list kept by the last get/list that did not fit; its length.
//       NOTHING_TO_TAKE if none is kept or buf_cap is too small (it stays kept).
//   set(key_ptr, key_len, val_ptr, val_len, ttl_ms: i64) -> i32            0 (ttl_ms 0: no expiry)
//   delete(key_ptr, key_len) -> i32                                          0, also if absent
//   increment(key_ptr, key_len, delta: i64, ttl_ms: i64, out_ptr) -> i32
//       0, and the new value as an i64 (little-endian) at out_ptr. An absent key counts as 0 and
//       gets ttl_ms (0: none); an existing key keeps its expiry.
//   compare_and_swap(key_ptr, key_len, exp_ptr, exp_len, new_ptr, new_len, ttl_ms: i64) -> i32
//       1 swapped, 0 the value was not the expected one. exp_len 0xFFFFFFFF: "must be absent";
//       new_len 0xFFFFFFFF: delete the key.
//   expire(key_ptr, key_len, ttl_ms: i64) -> i32      1 done, 0 no such key (ttl_ms 0: never expires)
//   list(prefix_ptr, prefix_len, after_ptr, after_len, limit: i32, buf_ptr, buf_cap) -> i64
//       up to `limit` keys that start with the prefix and sort (bytewise) after `after` (after_len
//       0: from the first), encoded as [u32 little-endian length][bytes] each; returns the encoded
//       length (kept for take() if it does not fit). Fewer than `limit` keys: there are no more.
//
//   Errors are negative: -1 NOT_FOUND, -2 UNAVAILABLE (the store cannot be reached; the server
//   answers 503 whatever the worker writes), -3 QUOTA (a [data.kv] limit), -4 NOT_A_NUMBER
//   (increment of a value that is not a decimal int64, or overflow), -5 INVALID (key over 4096
//   bytes, negative TTL), -6 NOTHING_TO_TAKE.
//
// set and delete apply when the run succeeds, in one transaction with everything else it wrote
// (a failed run writes nothing); increment, compare_and_swap and expire apply at once.
#pragma once
#include <string>

#include "kv/run_view.h"

namespace wws::worker {

inline constexpr std::string_view kKvImportModule = "wws_kv";

struct KvBindingState {
  kv::RunView* view = nullptr;  // null: the binding is not available in this run
  std::string kept;             // what take() hands out
  bool has_kept = false;
};

// Adds the `wws_kv` module to the host functions engines can link. Idempotent.
void register_kv_binding();

}  // namespace wws::worker
