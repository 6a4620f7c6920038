// js/fetch_native: `__wws_native.fetch`, the blocking outbound HTTP call the prelude's global
// fetch() is built on, with the running worker's [features.http_requests] permissions.
#pragma once
#include <chrono>

#include <v8.h>

#include "config/worker_config.h"

namespace wws::js {

// What the running request allows: the worker isolate points this at each request's values.
struct FetchTarget {
  const config::HttpRequestsFeature* permissions = nullptr;  // null: nothing is allowed
  std::chrono::steady_clock::time_point deadline;            // the worker's time limit
};

// Adds `fetch(method, url, headerPairs, bodyBytesOrNull)` to the natives template. It returns
// `{status, headers: [[name, value]...], body: Uint8Array, url, redirected}`
// (`url`: the final URI after redirects) or throws an Error whose message
// starts with a bracketed tag ("[Not allowed] ...", "[Timeout] ..."). It blocks the thread until
// the exchange ends, at the latest at the deadline. `target` must outlive the template's contexts.
void add_fetch_native(v8::Isolate* isolate, v8::Local<v8::ObjectTemplate> natives, FetchTarget* target);

}  // namespace wws::js
