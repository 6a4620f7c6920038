// config/folder_mounts: the `[[folders]]` array of a worker config, resolved into host folders and guest paths.
#pragma once
#include <filesystem>
#include <vector>

#include <toml++/toml.h>

#include "config/worker_config.h"

namespace wws::config::detail {

// `base_dir` is the worker file's folder; relative `from` paths start there. Throws FieldError.
std::vector<FolderMount> read_folders(const toml::node& folders, const std::filesystem::path& base_dir);

// "/data/./x/" -> "/data/x". Empty optional when `to` is not an absolute guest path or uses "..".
std::optional<std::string> normalise_guest_path(std::string_view to);

}  // namespace wws::config::detail
