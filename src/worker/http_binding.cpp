#include "worker/http_binding.h"

#include "util/blocking.h"

#include <array>
#include <string>

#include "http/client.h"
#include "wasi/context.h"
#include "wasi/host.h"
#include "worker/host_state.h"

namespace wws::worker {
namespace {

using http::OutboundError;
using http::OutboundRequest;
using http::OutboundResponse;
using wasi::ValType;

// http-method enum of the WIT, in order.
constexpr std::array<std::string_view, 7> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"};

// Copies bytes into freshly allocated guest memory; returns the guest pointer or nullopt.
std::optional<uint32_t> guest_copy(wasi::CallFrame& f, std::string_view bytes, uint32_t align = 1) {
  if (!f.guest) return std::nullopt;
  uint32_t ptr = 0;
  uint32_t args[] = {0, 0, align, static_cast<uint32_t>(bytes.size())};
  if (!f.guest->call_i32("canonical_abi_realloc", args, &ptr)) return std::nullopt;
  f.memory = f.guest->memory();
  if (!f.memory.store_bytes(ptr, bytes.data(), bytes.size())) return std::nullopt;
  return ptr;
}

// Reads a list<tuple<string,string>> (16-byte elements: ptr, len, ptr, len).
bool read_pairs(const wasi::GuestMemory& m, uint32_t ptr, uint32_t len,
                std::vector<std::pair<std::string, std::string>>& out) {
  if (len > 100000) return false;
  for (uint32_t i = 0; i < len; ++i) {
    uint32_t kp, kl, vp, vl;
    uint64_t at = uint64_t(ptr) + uint64_t(i) * 16;
    if (!m.load_u32(at, kp) || !m.load_u32(at + 4, kl) || !m.load_u32(at + 8, vp) || !m.load_u32(at + 12, vl))
      return false;
    std::string_view k, v;
    if (!m.string(kp, kl, k) || !m.string(vp, vl, v)) return false;
    out.emplace_back(std::string(k), std::string(v));
  }
  return true;
}

bool write_error(wasi::CallFrame& f, uint32_t ret, OutboundError error, std::string_view message) {
  auto msg = guest_copy(f, message);
  if (!msg) return false;
  return f.memory.store_u8(ret, 1) && f.memory.store_u8(ret + 4, static_cast<uint8_t>(error)) &&
         f.memory.store_u32(ret + 8, *msg) && f.memory.store_u32(ret + 12, static_cast<uint32_t>(message.size()));
}

bool write_response(wasi::CallFrame& f, uint32_t ret, const OutboundResponse& r) {
  auto body = guest_copy(f, r.body);
  if (!body) return false;
  // The header list: strings first, then the 16-byte element array pointing at them.
  std::string elements(r.headers.size() * 16, '\0');
  for (size_t i = 0; i < r.headers.size(); ++i) {
    auto k = guest_copy(f, r.headers[i].first);
    auto v = guest_copy(f, r.headers[i].second);
    if (!k || !v) return false;
    uint32_t fields[4] = {*k, static_cast<uint32_t>(r.headers[i].first.size()), *v,
                          static_cast<uint32_t>(r.headers[i].second.size())};
    std::memcpy(elements.data() + i * 16, fields, 16);
  }
  auto list = guest_copy(f, elements, 4);
  if (!list) return false;
  return f.memory.store_u8(ret, 0) && f.memory.store_u8(ret + 4, 1) && f.memory.store_u32(ret + 8, *body) &&
         f.memory.store_u32(ret + 12, static_cast<uint32_t>(r.body.size())) && f.memory.store_u32(ret + 16, *list) &&
         f.memory.store_u32(ret + 20, static_cast<uint32_t>(r.headers.size())) &&
         f.memory.store_u16(ret + 24, r.status);
}

uint64_t send_http_request(wasi::CallFrame& f, const uint64_t* a) {
  uint32_t body_is_some = a[0], body_ptr = a[1], body_len = a[2], headers_ptr = a[3], headers_len = a[4];
  uint32_t method = a[5], uri_ptr = a[8], uri_len = a[9], ret = a[10];
  auto* host = static_cast<const HostState*>(f.ctx.host_data());
  const HttpBindingState* state = host ? &host->http : nullptr;
  auto fatal = [&](const std::string& why) {
    f.ctx.request_trap("http.send-http-request: " + why);
    return uint64_t{0};
  };
  if (!f.memory.range(ret, 28)) return fatal("the return area is outside guest memory");

  OutboundRequest req;
  std::string_view uri, body;
  if (!f.memory.string(uri_ptr, uri_len, uri)) return fatal("the URI is outside guest memory");
  if (body_is_some && !f.memory.string(body_ptr, body_len, body)) return fatal("the body is outside guest memory");
  if (!read_pairs(f.memory, headers_ptr, headers_len, req.headers))
    return fatal("the headers are outside guest memory");
  req.uri = uri;
  req.body = body;
  req.method = method < kMethods.size() ? kMethods[method] : "GET";

  OutboundResponse response;
  if (!state || !state->permissions) {
    response.error = OutboundError::NotAllowed;
    response.message = "outbound HTTP is not configured for this worker";
  } else if (!util::begin_blocking_wait()) {
    return fatal("waits are not allowed on an I/O thread; the request is redone on the run pool");
  } else {
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(state->deadline - std::chrono::steady_clock::now());
    response = http::send_outbound(*state->permissions, req, std::max(remaining, std::chrono::milliseconds(1)));
  }
  bool written = response.ok ? write_response(f, ret, response) : write_error(f, ret, response.error, response.message);
  if (!written && !f.ctx.unwinding())
    return fatal("could not return the result: the guest must export memory and canonical_abi_realloc");
  return 0;
}

const wasi::HostFunction kHttpFunctions[] = {
    {"http", "send-http-request", std::vector<ValType>(11, ValType::I32), {}, &send_http_request},
};

}  // namespace

void register_http_binding() { wasi::register_host_functions(kHttpFunctions); }

}  // namespace wws::worker
