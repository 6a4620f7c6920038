// config/: a worker's optional `<name>.toml` (reference §3.1) plus wws's own additions ([limits]).
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wws::config {

struct FolderMount {
  std::filesystem::path from;  // absolute, resolved against the worker file's folder
  std::string to;              // guest path, e.g. "/data"
};

struct HttpRequestsFeature {
  std::vector<std::string> allowed_hosts;  // default: none
  std::vector<std::string> allowed_methods{"GET", "POST", "PUT", "PATCH", "DELETE"};
  bool allow_http = false;
};

struct Limits {
  std::optional<std::chrono::milliseconds> timeout;  // [limits] timeout_ms
  std::optional<uint64_t> memory_bytes;              // [limits] memory_mb
  std::optional<uint32_t> max_concurrency;           // [limits] max_concurrency: runs at once, server-wide
  std::optional<uint32_t> max_queue;                 // [limits] max_queue: requests waiting for a run
  std::optional<uint64_t> fuel;                      // [limits] fuel: CPU budget of one run (Wasmtime)
};

// [data.kv] quotas of the worker's writes (unset: wws's defaults, see kv::Limits).
struct KvLimits {
  std::optional<uint64_t> max_keys;
  std::optional<uint64_t> max_value_bytes;
  std::optional<uint64_t> max_namespace_bytes;
};

struct WorkerConfig {
  std::optional<std::string> name;
  std::string version;
  std::vector<std::pair<std::string, std::string>> vars;  // in file order, `$HOSTVAR` already resolved
  std::optional<std::string> kv_namespace;                // [data.kv] namespace
  KvLimits kv_limits;                                     // [data.kv] max_keys, max_value_bytes, max_namespace_bytes
  std::vector<FolderMount> folders;                       // [[folders]]
  HttpRequestsFeature http_requests;                      // [features.http_requests]
  Limits limits;
  bool js_fresh_context = false;  // [js] fresh_context: a new JS context per request instead of one per thread
  bool wasm_preinit =
      true;  // [wasm] preinit: Go workers start from a snapshot taken at their first stdin read (preinit/go.h)
  std::optional<std::string> wasm_engine;  // [wasm] engine: "wasmtime" or "v8"; unset = the server's --engine
};

struct LoadResult {
  WorkerConfig config;  // defaults when there is no file or it has errors
  bool found = false;   // a TOML file exists for this worker
  // Every problem found, not only the first, each "<file>:<line>:<col>: <reason>"; any of them
  // means the worker must not serve. `error` is all of them, one per line.
  std::vector<std::string> errors;
  std::string error;
  // Problems that do not stop the worker: unknown keys and tables (with the nearest valid name),
  // "$NAME" of an unset host variable, sections wws does not support.
  std::vector<std::string> warnings;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The TOML that belongs to a worker file: `index.js` -> `index.toml`, `[id].wasm` -> `[id].toml`.
std::filesystem::path config_path_for(const std::filesystem::path& worker_file);

// Loads the worker's TOML if it exists. `env` resolves `$NAME` values (defaults to getenv); a
// value starting with `$$` is taken literally with one `$` removed ("$$5" is "$5").
LoadResult load_worker_config(const std::filesystem::path& worker_file, const EnvLookup& env = {});

// Same, from text (for tests); `source_name` is used in error messages, `base_dir` resolves folders.
LoadResult parse_worker_config(std::string_view toml_text, const std::string& source_name,
                               const std::filesystem::path& base_dir, const EnvLookup& env = {});

}  // namespace wws::config
