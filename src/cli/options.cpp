// cli/options: `wws [OPTIONS] [PATH]` (reference §5.1) parsed with CLI11, with every number checked so a
// bad value stops start-up with a message naming the flag instead of surfacing later as odd behaviour.
#include "cli/options.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include <CLI/CLI.hpp>

#ifndef WWS_VERSION
#define WWS_VERSION "0.0.0-dev"
#endif

namespace wws::cli {
namespace {

constexpr uint64_t kMaxMemoryMb = 4096;  // a wasm32 instance cannot address more
constexpr uint64_t kMaxTimeoutMs = 24ull * 3600 * 1000;
constexpr uint64_t kMaxThreads = 1024;

// Only plain decimal digits: CLI11 alone would read "010" as octal and "0x10" as hex. The canonical
// decimal is written back (hence transform, not check) so CLI11 converts exactly what was validated.
CLI::Validator whole_number(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& input) -> std::string {
        uint64_t value = 0;
        const char* end = input.data() + input.size();
        auto [stop, ec] = std::from_chars(input.data(), end, value);
        if (input.empty() || ec == std::errc::invalid_argument || stop != end)
          return "'" + input + "' is not a whole number; use digits only";
        if (ec == std::errc::result_out_of_range || value < min || value > max)
          return "'" + input + "' is out of range; use a number from " + std::to_string(min) + " to " +
                 std::to_string(max);
        input = std::to_string(value);
        return {};
      },
      "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

const CLI::Validator kNotEmpty(
    [](std::string& input) -> std::string { return input.empty() ? "must not be empty" : std::string(); }, "");

}  // namespace

void add_kv_options(CLI::App& app, kv::BackendOptions& kv) {
  app.add_option("--kv", kv.spec,
                 "K/V backend: sqlite (a file, the default), memory (lost on exit), or "
                 "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)")
      ->capture_default_str()
      ->check(CLI::Validator([](std::string& v) { return kv::check_backend_spec(v); }, "BACKEND"));
  app.add_option("--kv-path", kv.sqlite_path, "SQLite file of the K/V store (default PATH/.wws/kv.sqlite3)");
  app.add_option("--kv-sync", kv.sqlite_sync,
                 "SQLite durability: normal (survives a killed wws) or full (also a power loss; an fsync per commit)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, kv::SqliteSync>{{"normal", kv::SqliteSync::Normal}, {"full", kv::SqliteSync::Full}}))
      ->default_str("normal");
  app.add_option("--kv-tls-ca", kv.redis_tls_ca,
                 "rediss://: CA bundle that signed the server's certificate (default: the system's)")
      ->check(CLI::ExistingFile);
  app.add_option("--kv-tls-cert", kv.redis_tls_cert,
                 "rediss://: client certificate (PEM), for servers that require one")
      ->check(CLI::ExistingFile);
  app.add_option("--kv-tls-key", kv.redis_tls_key, "rediss://: the client certificate's private key (PEM)")
      ->check(CLI::ExistingFile);
}

std::optional<Options> parse_options(int argc, const char* const* argv, int& exit_code) {
  Options options;
  uint64_t timeout_ms = static_cast<uint64_t>(options.timeout.count());

  CLI::App app("Wasm Workers Server: serves the WebAssembly and JavaScript workers of a project folder", "wws");
  app.set_version_flag("-V,--version", "wws " WWS_VERSION);
  app.add_option("PATH", options.path, "Project folder to serve")->capture_default_str();
  app.add_option("--host", options.host, "Hostname or IP address to listen on")
      ->capture_default_str()
      ->check(kNotEmpty);
  app.add_option("-p,--port", options.port, "Port to listen on (0 picks a free one)")
      ->capture_default_str()
      ->transform(whole_number(0, std::numeric_limits<uint16_t>::max()));
  app.add_option("--prefix", options.prefix, "URL prefix for every route and static file, e.g. /api");
  // One value per flag, so `--ignore a PATH` leaves PATH as the positional instead of a second glob.
  app.add_option("--ignore", options.ignore, "Glob of files not to serve as workers (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--cors", options.cors,
                 "Origin allowed by CORS (repeatable), or * for any: answers carry it, preflights are answered")
      ->allow_extra_args(false);
  app.add_option("--threads", options.threads,
                 "I/O threads that serve requests (0 = one per CPU core); slow workers run on a pool of up to max(4, "
                 "2N) threads")
      ->capture_default_str()
      ->transform(whole_number(0, kMaxThreads));
  app.add_option("--timeout", timeout_ms, "Default time limit of one request to a worker, in milliseconds")
      ->capture_default_str()
      ->transform(whole_number(1, kMaxTimeoutMs));
  app.add_option("--memory-limit", options.memory_limit_mb, "Default memory limit of one worker instance, in MiB")
      ->capture_default_str()
      ->transform(whole_number(1, kMaxMemoryMb));
  app.add_option("--max-body-size", options.max_body_mb, "Largest request body accepted, in MiB (larger gets 413)")
      ->capture_default_str()
      ->transform(whole_number(1, kMaxMemoryMb));
  app.add_option("--engine", options.engine, "Engine for .wasm workers whose TOML names none ([wasm] engine)")
      ->capture_default_str()
      ->check(CLI::IsMember({"wasmtime", "v8"}));
  app.add_option("--cache-dir", options.cache_dir,
                 "Folder of the compiled-code cache (default: $XDG_CACHE_HOME/wws/code or ~/.cache/wws/code)")
      ->check(kNotEmpty);
  app.add_flag("--no-cache", options.no_cache, "Neither read nor write compiled code on disk");
  // `wws compile [PATH]` takes the same options; the folder may come before or after the word.
  CLI::App* compile = app.add_subcommand("compile", "Compile every .wasm worker of PATH into the cache, then exit");
  compile->add_option("PATH", options.path, "Project folder to compile");
  compile->fallthrough();

  app.add_flag("--enable-panel", options.enable_panel,
               "Serve the admin panel at /_panel/ and the management API, metrics and health under /_api/v0/");
  app.add_option(
         "--admin-port", options.admin_port,
         "Serve the panel, API, metrics and health on this port too (0 picks a free one), apart from the workers")
      ->transform(whole_number(0, std::numeric_limits<uint16_t>::max()));
  app.add_option("--admin-host", options.admin_host, "Address of the --admin-port listener")
      ->capture_default_str()
      ->check(kNotEmpty);
  app.add_option("--admin-token", options.admin_token,
                 "Token the admin API requires (Authorization: Bearer TOKEN); default $WWS_ADMIN_TOKEN; without one "
                 "the API answers loopback clients only")
      ->envname("WWS_ADMIN_TOKEN")
      ->check(kNotEmpty);
  app.add_option("--git-commit", options.git_commit,
                 "For a git PATH: the commit to serve (wins over --git-tag and --git-branch)");
  app.add_option("--git-tag", options.git_tag, "For a git PATH: the tag to serve (wins over --git-branch)");
  app.add_option("--git-branch", options.git_branch,
                 "For a git PATH: the branch to serve (default: the remote's default branch)");
  app.add_option("--git-folder", options.git_folder, "For a git PATH: the folder of the repository to serve");
  app.add_flag("--watch", options.watch,
               "Reload workers, their TOML files and public/ when they change (SIGHUP reloads at any time)");
  app.add_flag("--dev", options.dev,
               "A failing worker answers with the cause, its stderr tail or JS stack, and its file, instead of a "
               "generic error page");
  app.add_option("--log-format", options.log_format, "Log lines as text or as one JSON object each")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", options.log_level,
                 "Least severe lines logged: trace, debug, info (one line per request), warn (failed requests "
                 "only), error, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("-i,--install-runtimes", options.install_runtimes,
               "Install the language runtimes listed in .wws.toml that are missing, then serve");

  RuntimesCommand runtimes{"", "", "", kDefaultRepoUrl, kDefaultRepoName};
  CLI::App* rt = app.add_subcommand("runtimes", "Install, list, check and uninstall the project's language runtimes");
  rt->require_subcommand(1, 1);
  rt->add_option("--repo-url", runtimes.repo_url, "URL of the repository index (https://, http:// or file://)")
      ->envname("WWS_REPO_URL")
      ->capture_default_str();
  CLI::Option* repo_name = rt->add_option("--repo-name", runtimes.repo_name, "Name the repository is recorded under")
                               ->envname("WWS_REPO_NAME")
                               ->capture_default_str()
                               ->check(kNotEmpty);
  CLI::App* install = rt->add_subcommand("install",
                                         "Install NAME VERSION (a version or tag, e.g. latest) from the repository, "
                                         "or, without arguments, every runtime .wws.toml lists that is missing");
  install->add_option("NAME", runtimes.name, "Runtime name, e.g. python");
  install->add_option("VERSION", runtimes.version, "Version or tag, e.g. latest");
  rt->add_subcommand("list", "List the runtimes the repository offers");
  rt->add_subcommand("check", "Show which runtimes .wws.toml lists and whether each is installed intact");
  CLI::App* uninstall = rt->add_subcommand("uninstall", "Remove one installed runtime (that name and version only)");
  uninstall->add_option("NAME", runtimes.name, "Runtime name")->required();
  uninstall->add_option("VERSION", runtimes.version, "Exact version")->required();
  for (CLI::App* sub : rt->get_subcommands({})) sub->fallthrough();  // --repo-url after the action works too
  add_kv_options(app, options.kv);

  KvCommand kvc;
  CLI::App* kvapp = app.add_subcommand(
      "kv", "Read and write the K/V store of the project's workers on the configured backend (--kv ...)");
  kvapp->require_subcommand(1, 1);
  CLI::App* kv_get = kvapp->add_subcommand("get", "Print the value of KEY in NAMESPACE (exit code 3 when absent)");
  kv_get->add_option("NAMESPACE", kvc.ns)->required();
  kv_get->add_option("KEY", kvc.key)->required();
  CLI::App* kv_set = kvapp->add_subcommand("set", "Set KEY in NAMESPACE to VALUE (- reads it from stdin)");
  kv_set->add_option("NAMESPACE", kvc.ns)->required();
  kv_set->add_option("KEY", kvc.key)->required();
  kv_set->add_option("VALUE", kvc.value)->required();
  kv_set->add_option("--ttl", kvc.ttl_ms, "Milliseconds until the key expires (default: never)")
      ->check(CLI::NonNegativeNumber);
  CLI::App* kv_delete = kvapp->add_subcommand("delete", "Delete KEY from NAMESPACE");
  kv_delete->add_option("NAMESPACE", kvc.ns)->required();
  kv_delete->add_option("KEY", kvc.key)->required();
  CLI::App* kv_list =
      kvapp->add_subcommand("list", "List the keys of NAMESPACE in byte order (without NAMESPACE: the namespaces)");
  kv_list->add_option("NAMESPACE", kvc.ns);
  kv_list->add_option("--prefix", kvc.prefix, "Only keys starting with this");
  kv_list->add_option("--limit", kvc.limit, "At most this many keys (default: all)");
  CLI::App* kv_export = kvapp->add_subcommand("export",
                                              "Write NAMESPACE as a JSON object of key -> value (non-UTF-8 values as "
                                              "{\"base64\": ...}; expiries are not kept)");
  kv_export->add_option("NAMESPACE", kvc.ns)->required();
  kv_export->add_option("-o,--output", kvc.file, "File to write (default: stdout)");
  CLI::App* kv_import = kvapp->add_subcommand(
      "import", "Set every key of a JSON object (as export writes it) in NAMESPACE, in one atomic batch");
  kv_import->add_option("NAMESPACE", kvc.ns)->required();
  kv_import->add_option("FILE", kvc.file, "JSON file (default: stdin)");
  kv_import->add_flag("--replace", kvc.replace, "Also delete the keys of NAMESPACE that the file does not have");
  kvapp->fallthrough();
  for (CLI::App* sub : kvapp->get_subcommands({})) sub->fallthrough();  // --kv after the action works too

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);  // prints help/version to stdout, or the error to stderr; 0 for help/version
    return std::nullopt;
  }
  options.timeout = std::chrono::milliseconds(timeout_ms);
  if (rt->parsed()) {
    for (CLI::App* sub : rt->get_subcommands({}))
      if (sub->parsed()) runtimes.action = sub->get_name();
    if (runtimes.action == "install" && runtimes.name.empty() != runtimes.version.empty()) {
      std::fprintf(stderr, "wws runtimes install: give both NAME and VERSION, or neither\n");
      exit_code = 2;
      return std::nullopt;
    }
    runtimes.repo_name_given = repo_name->count() > 0 || std::getenv("WWS_REPO_NAME");
    options.runtimes = std::move(runtimes);
  }
  if (kvapp->parsed()) {
    for (CLI::App* sub : kvapp->get_subcommands({}))
      if (sub->parsed()) kvc.action = sub->get_name();
    options.kv_command = std::move(kvc);
  }
  options.compile = compile->parsed();
  exit_code = 0;
  return options;
}

}  // namespace wws::cli
