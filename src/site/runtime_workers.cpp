#include "site/runtime_workers.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtimes/preinit.h"

namespace wws::site {
namespace fs = std::filesystem;
namespace {

// Interpreted languages users drop into a project expecting them to run.
const std::vector<std::string> kLanguageExtensions = {"py", "rb", "php", "lua", "pl"};

std::string extension_of(const fs::path& file) {
  std::string ext = file.extension().string();
  return ext.empty() ? ext : ext.substr(1);
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string env_line(const std::vector<std::pair<std::string, std::string>>& env) {
  std::string line = "{\"env\":{";
  for (size_t i = 0; i < env.size(); ++i)
    line += fmt::format("{}\"{}\":\"{}\"", i ? "," : "", json_escape(env[i].first), json_escape(env[i].second));
  return line + "}}\n";
}

}  // namespace

RuntimeWorkers::RuntimeWorkers(engine::Engine& engine, const fs::path& root)
    : engine_(engine), root_(root), runtimes_(runtimes::find_project_runtimes(root)) {
  if (!runtimes_.config_error.empty())
    spdlog::warn("{} (language runtimes are disabled until it is fixed)", runtimes_.config_error);
}

bool RuntimeWorkers::claims(const fs::path& file) const { return runtimes_.for_extension(extension_of(file)); }

std::vector<std::string> RuntimeWorkers::unclaimed_extensions() const {
  std::vector<std::string> out;
  for (const auto& ext : kLanguageExtensions)
    if (!runtimes_.for_extension(ext)) out.push_back(ext);
  for (const auto& missing : runtimes_.missing)
    for (const auto& ext : missing.extensions)
      if (!runtimes_.for_extension(ext) && std::find(out.begin(), out.end(), ext) == out.end()) out.push_back(ext);
  return out;
}

void RuntimeWorkers::report(const std::vector<fs::path>& unclaimed) const {
  for (const auto& missing : runtimes_.missing)
    fmt::print(
        "⚠️  The runtime {} {} is recorded in .wws.toml but not installed: run `wws runtimes install` or start "
        "wws with --install-runtimes\n",
        missing.name, missing.version);
  if (unclaimed.empty()) return;
  std::vector<std::string> exts;
  for (const auto& f : unclaimed) {
    std::string ext = "." + extension_of(f);
    if (std::find(exts.begin(), exts.end(), ext) == exts.end()) exts.push_back(ext);
  }
  std::string files;
  for (size_t i = 0; i < unclaimed.size() && i < 3; ++i) files += (i ? ", " : "") + unclaimed[i].generic_string();
  if (unclaimed.size() > 3) files += fmt::format(" and {} more", unclaimed.size() - 3);
  std::string joined;
  for (const auto& e : exts) joined += (joined.empty() ? "" : ", ") + e;
  fmt::print(
      "⚠️  {} file(s) are not workers because no installed runtime runs {} files: {}. Install one with "
      "`wws runtimes install NAME VERSION` (see `wws runtimes list`).\n",
      unclaimed.size(), joined, files);
}

RuntimeWorkers::Interpreter RuntimeWorkers::interpreter(const runtimes::InstalledRuntime& runtime,
                                                        uint64_t memory_limit) {
  static std::mutex mutex;
  static std::map<std::tuple<std::string, uint64_t, uint64_t, int64_t>, Interpreter> cache;
  std::error_code ec;
  auto size = fs::file_size(runtime.binary(), ec);
  auto mtime = fs::last_write_time(runtime.binary(), ec).time_since_epoch().count();
  auto key = std::make_tuple(runtime.binary().string(), memory_limit, uint64_t(size), int64_t(mtime));
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Interpreter interp;
  std::string error;
  auto wasm = runtimes::interpreter_module(engine_, runtime, &interp.preinitialised, &error);
  if (!wasm) {
    interp.error = fmt::format("the runtime {} cannot run: {}", runtime.label(), error);
    return interp;  // not cached: the next load tries again
  }
  engine::CompileOptions options{memory_limit};
  interp.module = engine_.compile(*wasm, options, &error);
  if (!interp.module) {
    interp.error =
        fmt::format("the runtime {} ({}) does not compile: {}", runtime.label(), runtime.binary().string(), error);
    return interp;
  }
  cache[key] = interp;
  return interp;
}

void RuntimeWorkers::load(worker::Worker& w) {
  const runtimes::InstalledRuntime* runtime = runtimes_.for_extension(extension_of(w.file));
  if (!runtime) {
    w.unavailable = fmt::format("{}: no installed runtime runs {} files", w.file.string(), w.file.extension().string());
    return;
  }
  Interpreter interp = interpreter(*runtime, w.memory_limit_bytes);
  if (!interp.module) {
    w.unavailable = interp.error;
    return;
  }
  std::string error;
  auto layout = runtimes::prepare_worker(root_, *runtime, w.file, w.config, &error);
  if (!layout) {
    w.unavailable = error;
    return;
  }
  auto setup = std::make_shared<worker::RuntimeSetup>();
  setup->runtime = runtime->label();
  setup->args = std::move(layout->args);
  setup->env = std::move(layout->env);
  setup->root = std::move(layout->root);
  if (interp.preinitialised) setup->stdin_preamble = env_line(setup->env);
  w.module = interp.module;
  w.engine = &engine_;
  w.runtime = std::move(setup);
}

}  // namespace wws::site
