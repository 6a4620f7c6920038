// kv/json.cpp: hand-written JSON string escaping. It is on the hot path of every request (the
// request body and the K/V snapshot go through it), so it copies runs of plain bytes at once.
#include "kv/json.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace wws::kv::json {
namespace {

enum ByteClass : std::uint8_t { kPlain = 0, kEscape = 1, kNonAscii = 2 };

constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c == '"' || c == '\\') table[c] = kEscape;
    else if (c >= 0x80) table[c] = kNonAscii;
    else table[c] = kPlain;
  }
  return table;
}();

void append_escape_sequence(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char seq[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(seq, sizeof seq);
    }
  }
}

template <bool kStopAtInvalidUtf8>
bool escape_into(std::string& out, std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = p + bytes.size();
  while (p < end) {
    const auto* run = p;
    std::size_t sequence = 0;
    while (p < end) {
      const std::uint8_t cls = kByteClass[*p];
      if (cls == kPlain) {
        ++p;
      } else if (cls == kNonAscii && (sequence = utf8_sequence_length(p, end - p)) != 0) {
        p += sequence;
      } else {
        break;
      }
    }
    out.append(reinterpret_cast<const char*>(run), p - run);
    if (p == end) break;
    const unsigned char c = *p++;
    if (kByteClass[c] == kEscape) {
      append_escape_sequence(out, c);
    } else {
      if constexpr (kStopAtInvalidUtf8) return false;
      // Latin-1 byte -> its two-byte UTF-8 encoding.
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return true;
}

}  // namespace

void append_escaped(std::string& out, std::string_view bytes) { escape_into<false>(out, bytes); }

bool append_escaped_utf8(std::string& out, std::string_view bytes) { return escape_into<true>(out, bytes); }

void append_string(std::string& out, std::string_view bytes) {
  out.push_back('"');
  append_escaped(out, bytes);
  out.push_back('"');
}

std::string serialise(const Map& map) {
  std::size_t estimate = 2;
  for (const auto& [key, value] : map) estimate += key.size() + value.size() + 6;
  std::string out;
  out.reserve(estimate + estimate / 16);
  out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : map) {
    if (!first) out.push_back(',');
    first = false;
    append_string(out, key);
    out.push_back(':');
    append_string(out, value);
  }
  out.push_back('}');
  return out;
}

}  // namespace wws::kv::json
