#pragma once

namespace wws::cli {
// Parses the command line, loads the project, serves until SIGINT/SIGTERM. Returns the exit code.
int run_app(int argc, char** argv);
}  // namespace wws::cli
