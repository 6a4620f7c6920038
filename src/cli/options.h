// cli/: command-line parsing (CLI11) and the start-up sequence that wires the server together.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kv/service.h"

namespace CLI {
class App;
}

namespace wws::cli {

// `wws [PATH] runtimes ...`: managing the project's language runtimes (runtimes/).
struct RuntimesCommand {
  std::string action;         // install | list | check | uninstall
  std::string name, version;  // install (both or neither), uninstall (both)
  std::string repo_url;       // --repo-url / WWS_REPO_URL
  std::string repo_name;      // --repo-name / WWS_REPO_NAME
  bool repo_name_given = false;
};

// `wws [PATH] kv ...`: the K/V store on the configured backend (cli/kv_command.h).
struct KvCommand {
  std::string action;  // get | set | delete | list | export | import
  std::string ns, key, value;
  std::string file;      // import: the JSON file ("-" or empty: stdin); export: output file ("" = stdout)
  std::string prefix;    // list
  uint64_t limit = 0;    // list: 0 = all
  int64_t ttl_ms = 0;    // set: expires after this many ms (0 = never)
  bool replace = false;  // import: delete the keys the file does not have
};

constexpr const char* kDefaultRepoName = "wasmlabs";
constexpr const char* kDefaultRepoUrl = "https://workers.wasmlabs.dev/repository/v1/index.toml";

struct Options {
  std::string path = ".";  // project folder
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string prefix;                         // raw; router::format_prefix normalises it
  std::vector<std::string> ignore;            // --ignore, repeatable
  std::vector<std::string> cors;              // --cors, repeatable; joined with ","
  unsigned threads = 0;                       // 0 = one per core
  std::chrono::milliseconds timeout{30'000};  // --timeout <ms>: default per-request limit
  uint64_t memory_limit_mb = 128;             // --memory-limit <MiB>: default per-instance limit
  uint64_t max_body_mb = 16;                  // --max-body-size <MiB>: larger request bodies get 413
  // Admin panel, management API, metrics and health (src/api).
  bool enable_panel = false;             // --enable-panel: /_panel/ and /_api/v0/* on the main port
  std::optional<uint16_t> admin_port;    // --admin-port: the same on a listener of their own
  std::string admin_host = "127.0.0.1";  // --admin-host
  std::string admin_token;               // --admin-token, else $WWS_ADMIN_TOKEN; empty: loopback clients only
  // A PATH that is a git URL (project/git_source.h).
  std::string git_commit, git_tag, git_branch, git_folder;
  bool watch = false;                       // --watch: reload when the project's files change
  bool dev = false;                         // --dev: failing workers answer with the cause (worker/failure.h)
  std::string log_format = "text";          // --log-format text|json
  std::string log_level = "info";           // --log-level trace|debug|info|warn|error|off
  bool install_runtimes = false;            // -i: install the runtimes .wws.toml lists that are missing
  std::optional<RuntimesCommand> runtimes;  // set for `wws runtimes ...` (then nothing is served)
  kv::BackendOptions kv;                    // --kv, --kv-path, --kv-sync, --kv-tls-*
  std::optional<KvCommand> kv_command;      // set for `wws kv ...` (then nothing is served)
  std::string engine = "wasmtime";          // --engine: what runs .wasm workers without [wasm] engine
  std::string cache_dir;                    // --cache-dir: compiled-code cache; "" = the default folder
  bool no_cache = false;                    // --no-cache: compile at every start, write nothing
  bool compile = false;                     // `wws compile [PATH]`: fill the cache, then exit
};

// The K/V backend flags, shared by `wws` and `wws kv`.
void add_kv_options(CLI::App& app, kv::BackendOptions& kv);

// Parses argv. Returns nullopt when the process should exit with `exit_code` (help, version, usage
// error; CLI11 has printed what was needed).
std::optional<Options> parse_options(int argc, const char* const* argv, int& exit_code);

}  // namespace wws::cli
