// The per-run state of wws's own host functions (the `http` and `wws_kv` imports), which they
// reach through WasiContext::host_data().
#pragma once
#include "worker/http_binding.h"
#include "worker/kv_binding.h"

namespace wws::worker {

struct HostState {
  HttpBindingState http;
  KvBindingState kv;
};

}  // namespace wws::worker
