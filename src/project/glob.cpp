// project/glob: wax-style glob matching for --ignore patterns on '/'-separated relative paths.
#include <string>
#include <utility>

#include "project/discovery.h"

namespace wws::project {
namespace {

bool at_segment_start(std::string_view text, size_t pos) { return pos == 0 || text[pos - 1] == '/'; }

// Index of the '}' closing the '{' at `open`, or npos. Nested braces and escapes are skipped.
size_t closing_brace(std::string_view pattern, size_t open) {
  int depth = 0;
  for (size_t i = open; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Top-level comma-separated alternatives inside the braces.
std::vector<std::string_view> alternatives(std::string_view inner) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(inner.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(inner.substr(start));
  return out;
}

// One range of a `[...]` class starting at pattern[i]: `x`, `\x`, `x-y` (either end may be
// escaped). Leaves `i` on the range's last character.
std::pair<char, char> class_range(std::string_view pattern, size_t& i) {
  char lo = pattern[i];
  if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
  char hi = lo;
  if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
    hi = pattern[i + 2];
    if (hi == '\\' && i + 3 < pattern.size()) hi = pattern[++i + 2];
    i += 2;
  }
  return {lo, hi};
}

// Matches a `[...]` class at `pos` against `c`. Sets `end` past the class; returns nullopt-like
// -1 when the class is unterminated (then '[' is literal), else 0/1.
int match_class(std::string_view pattern, size_t pos, char c, size_t& end) {
  size_t i = pos + 1;
  bool negated = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negated) ++i;
  bool matched = false;
  // A ']' first in the class is a member, not its end.
  for (size_t first = i; i < pattern.size(); ++i) {
    if (pattern[i] == ']' && i != first) {
      end = i + 1;
      // A class never matches the separator, negated or not.
      if (c == '/') return 0;
      return matched != negated ? 1 : 0;
    }
    auto [lo, hi] = class_range(pattern, i);
    auto uc = static_cast<unsigned char>(c);
    if (uc >= static_cast<unsigned char>(lo) && uc <= static_cast<unsigned char>(hi)) matched = true;
  }
  return -1;
}

bool match_here(std::string_view pattern, size_t pi, std::string_view path, size_t si);

// The `*` or `**` at pattern[pi] and the rest of the pattern, against path from `si`.
bool match_star(std::string_view pattern, size_t pi, std::string_view path, size_t si) {
  bool globstar = pi + 1 < pattern.size() && pattern[pi + 1] == '*' && at_segment_start(pattern, pi) &&
                  (pi + 2 == pattern.size() || pattern[pi + 2] == '/') && at_segment_start(path, si);
  if (globstar) {
    if (pi + 2 == pattern.size()) return true;  // trailing `**`: everything below
    // `**/` takes zero or more whole segments.
    for (size_t s = si; s <= path.size(); ++s) {
      if (at_segment_start(path, s) && match_here(pattern, pi + 3, path, s)) return true;
    }
    return false;
  }
  // `*` (and a `**` that is not a whole segment) takes any run of characters within one segment.
  while (pi < pattern.size() && pattern[pi] == '*') ++pi;
  for (size_t s = si;; ++s) {
    if (match_here(pattern, pi, path, s)) return true;
    if (s >= path.size() || path[s] == '/') return false;
  }
}

// The `{...}` spanning pattern[open..close] and the rest of the pattern: any alternative matches.
bool match_alternatives(std::string_view pattern, size_t open, size_t close, std::string_view path, size_t si) {
  std::string_view rest = pattern.substr(close + 1);
  for (auto alternative : alternatives(pattern.substr(open + 1, close - open - 1))) {
    // The expansion keeps what came before so `**` still knows where segments start.
    std::string expanded(pattern.substr(0, open));
    expanded.append(alternative).append(rest);
    if (match_here(expanded, open, path, si)) return true;
  }
  return false;
}

// One pattern element that takes exactly one character (`?`, a `[...]` class, `\x` or a literal)
// against `c`: the position past the element, or npos when `c` does not match.
size_t match_char(std::string_view pattern, size_t pi, char c) {
  char p = pattern[pi];
  if (p == '?') return c == '/' ? std::string_view::npos : pi + 1;
  if (p == '[') {
    size_t end = 0;
    int result = match_class(pattern, pi, c, end);
    if (result == 0) return std::string_view::npos;
    if (result == 1) return end;
    // Unterminated: the '[' is a literal.
  }
  if (p == '\\' && pi + 1 < pattern.size()) p = pattern[++pi];
  return p == c ? pi + 1 : std::string_view::npos;
}

bool match_here(std::string_view pattern, size_t pi, std::string_view path, size_t si) {
  while (pi < pattern.size()) {
    if (pattern[pi] == '*') return match_star(pattern, pi, path, si);
    if (pattern[pi] == '{') {
      size_t close = closing_brace(pattern, pi);
      if (close != std::string_view::npos) return match_alternatives(pattern, pi, close, path, si);
    }
    if (si >= path.size()) return false;
    pi = match_char(pattern, pi, path[si]);
    if (pi == std::string_view::npos) return false;
    ++si;
  }
  return si == path.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  // An empty pattern is the CLI's default `--ignore ""`: it must not ignore anything.
  if (pattern.empty()) return false;
  return match_here(pattern, 0, path, 0);
}

}  // namespace wws::project
