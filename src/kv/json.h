// kv/json.h: the JSON text of K/V maps, and the string escaping and UTF-8 checks that the
// worker protocol shares with it (both write JSON that a worker's kit must be able to parse).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include "util/text.h"

#include "kv/store.h"

namespace wws::kv::json {

// UTF-8 checks live in util/text.h; kept visible here for the JSON code and its callers.
using util::is_valid_utf8;
using util::utf8_sequence_length;

// Appends the escaped contents of a JSON string (no quotes). Quote, backslash and control
// characters (NUL included) are escaped; valid UTF-8 is copied as is. Bytes that are not part of
// valid UTF-8 (e.g. obs-text in header values) are read as Latin-1 and written as UTF-8, so the
// result is always valid JSON even for arbitrary bytes.
void append_escaped(std::string& out, std::string_view bytes);

// Like append_escaped but for text that must be UTF-8: stops and returns false at the first
// invalid byte (the caller truncates `out` back and falls back to another encoding).
bool append_escaped_utf8(std::string& out, std::string_view bytes);

// `"` + append_escaped + `"`.
void append_string(std::string& out, std::string_view bytes);

// The map as a compact JSON object, keys in map order.
std::string serialise(const Map& map);

}  // namespace wws::kv::json
