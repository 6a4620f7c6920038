#include "runtimes/repository_index.h"

#include <fmt/format.h>

#include "config/toml_fields.h"
#include "runtimes/fetch.h"

namespace wws::runtimes {

const RuntimeMetadata* RepositoryIndex::find(const std::string& name, const std::string& version_or_tag) const {
  for (const auto& r : runtimes)
    if (r.matches(name, version_or_tag)) return &r;
  return nullptr;
}

RepositoryIndex parse_index(std::string_view text, const std::string& index_url, std::string* warning) {
  toml::table root;
  try {
    root = toml::parse(text, index_url);
  } catch (const toml::parse_error& e) {
    throw MetadataError(
        fmt::format("{}:{}:{}: {}", index_url, e.source().begin.line, e.source().begin.column, e.description()));
  }
  RepositoryIndex index;
  try {
    if (const toml::node* v = root.get("version"))
      index.version = static_cast<int>(config::detail::require_integer(*v, "version"));
    if (index.version > kMaxIndexVersion && warning)
      *warning = fmt::format("{} is a version {} repository index; this wws reads version {} and may miss newer fields",
                             index_url, index.version, kMaxIndexVersion);
    if (const toml::node* runtimes = root.get("runtimes")) {
      size_t i = 0;
      for (const toml::node& node : config::detail::require_array(*runtimes, "[[runtimes]]")) {
        std::string label = fmt::format("[[runtimes]] #{}", ++i);
        RuntimeMetadata r = parse_runtime(config::detail::require_table(node, label), label);
        r.binary.url = resolve_url(index_url, r.binary.url);
        for (auto* f : {&r.polyfill, &r.wrapper, &r.template_file})
          if (*f) (*f)->url = resolve_url(index_url, (*f)->url);
        index.runtimes.push_back(std::move(r));
      }
    }
  } catch (const config::detail::FieldError& e) {
    throw MetadataError(fmt::format("{}:{}:{}: {}", index_url, e.where.begin.line, e.where.begin.column, e.what()));
  } catch (const MetadataError& e) {
    throw MetadataError(fmt::format("{}: {}", index_url, e.what()));
  }
  return index;
}

std::optional<RepositoryIndex> fetch_index(const std::string& index_url, std::string* error, std::string* warning) {
  auto text = fetch_url(index_url, error);
  if (!text) return std::nullopt;
  try {
    return parse_index(*text, index_url, warning);
  } catch (const MetadataError& e) {
    *error = fmt::format("the repository index is not valid: {}", e.what());
    return std::nullopt;
  }
}

}  // namespace wws::runtimes
