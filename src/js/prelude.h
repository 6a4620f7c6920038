// The JS prelude: Web APIs implemented in JavaScript (src/js/prelude/*.js), embedded in the
// binary at build time and evaluated, in file-name order, in every new worker context before
// the worker's own code.
#pragma once
#include <cstddef>

namespace wws::js {

struct PreludeFile {
  const char* name;
  const char* source;
};

extern const PreludeFile kPrelude[];
extern const size_t kPreludeCount;

}  // namespace wws::js
