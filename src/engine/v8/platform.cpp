#include "engine/v8/platform.h"

#include <cstdlib>
#include <memory>
#include <mutex>

namespace wws::engine::v8e {

v8::Platform& platform() {
  static std::once_flag once;
  // Never destroyed: modules or isolates that static objects still hold at exit (a test's cache
  // of compiled modules, say) would otherwise be freed after V8's platform, and crash.
  static v8::Platform* instance = nullptr;
  std::call_once(once, [] {
    // No trap handler: it would reserve 10 GiB per instance (engines.md). Explicit bounds checks
    // cost 2-3% and let each instance reserve only up to its capped maximum.
    instance = v8::platform::NewDefaultPlatform(0, v8::platform::IdleTaskSupport::kDisabled,
                                                v8::platform::InProcessStackDumping::kDisabled)
                   .release();
    // Each request leaves a dead instance (and its exports) behind. V8's default heap sizing lets
    // ~100 MB of them pile up before the first full GC, whose pause then dominates p99 and RSS.
    // A small young generation and initial old space keep collections small and frequent
    // (bench: p99 94 -> 8 ms and RSS 196 -> 66 MB for the hello worker on 2 threads).
    v8::V8::SetFlagsFromString("--initial-old-space-size=4 --max-semi-space-size=1");
    // Operators' and diagnosis flags come last so they win, e.g. WWS_V8_FLAGS="--trace-gc".
    if (const char* flags = std::getenv("WWS_V8_FLAGS")) v8::V8::SetFlagsFromString(flags);
    v8::V8::InitializePlatform(instance);
    v8::V8::Initialize();
  });
  return *instance;
}

}  // namespace wws::engine::v8e
