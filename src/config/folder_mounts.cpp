// config/folder_mounts: `[[folders]]` entries. The host side may point anywhere (the user chose it) but
// must be an existing folder; the guest side must be a plain absolute path so mounts cannot overlap oddly.
#include "config/folder_mounts.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "config/toml_fields.h"

namespace wws::config::detail {
namespace fs = std::filesystem;

std::optional<std::string> normalise_guest_path(std::string_view to) {
  if (to.empty() || to.front() != '/') return std::nullopt;
  std::string normal;
  size_t start = 0;
  while (start <= to.size()) {
    size_t end = to.find('/', start);
    if (end == std::string_view::npos) end = to.size();
    std::string_view segment = to.substr(start, end - start);
    if (segment == "..") return std::nullopt;
    if (!segment.empty() && segment != ".") {
      normal += '/';
      normal += segment;
    }
    start = end + 1;
  }
  return normal.empty() ? std::string("/") : normal;
}

namespace {

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

fs::path resolve_host_folder(const toml::node& node, const std::string& from, const fs::path& base_dir,
                             const std::string& label) {
  if (from.empty() || has_nul(from))
    throw FieldError(node.source(), fmt::format("{} must name a folder, e.g. from = \"./_data\"", label));
  std::string portable = from;
  std::replace(portable.begin(), portable.end(), '\\', '/');
  fs::path path(portable);
  if (path.is_relative()) path = base_dir / path;
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (!ec) absolute = fs::weakly_canonical(absolute, ec);
  if (ec) absolute = path.lexically_normal();
  if (!fs::exists(absolute, ec))
    throw FieldError(node.source(), fmt::format("{} = \"{}\": the folder {} does not exist; create it or fix the path "
                                                "(relative paths start at the worker file's folder)",
                                                label, from, absolute.string()));
  if (!fs::is_directory(absolute, ec))
    throw FieldError(node.source(), fmt::format("{} = \"{}\": {} is not a folder; point it at a folder", label, from,
                                                absolute.string()));
  return absolute;
}

std::string guest_path(const toml::node& node, const std::string& to, const std::string& label) {
  auto normal = has_nul(to) ? std::nullopt : normalise_guest_path(to);
  if (!normal)
    throw FieldError(node.source(), fmt::format("{} = \"{}\" must be an absolute guest path without \"..\", e.g. "
                                                "to = \"/data\"",
                                                label, to));
  return *normal;
}

}  // namespace

std::vector<FolderMount> read_folders(const toml::node& folders, const fs::path& base_dir) {
  if (folders.is_table())
    throw FieldError(folders.source(), "folders must be an array of tables; write [[folders]] with double brackets");
  const toml::array& entries = require_array(folders, "folders");
  std::vector<FolderMount> mounts;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string entry = fmt::format("[[folders]] #{}", i + 1);
    const toml::table& table = require_table(entries[i], entry);
    const toml::node* from = table.get("from");
    const toml::node* to = table.get("to");
    if (!from || !to)
      throw FieldError(table.source(), fmt::format("{} needs both `from` (a host folder) and `to` (a guest path), "
                                                   "e.g. from = \"./_data\" and to = \"/data\"",
                                                   entry));
    FolderMount mount;
    mount.from = resolve_host_folder(*from, require_string(*from, entry + " from"), base_dir, entry + " from");
    mount.to = guest_path(*to, require_string(*to, entry + " to"), entry + " to");
    auto same = std::find_if(mounts.begin(), mounts.end(), [&](const FolderMount& m) { return m.to == mount.to; });
    if (same != mounts.end())
      throw FieldError(to->source(), fmt::format("{} to = \"{}\" is already used by [[folders]] #{}; give each folder "
                                                 "its own guest path",
                                                 entry, mount.to, same - mounts.begin() + 1));
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace wws::config::detail
