// kv/batch.cpp: the meaning of each K/V operation, for the backends that evaluate batches in C++.
#include "kv/batch.h"

#include <chrono>
#include <fmt/format.h>
#include <limits>
#include <map>

namespace wws::kv {
namespace {

std::string quoted(std::string_view key) {
  constexpr size_t kShown = 64;
  std::string out = "\"";
  for (unsigned char c : key.substr(0, kShown)) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out.push_back(static_cast<char>(c));
    else out += fmt::format("\\x{:02x}", c);
  }
  if (key.size() > kShown) out += "...";
  return out + "\"";
}

bool checked_add(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

}  // namespace

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string list_start(std::string_view prefix, std::string_view after) {
  return after.empty() || after < prefix ? std::string(prefix) : std::string(after) + '\0';
}

std::optional<std::string> prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::optional<int64_t> parse_integer(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    if (magnitude > (std::numeric_limits<uint64_t>::max() - 9) / 10) return std::nullopt;
    magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (magnitude > kMax + (negative ? 1 : 0)) return std::nullopt;
  if (negative) return magnitude == kMax + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

Status validate(const Op& op, const Limits& limits) {
  if (op.key.size() > kMaxKeyBytes)
    return invalid(
        fmt::format("key {} is {} bytes; keys are at most {} bytes", quoted(op.key), op.key.size(), kMaxKeyBytes));
  if (op.ttl_ms < 0)
    return invalid(fmt::format("key {}: the TTL must not be negative (got {} ms)", quoted(op.key), op.ttl_ms));
  if (op.value && op.value->size() > limits.max_value_bytes)
    return {Code::Quota, fmt::format("the value of key {} is {} bytes, over the namespace's max_value_bytes = {}",
                                     quoted(op.key), op.value->size(), limits.max_value_bytes)};
  return Status::ok();
}

namespace {

// A key the batch touches: its entry before the batch, and as the batch has left it so far.
struct KeyState {
  std::optional<Entry> before;
  std::optional<Entry> now;
};
using Touched = std::map<std::string, KeyState, std::less<>>;

int64_t expiry(int64_t ttl_ms, int64_t now) { return ttl_ms > 0 ? now + ttl_ms : 0; }

Status increment(const Op& op, std::optional<Entry>& entry, int64_t now, OpResult& result) {
  int64_t current = 0;
  if (entry) {
    auto parsed = parse_integer(entry->value);
    if (!parsed)
      return {Code::NotANumber,
              fmt::format("cannot increment key {}: its value is not a decimal integer", quoted(op.key))};
    current = *parsed;
  }
  int64_t next = 0;
  if (!checked_add(current, op.delta, &next))
    return {Code::NotANumber,
            fmt::format("incrementing key {} by {} overflows a 64-bit integer", quoted(op.key), op.delta)};
  int64_t expires = entry ? entry->expires_at_ms : expiry(op.ttl_ms, now);
  entry = Entry{std::to_string(next), expires};
  result.number = next;
  return Status::ok();
}

Status compare_and_swap(const Op& op, std::optional<Entry>& entry, int64_t now) {
  bool matches = op.expected ? (entry && entry->value == *op.expected) : !entry;
  if (!matches)
    return {Code::Conflict,
            fmt::format("key {} no longer has the value the compare-and-swap expected", quoted(op.key))};
  if (op.value) entry = Entry{*op.value, expiry(op.ttl_ms, now)};
  else entry.reset();
  return Status::ok();
}

// One operation on its key's entry as the batch has left it so far.
Status apply_op(const Op& op, std::optional<Entry>& entry, int64_t now, OpResult& result) {
  switch (op.kind) {
    case OpKind::Set: entry = Entry{op.value.value_or(std::string()), expiry(op.ttl_ms, now)}; break;
    case OpKind::Delete: entry.reset(); break;
    case OpKind::Increment: return increment(op, entry, now, result);
    case OpKind::CompareAndSwap: return compare_and_swap(op, entry, now);
    case OpKind::Expire:
      if (entry) entry->expires_at_ms = expiry(op.ttl_ms, now);
      else result.applied = false;
      break;
  }
  return Status::ok();
}

// The writes of the touched keys that changed, and the namespace's stats after them, which
// must stay within its quotas.
Status plan_writes(Touched& touched, const Limits& limits, const NamespaceStats& stats, Plan* out) {
  out->writes.clear();
  int64_t key_delta = 0, byte_delta = 0;
  for (auto& [key, st] : touched) {
    const auto& b = st.before;
    const auto& a = st.now;
    if (!b && !a) continue;
    if (b && a && b->value == a->value && b->expires_at_ms == a->expires_at_ms) continue;
    if (b) byte_delta -= static_cast<int64_t>(key.size() + b->value.size()), --key_delta;
    if (a) byte_delta += static_cast<int64_t>(key.size() + a->value.size()), ++key_delta;
    out->writes.push_back(Write{key, std::move(st.now), b.has_value()});
  }
  out->stats_after.keys = static_cast<uint64_t>(static_cast<int64_t>(stats.keys) + key_delta);
  out->stats_after.bytes = static_cast<uint64_t>(static_cast<int64_t>(stats.bytes) + byte_delta);
  if (key_delta > 0 && out->stats_after.keys > limits.max_keys)
    return {Code::Quota, fmt::format("the namespace would hold {} keys, over its max_keys = {}", out->stats_after.keys,
                                     limits.max_keys)};
  if (byte_delta > 0 && out->stats_after.bytes > limits.max_namespace_bytes)
    return {Code::Quota, fmt::format("the namespace would hold {} bytes, over its max_namespace_bytes = {}",
                                     out->stats_after.bytes, limits.max_namespace_bytes)};
  return Status::ok();
}

}  // namespace

Status plan_batch(const Batch& batch, const Limits& limits, const NamespaceStats& stats, int64_t now,
                  const Lookup& lookup, Plan* out) {
  Touched touched;
  out->results.clear();
  out->results.reserve(batch.ops.size());

  auto state_of = [&](const std::string& key, KeyState** state) -> Status {
    auto it = touched.find(key);
    if (it == touched.end()) {
      std::optional<Entry> entry;
      if (Status s = lookup(key, &entry); !s) return s;
      it = touched.emplace(key, KeyState{entry, entry}).first;
    }
    *state = &it->second;
    return Status::ok();
  };

  for (const Op& op : batch.ops) {
    if (Status s = validate(op, limits); !s) return s;
    KeyState* st = nullptr;
    if (Status s = state_of(op.key, &st); !s) return s;
    OpResult result;
    if (Status s = apply_op(op, st->now, now, result); !s) return s;
    out->results.push_back(result);
  }
  return plan_writes(touched, limits, stats, out);
}

std::string_view code_name(Code code) {
  switch (code) {
    case Code::Ok: return "ok";
    case Code::Unavailable: return "unavailable";
    case Code::Quota: return "quota exceeded";
    case Code::Conflict: return "conflict";
    case Code::NotANumber: return "not a number";
    case Code::Invalid: return "invalid";
  }
  return "unknown";
}

}  // namespace wws::kv
