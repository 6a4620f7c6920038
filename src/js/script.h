// A JS worker as loaded at start-up: the worker's source and the local modules it imports, with
// the V8 code caches produced by the load-time compile. Read-only, shared by all server threads;
// each thread's isolate compiles its own copy from these (cheaply, through the code cache).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wws::js {

struct ScriptFile {
  std::filesystem::path path;  // canonical
  std::string source;
  std::vector<uint8_t> code_cache;        // may be empty: then isolates compile from source
  std::map<std::string, size_t> imports;  // specifier as written -> index in Script::files
};

struct Script {
  uint64_t id = 0;  // unique per load, so per-thread caches never confuse a reloaded worker
  bool is_module = false;
  std::filesystem::path root;     // imports must stay inside it
  std::vector<ScriptFile> files;  // [0] is the worker itself
};

// True when the source has import or export statements (a cheap scan; comments and strings can
// fool it, which is why load_script falls back to a classic script when only that compiles).
bool looks_like_module(std::string_view source);

}  // namespace wws::js
