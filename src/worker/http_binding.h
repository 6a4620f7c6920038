// The `http` import of the original wws kits (reference §1.5): `send-http-request`, in the
// wit-bindgen 0.2 canonical ABI the Rust and Go kits were built with. Results are written
// into guest memory allocated through the guest's `canonical_abi_realloc`.
#pragma once
#include <chrono>

#include "config/worker_config.h"

namespace wws::worker {

// Per-request state the binding reads through WasiContext::host_data() (a HostState, host_state.h).
struct HttpBindingState {
  const config::HttpRequestsFeature* permissions = nullptr;
  std::chrono::steady_clock::time_point deadline;
};

// Adds the `http` module to the host functions engines can link. Idempotent.
void register_http_binding();

}  // namespace wws::worker
