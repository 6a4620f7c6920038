#include "worker/kv_binding.h"

#include <cstring>

#include "wasi/context.h"
#include "wasi/host.h"
#include "worker/host_state.h"

namespace wws::worker {
namespace {

using wasi::ValType;

constexpr uint32_t kNoValue = 0xFFFFFFFF;
constexpr int64_t kNotFound = -1, kUnavailable = -2, kQuota = -3, kNotANumber = -4, kInvalid = -5, kNothingToTake = -6;

int64_t error_code(const kv::Status& s) {
  switch (s.code()) {
    case kv::Code::Ok: return 0;
    case kv::Code::Unavailable: return kUnavailable;
    case kv::Code::Quota: return kQuota;
    case kv::Code::NotANumber: return kNotANumber;
    case kv::Code::Conflict:  // only compare_and_swap can conflict, and it reports 0 instead
    case kv::Code::Invalid: return kInvalid;
  }
  return kInvalid;
}

uint64_t result(int64_t v) { return static_cast<uint64_t>(v); }

// Reads the guest's arguments, or stops the guest when a range is outside its memory.
struct Args {
  wasi::CallFrame& f;
  const uint64_t* a;
  const char* function;

  KvBindingState* state() const {
    auto* host = static_cast<HostState*>(f.ctx.host_data());
    return host && host->kv.view ? &host->kv : nullptr;
  }
  uint32_t u32(int i) const { return static_cast<uint32_t>(a[i]); }
  int64_t i64(int i) const { return static_cast<int64_t>(a[i]); }
  // The guest bytes at (a[i], a[i+1]); false after stopping the guest.
  bool bytes(int i, std::string_view* out, const char* what) const {
    if (f.memory.string(u32(i), u32(i + 1), *out)) return true;
    trap(std::string(what) + " is outside guest memory");
    return false;
  }
  // Like bytes(), but a length of 0xFFFFFFFF is "no value".
  bool optional_bytes(int i, std::optional<std::string>* out, const char* what) const {
    if (u32(i + 1) == kNoValue) return out->reset(), true;
    std::string_view v;
    if (!bytes(i, &v, what)) return false;
    *out = std::string(v);
    return true;
  }
  void trap(const std::string& why) const { f.ctx.request_trap(std::string("wws_kv.") + function + ": " + why); }
};

// Copies `data` into the guest buffer (a[i], a[i+1]) if it fits, else keeps it for take().
int64_t hand_over(const Args& args, KvBindingState& st, int i, std::string data) {
  const uint32_t ptr = args.u32(i), cap = args.u32(i + 1);
  if (data.size() <= cap) {
    if (!args.f.memory.store_bytes(ptr, data.data(), data.size())) {
      args.trap("the buffer is outside guest memory");
      return 0;
    }
    st.has_kept = false;
  } else {
    st.kept = std::move(data);
    st.has_kept = true;
    return static_cast<int64_t>(st.kept.size());
  }
  return static_cast<int64_t>(data.size());
}

// Every binding: no view means the runner gave none (cannot happen for a run wws makes, but a
// guest must never reach a null pointer).
#define WWS_KV_STATE(name)                         \
  Args args{f, a, name};                           \
  KvBindingState* st = args.state();               \
  if (!st) {                                       \
    args.trap("K/V is not available in this run"); \
    return 0;                                      \
  }

uint64_t kv_get(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("get");
  std::string_view key;
  if (!args.bytes(0, &key, "the key")) return 0;
  std::optional<std::string> value;
  if (kv::Status s = st->view->get(std::string(key), &value); !s) return result(error_code(s));
  if (!value) return result(kNotFound);
  return result(hand_over(args, *st, 2, std::move(*value)));
}

uint64_t kv_take(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("take");
  if (!st->has_kept || st->kept.size() > args.u32(1)) return result(kNothingToTake);
  if (!f.memory.store_bytes(args.u32(0), st->kept.data(), st->kept.size())) {
    args.trap("the buffer is outside guest memory");
    return 0;
  }
  st->has_kept = false;
  return result(static_cast<int64_t>(std::exchange(st->kept, {}).size()));
}

uint64_t kv_set(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("set");
  std::string_view key, value;
  if (!args.bytes(0, &key, "the key") || !args.bytes(2, &value, "the value")) return 0;
  return result(error_code(st->view->set(std::string(key), std::string(value), args.i64(4))));
}

uint64_t kv_delete(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("delete");
  std::string_view key;
  if (!args.bytes(0, &key, "the key")) return 0;
  return result(error_code(st->view->erase(std::string(key))));
}

uint64_t kv_increment(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("increment");
  std::string_view key;
  if (!args.bytes(0, &key, "the key")) return 0;
  if (!f.memory.range(args.u32(4), 8)) {
    args.trap("the result pointer is outside guest memory");
    return 0;
  }
  int64_t value = 0;
  if (kv::Status s = st->view->increment(std::string(key), args.i64(2), args.i64(3), &value); !s)
    return result(error_code(s));
  f.memory.store_u64(args.u32(4), static_cast<uint64_t>(value));
  return 0;
}

uint64_t kv_compare_and_swap(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("compare_and_swap");
  std::string_view key;
  std::optional<std::string> expected, value;
  if (!args.bytes(0, &key, "the key") || !args.optional_bytes(2, &expected, "the expected value") ||
      !args.optional_bytes(4, &value, "the new value"))
    return 0;
  bool swapped = false;
  if (kv::Status s =
          st->view->compare_and_swap(std::string(key), std::move(expected), std::move(value), args.i64(6), &swapped);
      !s)
    return result(error_code(s));
  return swapped ? 1 : 0;
}

uint64_t kv_expire(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("expire");
  std::string_view key;
  if (!args.bytes(0, &key, "the key")) return 0;
  bool existed = false;
  if (kv::Status s = st->view->expire(std::string(key), args.i64(2), &existed); !s) return result(error_code(s));
  return existed ? 1 : 0;
}

uint64_t kv_list(wasi::CallFrame& f, const uint64_t* a) {
  WWS_KV_STATE("list");
  std::string_view prefix, after;
  if (!args.bytes(0, &prefix, "the prefix") || !args.bytes(2, &after, "the start key")) return 0;
  std::vector<std::string> keys;
  if (kv::Status s = st->view->list(prefix, after, args.u32(4), &keys); !s) return result(error_code(s));
  std::string encoded;
  for (const auto& k : keys) {
    const uint32_t n = static_cast<uint32_t>(k.size());
    char len[4];
    std::memcpy(len, &n, 4);  // wasm is little-endian, like every host wws builds for
    encoded.append(len, 4).append(k);
  }
  return result(hand_over(args, *st, 5, std::move(encoded)));
}

#undef WWS_KV_STATE

const ValType I32 = ValType::I32, I64 = ValType::I64;
const wasi::HostFunction kKvFunctions[] = {
    {kKvImportModule, "get", {I32, I32, I32, I32}, {I64}, &kv_get},
    {kKvImportModule, "take", {I32, I32}, {I64}, &kv_take},
    {kKvImportModule, "set", {I32, I32, I32, I32, I64}, {I32}, &kv_set},
    {kKvImportModule, "delete", {I32, I32}, {I32}, &kv_delete},
    {kKvImportModule, "increment", {I32, I32, I64, I64, I32}, {I32}, &kv_increment},
    {kKvImportModule, "compare_and_swap", {I32, I32, I32, I32, I32, I32, I64}, {I32}, &kv_compare_and_swap},
    {kKvImportModule, "expire", {I32, I32, I64}, {I32}, &kv_expire},
    {kKvImportModule, "list", {I32, I32, I32, I32, I32, I32, I32}, {I64}, &kv_list},
};

}  // namespace

void register_kv_binding() { wasi::register_host_functions(kKvFunctions); }

}  // namespace wws::worker
