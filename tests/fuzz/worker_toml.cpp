// Fuzz target: a worker's TOML file (config::parse_worker_config): every input is a config or
// a list of errors with positions, never a crash or an exception escaping.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/worker_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/fuzz");
    return std::nullopt;
  };
  auto result = wws::config::parse_worker_config(text, "fuzz.toml", "/tmp/wws-fuzz-project", env);
  if (!result.errors.empty() && result.error.empty()) std::abort();
  return 0;
}
