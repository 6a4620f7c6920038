// config/schema: every table and key a worker's TOML may hold, so that anything else is reported
// instead of silently ignored (the original ignored it, so `[limts]` quietly meant no limits).
// A new key goes into the table in schema.cpp next to the code that reads it.
#pragma once
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace wws::config::detail {

// Appends one "<file>:<line>:<col>: unknown ..." warning per key or table the schema does not
// know, naming the nearest valid one when there is one ("did you mean [limits]?").
void check_known_keys(const toml::table& root, const std::string& source_name, std::vector<std::string>& warnings);

// Edit distance with adjacent transpositions (optimal string alignment), for suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace wws::config::detail
