#include "config/schema.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace wws::config::detail {
namespace {

enum class Kind {
  Value,        // a key holding a value
  Table,        // [name]: its keys are checked against `children`
  TableArray,   // [[name]]: each table checked against `children`
  AnyKeys,      // [vars]: any key is fine
  Unsupported,  // known from the original but not available in wws: `note` says so
};

struct Entry {
  std::string_view name;
  Kind kind = Kind::Value;
  std::vector<Entry> children = {};
  std::string_view note = {};
};

const Entry& schema() {
  static const Entry root{
      "",
      Kind::Table,
      {
          {"name"},
          {"version"},
          {"vars", Kind::AnyKeys},
          {"data",
           Kind::Table,
           {{"kv", Kind::Table, {{"namespace"}, {"max_keys"}, {"max_value_bytes"}, {"max_namespace_bytes"}}}}},
          {"folders", Kind::TableArray, {{"from"}, {"to"}}},
          {"features",
           Kind::Table,
           {
               {"http_requests", Kind::Table, {{"allowed_hosts"}, {"allowed_methods"}, {"allow_http"}}},
               {"wasi_nn", Kind::Unsupported, {}, "wasi-nn is not available in wws; the worker runs without it"},
           }},
          {"limits", Kind::Table, {{"timeout_ms"}, {"memory_mb"}, {"fuel"}}},
          {"js", Kind::Table, {{"fresh_context"}}},
          {"wasm", Kind::Table, {{"preinit"}, {"engine"}}},
      }};
  return root;
}

bool is_table_kind(Kind k) { return k == Kind::Table || k == Kind::TableArray || k == Kind::AnyKeys; }

// "[features.http_requests]" for a table, "timeout_ms in [limits]" or "nme" for a key.
std::string describe(const std::vector<std::string>& parents, std::string_view name, bool is_table) {
  std::string path;
  for (const auto& p : parents) path += p + ".";
  if (is_table) return fmt::format("[{}{}]", path, name);
  if (parents.empty()) return std::string(name);
  path.pop_back();
  return fmt::format("{} in [{}]", name, path);
}

struct Place {
  std::vector<std::string> parents;
  const Entry* entry;
};

void collect_places(const Entry& table, std::vector<std::string>& parents, std::vector<Place>& out) {
  for (const auto& child : table.children) {
    out.push_back({parents, &child});
    if (is_table_kind(child.kind)) {
      parents.emplace_back(child.name);
      collect_places(child, parents, out);
      parents.pop_back();
    }
  }
}

std::string suggestion(const Entry& table, const std::vector<std::string>& parents, std::string_view key) {
  // The nearest sibling, when it is close enough to be a typo.
  const Entry* best = nullptr;
  size_t best_distance = 0;
  for (const auto& child : table.children) {
    const size_t d = edit_distance(key, child.name);
    if (!best || d < best_distance) {
      best = &child;
      best_distance = d;
    }
  }
  const size_t limit = std::max<size_t>(1, std::min(key.size(), best ? best->name.size() : 0) / 3);
  if (best && best_distance <= limit) {
    const bool table = is_table_kind(best->kind);
    return fmt::format("; did you mean {}?", table ? describe(parents, best->name, true) : std::string(best->name));
  }
  // The same name elsewhere: a key written in the wrong table.
  std::vector<Place> places;
  std::vector<std::string> none;
  collect_places(schema(), none, places);
  for (const auto& place : places)
    if (place.entry->name == key)
      return fmt::format("; did you mean {}?", describe(place.parents, key, is_table_kind(place.entry->kind)));
  return {};
}

std::string located(const std::string& source, const toml::source_region& where, std::string_view message) {
  if (where.begin.line == 0) return fmt::format("{}: {}", source, message);
  return fmt::format("{}:{}:{}: {}", source, where.begin.line, where.begin.column, message);
}

struct Found {
  uint32_t line, column;
  std::string text;
};

void add(std::vector<Found>& found, const std::string& source, const toml::source_region& where,
         const std::string& message) {
  found.push_back({where.begin.line, where.begin.column, located(source, where, message)});
}

void check_table(const toml::table& table, const Entry& entry, std::vector<std::string>& parents,
                 const std::string& source, std::vector<Found>& warnings) {
  for (const auto& [key, node] : table) {
    const std::string_view name = key.str();
    auto known =
        std::find_if(entry.children.begin(), entry.children.end(), [&](const Entry& e) { return e.name == name; });
    if (known == entry.children.end()) {
      const bool looks_like_table = node.is_table() || node.is_array_of_tables();
      add(warnings, source, key.source(),
          fmt::format("unknown {} {}{} (ignored)", looks_like_table ? "table" : "key",
                      describe(parents, name, looks_like_table), suggestion(entry, parents, name)));
      continue;
    }
    if (known->kind == Kind::Unsupported) {
      add(warnings, source, key.source(), fmt::format("{}: {}", describe(parents, name, true), known->note));
      continue;
    }
    parents.emplace_back(name);
    // Type errors (a table where a value belongs, and so on) are the readers' to report.
    if (known->kind == Kind::Table && node.is_table()) check_table(*node.as_table(), *known, parents, source, warnings);
    if (known->kind == Kind::TableArray && node.is_array())
      for (const auto& item : *node.as_array())
        if (item.is_table()) check_table(*item.as_table(), *known, parents, source, warnings);
    parents.pop_back();
  }
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

void check_known_keys(const toml::table& root, const std::string& source_name, std::vector<std::string>& warnings) {
  std::vector<std::string> parents;
  std::vector<Found> found;
  check_table(root, schema(), parents, source_name, found);
  // Tables iterate by key; a reader wants the file's order.
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  for (auto& f : found) warnings.push_back(std::move(f.text));
}

}  // namespace wws::config::detail
