// Fuzz target: a project's file names become routes (Router::build), then request paths are
// matched against them. Input: lines; those before an empty line are worker files (relative
// paths), the rest are request paths. A match must name a route that exists.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "router/router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<wws::router::Router::Input> files;
  std::vector<std::string_view> paths;
  bool in_paths = false;
  while (!input.empty() && files.size() + paths.size() < 256) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    if (line.empty() && !in_paths) {
      in_paths = true;
      continue;
    }
    if (in_paths) paths.push_back(line);
    else files.push_back({std::string(line), files.size()});
  }
  for (std::string_view path : paths) (void)wws::router::normalize_request_path(path);
  std::string error;
  auto router = wws::router::Router::build(files, paths.empty() ? "" : "/app", &error);
  if (!router) return 0;
  for (std::string_view path : paths) {
    auto match = router->match(path);
    if (match && (match->route == nullptr || match->route->target >= files.size())) std::abort();
  }
  return 0;
}
