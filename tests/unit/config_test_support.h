// Helpers shared by the config tests: a fake host environment and a one-call parse.
#pragma once
#include <map>
#include <string>

#include "config/worker_config.h"

namespace wws::config::testing {

inline EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline LoadResult parse(std::string_view text,
                        const std::filesystem::path& base = std::filesystem::temp_directory_path(),
                        const EnvLookup& env = fake_env({})) {
  return parse_worker_config(text, "w.toml", base, env);
}

}  // namespace wws::config::testing
