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

// The prelude new contexts evaluate: kPrelude unless a test replaced it (before any Runtime ran;
// isolates compile it once, so later replacements reach only isolates created afterwards).
struct PreludeFiles {
  const PreludeFile* files;
  size_t count;
};
PreludeFiles active_prelude();
void replace_prelude_for_testing(const PreludeFile* files, size_t count);

}  // namespace wws::js
