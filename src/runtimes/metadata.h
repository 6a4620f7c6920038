// runtimes/: language runtimes installed per project (Python, Ruby, ...): the project's
// `.wws.toml`, repository indexes, installing files with checksums, and preparing the
// workers whose extension a runtime claims.
//
// metadata.h is the runtime description shared by a repository index and `.wws.toml` (which
// doubles as the lock file, checksums included), in the original's formats:
//
//   name = "python"            version = "3.12.0"          tags = ["latest", "3.12"]
//   status = "active"          extensions = ["py"]         args = ["--", "/src/index.py"]
//   [envs] NAME = "value"      (applied to every worker of the runtime; the original ignored them)
//   [binary]   url, filename, checksum = { type = "sha256", value = "<hex>" }
//   [polyfill] [wrapper] [template]   optional, same shape as [binary]
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <toml++/toml.h>

namespace wws::runtimes {

struct RemoteFile {
  std::string url;       // http://, https:// or file://; relative to the index when not absolute
  std::string filename;  // a plain file name: no folders, no "..", nothing hidden
  std::string sha256;    // lower-case hex
};

struct RuntimeMetadata {
  std::string name;
  std::string version;
  std::vector<std::string> tags;
  std::string status = "active";        // active | yanked | deprecated | unknown
  std::vector<std::string> extensions;  // without the dot
  std::vector<std::string> args;        // the interpreter's full argv
  std::vector<std::pair<std::string, std::string>> envs;
  RemoteFile binary;
  std::optional<RemoteFile> polyfill;
  std::optional<RemoteFile> wrapper;
  std::optional<RemoteFile> template_file;  // described by the original's format; wws stores it, nothing reads it

  // Every file of the runtime, binary first.
  std::vector<const RemoteFile*> files() const;
  // `version_or_tag` is the version or one of the tags (so "latest" works).
  bool matches(const std::string& name, const std::string& version_or_tag) const;
};

// Reads one runtime table; `label` prefixes error messages ("[[runtimes]] #2"). Throws
// MetadataError naming the field and its line.
RuntimeMetadata parse_runtime(const toml::table& table, const std::string& label);
toml::table runtime_to_toml(const RuntimeMetadata& runtime);

struct MetadataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A file name safe to join to an install folder.
bool is_safe_filename(const std::string& name);

}  // namespace wws::runtimes
