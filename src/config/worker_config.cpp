// config/worker_config: loads a worker's `<name>.toml` (§3.1). Any error leaves the defaults in place and
// is reported as "<file>:<line>:<col>: <reason>" so the caller can disable just that worker.
#include "config/worker_config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "config/folder_mounts.h"
#include "config/http_requests_feature.h"
#include "config/schema.h"
#include "config/toml_fields.h"

namespace wws::config {
namespace fs = std::filesystem;
using detail::FieldError;

namespace {

constexpr int64_t kMaxMemoryMb = 4096;

std::optional<std::string> host_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

std::string located(const std::string& source_name, const toml::source_region& where, std::string_view reason) {
  if (where.begin.line == 0) return fmt::format("{}: {}", source_name, reason);
  return fmt::format("{}:{}:{}: {}", source_name, where.begin.line, where.begin.column, reason);
}

// What a file's reading collects: every error (a reader's FieldError stops only its own part)
// and the warnings.
struct Reading {
  const std::string& source_name;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;

  // Runs one independent part of the reading; its FieldError is recorded and the rest goes on.
  template <class F>
  void attempt(F&& part) {
    try {
      part();
    } catch (const FieldError& e) {
      errors.push_back(located(source_name, e.where, e.what()));
    }
  }
};

// `$NAME` (whole value, no space) takes the host's NAME, or "" when it is unset, as the original
// did (with a warning: it is nearly always a variable someone forgot to export). `$$...` is a
// literal value starting with `$`.
std::string resolve_host_reference(const std::string& key, const std::string& value, const toml::node& node,
                                   const EnvLookup& env, Reading& reading) {
  if (value.empty() || value.front() != '$' || value.find(' ') != std::string::npos) return value;
  if (value.starts_with("$$")) return value.substr(1);
  auto found = env(value.substr(1));
  if (!found)
    reading.warnings.push_back(located(
        reading.source_name, node.source(),
        fmt::format("[vars] {} = \"{}\": the host has no variable {}, so the worker gets \"\"; set it before starting "
                    "wws, or write \"${}\" for the literal text",
                    key, value, value.substr(1), value)));
  return found.value_or("");
}

std::vector<std::pair<std::string, std::string>> read_vars(const toml::table& vars, const EnvLookup& env,
                                                           Reading& reading) {
  // toml::table is ordered by key; the file's order is what a user expects to see in the panel and env.
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : vars) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.second->source().begin;
    const auto& pb = b.second->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });

  std::vector<std::pair<std::string, std::string>> resolved;
  for (const auto& [key, node] : entries) {
    reading.attempt([&, &key = key, &node = node] {
      const std::string label = fmt::format("[vars] {}", key);
      // An environment entry is "KEY=value": a '=' or NUL in the key would make it ambiguous or truncated.
      if (key.empty() || key.find_first_of(std::string_view("=\0", 2)) != std::string::npos)
        throw FieldError(node->source(), fmt::format("[vars] \"{}\" is not a usable variable name; use letters, "
                                                     "digits and '_' (no '=')",
                                                     key));
      std::string value = detail::require_string(*node, label);
      if (value.find('\0') != std::string::npos)
        throw FieldError(node->source(), fmt::format("{} must not contain a NUL character", label));
      resolved.emplace_back(key, resolve_host_reference(key, value, *node, env, reading));
    });
  }
  return resolved;
}

void read_kv(const toml::table& root, WorkerConfig& config) {
  const toml::table* data = detail::optional_table(root, "data", "data");
  if (!data) return;
  const toml::table* kv = detail::optional_table(*data, "kv", "[data] kv");
  if (!kv) return;
  const toml::node* ns = kv->get("namespace");
  if (!ns) throw FieldError(kv->source(), "[data.kv] needs a namespace, e.g. namespace = \"counter\"");
  std::string name = detail::require_string(*ns, "[data.kv] namespace");
  if (name.empty())
    throw FieldError(ns->source(), "[data.kv] namespace must not be empty; name the store, e.g. \"counter\"");
  config.kv_namespace = std::move(name);
  auto limit = [&](const char* key, std::optional<uint64_t>& out) {
    const toml::node* node = kv->get(key);
    if (!node) return;
    int64_t value = detail::require_integer(*node, fmt::format("[data.kv] {}", key));
    if (value <= 0)
      throw FieldError(node->source(), fmt::format("[data.kv] {} must be a positive number (found {})", key, value));
    out = static_cast<uint64_t>(value);
  };
  limit("max_keys", config.kv_limits.max_keys);
  limit("max_value_bytes", config.kv_limits.max_value_bytes);
  limit("max_namespace_bytes", config.kv_limits.max_namespace_bytes);
}

std::optional<std::chrono::milliseconds> read_timeout(const toml::table& limits) {
  const toml::node* timeout = limits.get("timeout_ms");
  if (!timeout) return std::nullopt;
  int64_t ms = detail::require_integer(*timeout, "[limits] timeout_ms");
  if (ms <= 0)
    throw FieldError(timeout->source(),
                     fmt::format("[limits] timeout_ms must be a positive number of milliseconds (found {})", ms));
  return std::chrono::milliseconds(ms);
}

constexpr int64_t kMaxConcurrency = 1024;
constexpr int64_t kMaxQueue = 1'000'000;

// [limits] max_concurrency and max_queue: whole numbers within [min, max].
std::optional<uint32_t> read_count(const toml::table& limits, const char* key, int64_t min, int64_t max,
                                   const char* what) {
  const toml::node* node = limits.get(key);
  if (!node) return std::nullopt;
  int64_t n = detail::require_integer(*node, fmt::format("[limits] {}", key));
  if (n < min || n > max)
    throw FieldError(node->source(),
                     fmt::format("[limits] {} must be {} from {} to {} (found {})", key, what, min, max, n));
  return static_cast<uint32_t>(n);
}

