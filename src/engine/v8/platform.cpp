#include "engine/v8/platform.h"

#include <cstdlib>
#include <memory>
#include <mutex>

namespace wws::engine::v8e {

v8::Platform& platform() {
  static std::once_flag once;
  static std::unique_ptr<v8::Platform> instance;
  std::call_once(once, [] {
    // No trap handler: it would reserve 10 GiB per instance (engines.md). Explicit bounds checks
    // cost 2-3% and let each instance reserve only up to its capped maximum.
    instance = v8::platform::NewDefaultPlatform(
        0, v8::platform::IdleTaskSupport::kDisabled, v8::platform::InProcessStackDumping::kDisabled);
    // Escape hatch for diagnosis, e.g. WWS_V8_FLAGS="--trace-gc".
    if (const char* flags = std::getenv("WWS_V8_FLAGS")) v8::V8::SetFlagsFromString(flags);
    v8::V8::InitializePlatform(instance.get());
    v8::V8::Initialize();
  });
  return *instance;
}

}  // namespace wws::engine::v8e
