// project/: the folder being served: which files are workers (reference §2.1).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace wws::project {

// Glob matching in the style of the original's wax globs, on '/'-separated relative paths:
// `*` and `?` never cross '/', `**` matches any number of whole segments, `{a,b}` alternatives,
// `[abc]`/`[!a-z]` classes.
bool glob_match(std::string_view pattern, std::string_view path);

// Worker files under `root`, as paths relative to it, sorted. Skips `public/` folders at any
// depth, `node_modules/`, hidden files and folders, anything whose name starts with `_`, and
// paths matching `ignore` globs. `ignore_hits`, when given, gets for each glob how many folders
// and worker files it skipped (0: the glob is useless, probably a mistake).
std::vector<std::filesystem::path> discover_workers(const std::filesystem::path& root,
                                                    const std::vector<std::string>& ignore,
                                                    const std::vector<std::string>& extensions = {"wasm", "js"},
                                                    std::vector<size_t>* ignore_hits = nullptr);

}  // namespace wws::project
