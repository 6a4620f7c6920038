// `wws [PATH] kv get|set|delete|list|export|import`: an operator's view of the K/V store on the
// configured backend (--kv, --kv-path, ...), the same data the workers of PATH see.
#pragma once
#include <filesystem>
#include <string>

#include "cli/options.h"
#include "kv/service.h"

namespace wws::cli {

// Runs the subcommand; returns the process exit code (0 ok, 1 error, 3 for `get` of an absent key).
int run_kv_command(const std::filesystem::path& project, const kv::BackendOptions& backend, const KvCommand& command);

}  // namespace wws::cli
