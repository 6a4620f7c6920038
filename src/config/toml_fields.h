// config/toml_fields: typed reads of TOML nodes. A wrong type or value throws FieldError carrying the
// node's position, so every error in a worker file can point at the exact line and column to fix.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace wws::config::detail {

struct FieldError : std::runtime_error {
  // std::runtime_error copies its message (it has no constructor that takes a string to move).
  FieldError(const toml::source_region& where, const std::string& reason) : std::runtime_error(reason), where(where) {}
  toml::source_region where;
};

// "string", "integer", "table"... as a user would call the TOML type.
std::string_view type_name(const toml::node& node);

// `label` names the field in messages, e.g. "[vars] MESSAGE" or "version".
[[noreturn]] void fail_type(const toml::node& node, std::string_view label, std::string_view expected);

std::string require_string(const toml::node& node, std::string_view label);
int64_t require_integer(const toml::node& node, std::string_view label);
bool require_bool(const toml::node& node, std::string_view label);
const toml::table& require_table(const toml::node& node, std::string_view label);
const toml::array& require_array(const toml::node& node, std::string_view label);

// nullptr when the key is absent; a type error when it is present with another type.
const toml::table* optional_table(const toml::table& parent, std::string_view key, std::string_view label);
std::optional<std::string> optional_string(const toml::table& parent, std::string_view key, std::string_view label);

}  // namespace wws::config::detail
