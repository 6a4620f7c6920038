#include "cli/loader.h"

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "js/runtime.h"
#include "project/discovery.h"
#include "util/sha256.h"
#include "worker/slots.h"

namespace wws::cli {
namespace {

std::optional<std::vector<uint8_t>> read_file(const std::filesystem::path& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read the file";
    return std::nullopt;
  }
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void load_code(engine::Engine& engine, const std::filesystem::path& root, worker::Worker& w) {
  std::string error;
  if (w.kind == worker::WorkerKind::JavaScript) {
    w.script = js::load_script(w.file, root, &error);
    if (!w.script) w.unavailable = error;
    return;
  }
  auto bytes = read_file(w.file, &error);
  if (bytes) {
    engine::CompileOptions options{w.memory_limit_bytes};
    w.module = engine.compile(*bytes, options, &error);
  }
  if (!w.module) w.unavailable = fmt::format("{}: {}", w.file.string(), error);
}

}  // namespace

std::unique_ptr<worker::Site> load_site(engine::Engine& engine, const LoadOptions& options, std::string* fatal_error) {
  std::error_code ec;
  auto root = std::filesystem::canonical(options.root, ec);
  if (ec || !std::filesystem::is_directory(root)) {
    *fatal_error = fmt::format("{}: not a folder; give wws the path of a project folder", options.root.string());
    return nullptr;
  }
  auto files = project::discover_workers(root, options.ignore);

  std::vector<router::Router::Input> inputs;
  for (size_t i = 0; i < files.size(); ++i) inputs.push_back({files[i], i});
  auto router = router::Router::build(inputs, options.prefix, fatal_error);
  if (!router) return nullptr;

  std::string prefix = router->prefix();
  auto site = std::make_unique<worker::Site>(
      worker::Site{{}, std::move(*router), http::StaticFiles(root / "public", prefix)});
  site->workers.resize(files.size());
  for (const auto& route : site->router.routes()) site->workers[route.target].route = route.path;

  for (size_t i = 0; i < files.size(); ++i) {
    worker::Worker& w = site->workers[i];
    w.relative = files[i];
    w.file = root / files[i];
    w.id = util::sha256_hex(w.file.string());  // the original's id: sha256 of root.join(path)
    w.slot = worker::slot_for(w.id);
    w.kind = w.file.extension() == ".js" ? worker::WorkerKind::JavaScript : worker::WorkerKind::Wasm;
    auto loaded = config::load_worker_config(w.file);
    w.config = std::move(loaded.config);
    w.name = w.config.name.value_or(w.route);
    w.timeout = w.config.limits.timeout.value_or(options.default_timeout);
    w.memory_limit_bytes = w.config.limits.memory_bytes.value_or(options.default_memory_bytes);
    if (!loaded.error.empty()) {
      w.unavailable = loaded.error;
      continue;
    }
    load_code(engine, root, w);
  }
  return site;
}

}  // namespace wws::cli
