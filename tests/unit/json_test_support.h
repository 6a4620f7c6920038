// Parsing JSON in tests the way the server does: the build defines RAPIDJSON_SSE2, whose string
// and whitespace scans load 16 aligned bytes at a time and so may read up to 15 bytes past the
// text's end. The server parses from buffers padded for that (worker/protocol.cpp); a test
// parsing a plain std::string would read past its allocation, which ASan reports.
#pragma once
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace wws::test {

inline void parse_json(rapidjson::Document& doc, std::string_view text) {
  std::string padded;
  padded.reserve(text.size() + 16);
  padded.append(text);
  padded.append(15, '\0');
  doc.Parse(padded.data(), text.size());
}

}  // namespace wws::test
