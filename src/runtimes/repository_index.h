// runtimes/repository_index: a repository's index.toml, format v1 (the original's):
//   version = 1
//   [[runtimes]]   (runtimes/metadata.h)
// File URLs in it may be relative to the index's own URL.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "runtimes/metadata.h"

namespace wws::runtimes {

constexpr int kMaxIndexVersion = 1;

struct RepositoryIndex {
  int version = 1;
  std::vector<RuntimeMetadata> runtimes;  // file URLs resolved against the index URL

  // By version or tag ("latest"); the first match in index order.
  const RuntimeMetadata* find(const std::string& name, const std::string& version_or_tag) const;
};

// Throws MetadataError. A version above kMaxIndexVersion is read as v1 and reported in *warning.
RepositoryIndex parse_index(std::string_view text, const std::string& index_url, std::string* warning);

// Downloads and parses. nullopt + *error when unreachable or invalid.
std::optional<RepositoryIndex> fetch_index(const std::string& index_url, std::string* error, std::string* warning);

}  // namespace wws::runtimes
