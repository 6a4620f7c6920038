// The on-disk cache of compiled code (`--cache-dir`), shared by `wws compile` and start-up, so a
// project compiles once per machine (or once per image, ahead of time) instead of at every start.
// An entry is named by a hash of everything its code depends on (the module's bytes, the engine
// and its version, the settings that change generated code) and stored with a checksum of its
// payload. Loading an engine's serialized code is only safe for bytes that engine wrote, so an
// entry whose checksum does not match is logged, removed and rebuilt, never handed over.
// Entries are written to a temporary file and renamed, so readers never see half an entry.
// The cache folder must be as trusted as the wws binary: whoever can write it can run code.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wws::engine {

class CodeCache {
 public:
  // An empty `dir` disables the cache (load finds nothing, store does nothing).
  explicit CodeCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  bool enabled() const { return !dir_.empty(); }
  const std::filesystem::path& dir() const { return dir_; }

  // The key of code compiled from `input` under `settings` (engine, version and options).
  static std::string key(std::span<const uint8_t> input, std::string_view settings);

  // The payload stored under `key`, if present and intact. A damaged entry is logged and removed.
  std::optional<std::vector<uint8_t>> load(const std::string& key) const;
  // Stores `payload` under `key`; a failure is logged and otherwise ignored (the cache is optional).
  bool store(const std::string& key, std::span<const uint8_t> payload) const;
  // Removes an entry the engine refused although its checksum matched (e.g. a stale format).
  void remove(const std::string& key, std::string_view why) const;

  std::filesystem::path path_for(const std::string& key) const;

 private:
  std::filesystem::path dir_;
};

// $XDG_CACHE_HOME/wws/code, or ~/.cache/wws/code (a folder of its own: ~/.cache/wws also holds
// build caches); empty when neither can be found. Each engine keeps its entries in a subfolder
// named by its version, so a new release leaves the old code in a folder one can delete.
std::filesystem::path default_cache_dir();

}  // namespace wws::engine
