// The on-disk cache of compiled code (`--cache-dir`), shared by `wws compile` and start-up, so a
// project compiles once per machine (or once per image, ahead of time) instead of at every start.
// An entry is named by a hash of everything its code depends on (the module's bytes, the engine
// and its version, the settings that change generated code) and ends with a trailer holding a
// checksum of the engine's bytes before it (a fast one: it is there to find damage). Loading an
// engine's serialized code is only safe for bytes that engine wrote, so an entry whose checksum
// does not match is logged, removed and rebuilt, never handed over. The engine's bytes start the
// file, so an engine can map the file itself (code and memory images are then paged in from the
// page cache as they are used).
// Entries are written to a temporary file and renamed, so readers never see half an entry and a
// file once verified never changes under a reader.
// The cache folder must be as trusted as the wws binary: whoever can write it can run code.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wws::engine {

class CodeCache {
 public:
  // A verified entry, mapped read-only while it lives.
  class Entry {
   public:
    Entry(Entry&& other) noexcept;
    Entry& operator=(Entry&&) = delete;
    ~Entry();
    // The engine's bytes (the file without its trailer).
    std::span<const uint8_t> payload() const { return {static_cast<const uint8_t*>(map_), payload_size_}; }
    // A path naming the very file that was verified, for as long as the Entry lives (its open
    // descriptor under /proc/self/fd), or the entry's own path where /proc is not mounted.
    const std::string& file() const { return file_; }

   private:
    friend class CodeCache;
    Entry(int fd, void* map, size_t map_size, size_t payload_size, std::string file)
        : fd_(fd), map_(map), map_size_(map_size), payload_size_(payload_size), file_(std::move(file)) {}
    int fd_;
    void* map_;
    size_t map_size_;
    size_t payload_size_;
    std::string file_;
  };

  // An empty `dir` disables the cache (load finds nothing, store does nothing).
  explicit CodeCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  bool enabled() const { return !dir_.empty(); }
  const std::filesystem::path& dir() const { return dir_; }

  // The key of code compiled from `input` under `settings` (engine, version and options).
  static std::string key(std::span<const uint8_t> input, std::string_view settings);

  // The entry stored under `key`, if present and intact. A damaged entry is logged and removed.
  std::optional<Entry> load(const std::string& key) const;
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
