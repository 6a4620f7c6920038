// kv/status.h: what a K/V call reports. Backends can fail (a lost Redis connection, a full disk,
// a locked database file) and some failures are the caller's (a quota, a compare-and-swap that
// lost): every call returns a Status instead of throwing, so the worker layer can turn each kind
// into the right HTTP answer.
#pragma once
#include <string>
#include <string_view>
#include <utility>

namespace wws::kv {

enum class Code {
  Ok,
  Unavailable,  // the backend cannot be reached or failed; retrying later may work (HTTP 503)
  Quota,        // the change would exceed a namespace limit (HTTP 507)
  Conflict,     // a compare-and-swap found another value, or the namespace version moved (HTTP 409)
  NotANumber,   // increment of a value that is not a 64-bit decimal integer, or an overflow
  Invalid,      // a bad argument: empty or oversized key, oversized value, negative TTL
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok() { return {}; }

  bool is_ok() const { return code_ == Code::Ok; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::Ok;
  std::string message_;
};

inline Status unavailable(std::string message) { return {Code::Unavailable, std::move(message)}; }
inline Status invalid(std::string message) { return {Code::Invalid, std::move(message)}; }

std::string_view code_name(Code code);

}  // namespace wws::kv
