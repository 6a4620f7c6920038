// Which prelude worker contexts evaluate: the embedded one, or a test's replacement.
#include <atomic>

#include "js/prelude.h"

namespace wws::js {
namespace {
std::atomic<const PreludeFile*> replacement_files{nullptr};
std::atomic<size_t> replacement_count{0};
}  // namespace

PreludeFiles active_prelude() {
  if (const PreludeFile* files = replacement_files.load()) return {files, replacement_count.load()};
  return {kPrelude, kPreludeCount};
}

void replace_prelude_for_testing(const PreludeFile* files, size_t count) {
  replacement_count = count;
  replacement_files = files;
}

}  // namespace wws::js
