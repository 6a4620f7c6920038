// Loading a project folder into a worker::Site: discover worker files, route them, read each
// worker's TOML and compile its code. Per-worker problems never stop the load: that worker
// answers 503 with the reason. Only problems with the whole project (missing folder,
// conflicting routes) are fatal.
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "worker/dispatcher.h"

namespace wws::cli {

struct LoadOptions {
  std::filesystem::path root;
  std::string prefix;
  std::vector<std::string> ignore;
  std::chrono::milliseconds default_timeout{30'000};
  uint64_t default_memory_bytes = 128ull << 20;
};

std::unique_ptr<worker::Site> load_site(engine::Engine& engine, const LoadOptions& options, std::string* fatal_error);

}  // namespace wws::cli