std::optional<uint64_t> read_memory(const toml::table& limits) {
  const toml::node* memory = limits.get("memory_mb");
  if (!memory) return std::nullopt;
  int64_t mb = detail::require_integer(*memory, "[limits] memory_mb");
  if (mb <= 0 || mb > kMaxMemoryMb)
    throw FieldError(memory->source(),
                     fmt::format("[limits] memory_mb must be between 1 and {} MiB (found {})", kMaxMemoryMb, mb));
  return static_cast<uint64_t>(mb) << 20;
}

std::optional<uint64_t> read_fuel(const toml::table& limits) {
  const toml::node* fuel = limits.get("fuel");
  if (!fuel) return std::nullopt;
  int64_t units = detail::require_integer(*fuel, "[limits] fuel");
  if (units <= 0)
    throw FieldError(fuel->source(),
                     fmt::format("[limits] fuel must be a positive number of fuel units (found {})", units));
  return static_cast<uint64_t>(units);
}

std::optional<std::string> read_wasm_engine(const toml::table& wasm) {
  const toml::node* engine = wasm.get("engine");
  if (!engine) return std::nullopt;
  std::string name = detail::require_string(*engine, "[wasm] engine");
  if (name != "wasmtime" && name != "v8")
    throw FieldError(engine->source(),
                     fmt::format("[wasm] engine must be \"wasmtime\" or \"v8\" (found \"{}\")", name));
  return name;
}

// Each part is read on its own, so one wrong value does not hide the next one.
WorkerConfig read_config(const toml::table& root, const fs::path& base_dir, const EnvLookup& env, Reading& reading) {
  WorkerConfig config;
  reading.attempt([&] { config.name = detail::optional_string(root, "name", "name"); });
  // The original rejected a file without `version`; nothing uses it, so wws only checks its type.
  reading.attempt([&] {
    if (auto version = detail::optional_string(root, "version", "version")) config.version = std::move(*version);
  });
  reading.attempt([&] {
    if (const toml::table* vars = detail::optional_table(root, "vars", "vars"))
      config.vars = read_vars(*vars, env, reading);
  });
  reading.attempt([&] { read_kv(root, config); });
  reading.attempt([&] {
    if (const toml::node* folders = root.get("folders")) config.folders = detail::read_folders(*folders, base_dir);
  });
  reading.attempt([&] {
    if (const toml::table* features = detail::optional_table(root, "features", "features")) {
      if (const toml::table* http = detail::optional_table(*features, "http_requests", "[features] http_requests"))
        config.http_requests = detail::read_http_requests(*http);
    }
  });
  reading.attempt([&] {
    if (const toml::table* limits = detail::optional_table(root, "limits", "limits")) {
      reading.attempt([&] { config.limits.timeout = read_timeout(*limits); });
      reading.attempt([&] { config.limits.memory_bytes = read_memory(*limits); });
      reading.attempt([&] {
        config.limits.max_concurrency =
            read_count(*limits, "max_concurrency", 1, kMaxConcurrency, "a number of runs at once");
      });
      reading.attempt([&] {
        config.limits.max_queue = read_count(*limits, "max_queue", 0, kMaxQueue, "a number of waiting requests");
      });
      reading.attempt([&] { config.limits.fuel = read_fuel(*limits); });
    }
  });
  reading.attempt([&] {
    if (const toml::table* js = detail::optional_table(root, "js", "js")) {
      if (const toml::node* fresh = js->get("fresh_context"))
        config.js_fresh_context = detail::require_bool(*fresh, "[js] fresh_context");
    }
  });
  reading.attempt([&] {
    if (const toml::table* wasm = detail::optional_table(root, "wasm", "wasm")) {
      if (const toml::node* preinit = wasm->get("preinit"))
        config.wasm_preinit = detail::require_bool(*preinit, "[wasm] preinit");
      config.wasm_engine = read_wasm_engine(*wasm);
    }
  });
  return config;
}

}  // namespace

fs::path config_path_for(const fs::path& worker_file) {
  fs::path config = worker_file;
  config.replace_extension(".toml");
  return config;
}

LoadResult parse_worker_config(std::string_view toml_text, const std::string& source_name, const fs::path& base_dir,
                               const EnvLookup& env) {
  LoadResult result;
  result.found = true;
  Reading reading{source_name, {}, {}};
  try {
    toml::table root = toml::parse(toml_text, source_name);
    detail::check_known_keys(root, source_name, reading.warnings);
    WorkerConfig config = read_config(root, base_dir, env ? env : EnvLookup(host_env), reading);
    if (reading.errors.empty()) result.config = std::move(config);
  } catch (const toml::parse_error& e) {
    reading.errors.push_back(located(source_name, e.source(), fmt::format("invalid TOML: {}", e.description())));
  }
  result.errors = std::move(reading.errors);
  result.warnings = std::move(reading.warnings);
  for (const auto& e : result.errors) result.error += (result.error.empty() ? "" : "\n") + e;
  return result;
}

LoadResult load_worker_config(const fs::path& worker_file, const EnvLookup& env) {
  const fs::path path = config_path_for(worker_file);
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  LoadResult result;
  result.found = true;
  if (!fs::is_regular_file(path, ec)) {
    result.error = fmt::format("{}: is not a file; remove it or make it the worker's TOML config", path.string());
    result.errors.push_back(result.error);
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in.is_open()) text << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    result.error = fmt::format("{}: cannot be read; check its permissions", path.string());
    result.errors.push_back(result.error);
    return result;
  }
  return parse_worker_config(text.str(), path.string(), path.parent_path(), env);
}

}  // namespace wws::config
