// router/percent: decoding request path segments before they are matched (reference §2.3 and
// the brief's fix: matching and params use decoded text, never raw escapes).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace wws::router {

// Decodes %XX escapes. A '%' not followed by two hex digits stays literal, as most servers do,
// so a stray '%' never turns a request into an error. Returns nullopt when the decoded text
// holds a NUL byte or is not valid UTF-8: such a segment can never name a route or a parameter
// that a worker could safely receive.
std::optional<std::string> decode_segment(std::string_view raw);

}  // namespace wws::router
