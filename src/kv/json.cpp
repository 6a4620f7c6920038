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

bool in_range(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

}  // namespace

std::size_t utf8_sequence_length(const unsigned char* p, std::size_t remaining) {
  if (remaining == 0) return 0;
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;  // continuation byte, or overlong 2-byte lead
  if (c < 0xE0) return remaining >= 2 && in_range(p[1], 0x80, 0xBF) ? 2 : 0;
  if (c < 0xF0) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // E0 80..9F would be overlong
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // ED A0..BF are UTF-16 surrogates
    return remaining >= 3 && in_range(p[1], lo, hi) && in_range(p[2], 0x80, 0xBF) ? 3 : 0;
  }
  if (c < 0xF5) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // F0 80..8F would be overlong
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // F4 90.. is above U+10FFFF
    return remaining >= 4 && in_range(p[1], lo, hi) && in_range(p[2], 0x80, 0xBF) &&
                   in_range(p[3], 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

bool is_valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = p + bytes.size();
  while (p < end) {
    // Most bodies are ASCII: skip eight ASCII bytes at a time.
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    const std::size_t n = utf8_sequence_length(p, end - p);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

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
