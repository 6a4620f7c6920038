#include "runtimes/metadata.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/toml_fields.h"

namespace wws::runtimes {
namespace {

using config::detail::FieldError;

std::string where(const toml::source_region& region) {
  return region.begin.line ? fmt::format("line {}: ", region.begin.line) : std::string();
}

std::string string_field(const toml::table& t, std::string_view key, const std::string& label) {
  const toml::node* node = t.get(key);
  if (!node) throw MetadataError(fmt::format("{}: missing \"{}\"", label, key));
  return config::detail::require_string(*node, fmt::format("{} \"{}\"", label, key));
}

std::vector<std::string> string_list(const toml::table& t, std::string_view key, const std::string& label) {
  std::vector<std::string> out;
  const toml::node* node = t.get(key);
  if (!node) return out;
  std::string field = fmt::format("{} \"{}\"", label, key);
  for (const toml::node& item : config::detail::require_array(*node, field))
    out.push_back(config::detail::require_string(item, field + " item"));
  return out;
}

bool is_hex_sha256(const std::string& value) {
  return value.size() == 64 && std::all_of(value.begin(), value.end(),
                                           [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

RemoteFile remote_file(const toml::table& t, const std::string& label) {
  RemoteFile file;
  file.url = string_field(t, "url", label);
  file.filename = string_field(t, "filename", label);
  if (!is_safe_filename(file.filename))
    throw MetadataError(fmt::format("{}: filename \"{}\" must be a plain file name", label, file.filename));
  const toml::node* checksum = t.get("checksum");
  if (!checksum) throw MetadataError(fmt::format("{}: missing \"checksum\"", label));
  const toml::table& c = config::detail::require_table(*checksum, label + " checksum");
  std::string type = string_field(c, "type", label + " checksum");
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (type != "sha256")
    throw MetadataError(fmt::format("{}: checksum type \"{}\" is not supported (use sha256)", label, type));
  file.sha256 = string_field(c, "value", label + " checksum");
  std::transform(file.sha256.begin(), file.sha256.end(), file.sha256.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  if (!is_hex_sha256(file.sha256))
    throw MetadataError(fmt::format("{}: checksum value must be 64 hexadecimal digits", label));
  return file;
}

std::optional<RemoteFile> optional_file(const toml::table& t, std::string_view key, const std::string& label) {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  std::string field = fmt::format("{} [{}]", label, key);
  return remote_file(config::detail::require_table(*node, field), field);
}

toml::table file_to_toml(const RemoteFile& file) {
  return toml::table{{"url", file.url},
                     {"filename", file.filename},
                     {"checksum", toml::table{{"type", "sha256"}, {"value", file.sha256}}}};
}

toml::array to_array(const std::vector<std::string>& items) {
  toml::array out;
  for (const auto& item : items) out.push_back(item);
  return out;
}

}  // namespace

std::vector<const RemoteFile*> RuntimeMetadata::files() const {
  std::vector<const RemoteFile*> out{&binary};
  for (const auto* f : {&polyfill, &wrapper, &template_file})
    if (*f) out.push_back(&**f);
  return out;
}

bool RuntimeMetadata::matches(const std::string& wanted_name, const std::string& version_or_tag) const {
  if (wanted_name != name) return false;
  return version_or_tag == version || std::find(tags.begin(), tags.end(), version_or_tag) != tags.end();
}

bool is_safe_filename(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '.') return false;
  return name.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos;
}

RuntimeMetadata parse_runtime(const toml::table& t, const std::string& label) {
  try {
    RuntimeMetadata r;
    r.name = string_field(t, "name", label);
    r.version = string_field(t, "version", label);
    std::string named = fmt::format("{} ({} {})", label, r.name, r.version);
    if (!is_safe_filename(r.name) || !is_safe_filename(r.version))
      throw MetadataError(named + ": name and version must be plain file names (they name folders)");
    r.tags = string_list(t, "tags", named);
    if (const toml::node* status = t.get("status"))
      r.status = config::detail::require_string(*status, named + " \"status\"");
    r.extensions = string_list(t, "extensions", named);
    for (auto& ext : r.extensions) {
      if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
      if (ext.empty() || ext.find('/') != std::string::npos)
        throw MetadataError(named + ": an extension must be a non-empty name such as \"py\"");
    }
    r.args = string_list(t, "args", named);
    if (const toml::node* envs = t.get("envs")) {
      for (const auto& [key, value] : config::detail::require_table(*envs, named + " [envs]"))
        r.envs.emplace_back(std::string(key.str()),
                            config::detail::require_string(value, fmt::format("{} [envs] {}", named, key.str())));
    }
    const toml::node* binary = t.get("binary");
    if (!binary) throw MetadataError(named + ": missing [binary]");
    r.binary = remote_file(config::detail::require_table(*binary, named + " [binary]"), named + " [binary]");
    r.polyfill = optional_file(t, "polyfill", named);
    r.wrapper = optional_file(t, "wrapper", named);
    r.template_file = optional_file(t, "template", named);
    return r;
  } catch (const FieldError& e) {
    throw MetadataError(where(e.where) + e.what());
  }
}

toml::table runtime_to_toml(const RuntimeMetadata& r) {
  toml::table t{{"name", r.name},
                {"version", r.version},
                {"tags", to_array(r.tags)},
                {"status", r.status},
                {"extensions", to_array(r.extensions)},
                {"args", to_array(r.args)}};
  if (!r.envs.empty()) {
    toml::table envs;
    for (const auto& [k, v] : r.envs) envs.insert_or_assign(k, v);
    t.insert("envs", std::move(envs));
  }
  t.insert("binary", file_to_toml(r.binary));
  if (r.polyfill) t.insert("polyfill", file_to_toml(*r.polyfill));
  if (r.wrapper) t.insert("wrapper", file_to_toml(*r.wrapper));
  if (r.template_file) t.insert("template", file_to_toml(*r.template_file));
  return t;
}

}  // namespace wws::runtimes
