// __wws_native: the C++ functions the JS prelude builds its Web APIs on (see prelude/README.md).
#pragma once
#include <v8.h>

#include <string>

#include "util/log_budget.h"

namespace wws::js {

// Where log lines go: the worker isolate keeps one and points it at the running worker.
struct LogTarget {
  std::string worker_name;
  util::LogBudget budget;  // reset at the start of each run
};

// An object template with log, randomFill, digest, utf8Encode, utf8Decode and structuredClone.
// `log_target` must outlive every context made from the template.
v8::Local<v8::ObjectTemplate> make_native_template(v8::Isolate* isolate, LogTarget* log_target);

}  // namespace wws::js
