// `wws [PATH] runtimes install|list|check|uninstall` and `wws -i`: the project's language
// runtimes (runtimes/), recorded in PATH/.wws.toml and installed under PATH/.wws/runtimes/.
#pragma once
#include <filesystem>
#include <string>

#include "cli/options.h"
#include "engine/engine.h"

namespace wws::cli {

// Runs the subcommand; returns the process exit code.
int run_runtimes_command(const std::filesystem::path& project, const RuntimesCommand& command);

// Installs every runtime .wws.toml lists whose files are missing, from the URLs and checksums
// recorded there. Prints progress; false if any failed.
bool install_missing_runtimes(engine::Engine& engine, const std::filesystem::path& project);

}  // namespace wws::cli
