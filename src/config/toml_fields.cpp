// config/toml_fields: typed reads of TOML nodes with positioned errors.
#include "config/toml_fields.h"

#include <fmt/format.h>

namespace wws::config::detail {

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

void fail_type(const toml::node& node, std::string_view label, std::string_view expected) {
  throw FieldError(node.source(), fmt::format("{} must be {} (found {})", label, expected, type_name(node)));
}

std::string require_string(const toml::node& node, std::string_view label) {
  const auto* value = node.as_string();
  if (!value) fail_type(node, label, "a string");
  return value->get();
}

int64_t require_integer(const toml::node& node, std::string_view label) {
  const auto* value = node.as_integer();
  if (!value) fail_type(node, label, "an integer");
  return value->get();
}

bool require_bool(const toml::node& node, std::string_view label) {
  const auto* value = node.as_boolean();
  if (!value) fail_type(node, label, "true or false");
  return value->get();
}

const toml::table& require_table(const toml::node& node, std::string_view label) {
  const auto* value = node.as_table();
  if (!value) fail_type(node, label, "a table");
  return *value;
}

const toml::array& require_array(const toml::node& node, std::string_view label) {
  const auto* value = node.as_array();
  if (!value) fail_type(node, label, "an array");
  return *value;
}

const toml::table* optional_table(const toml::table& parent, std::string_view key, std::string_view label) {
  const toml::node* node = parent.get(key);
  return node ? &require_table(*node, label) : nullptr;
}

std::optional<std::string> optional_string(const toml::table& parent, std::string_view key, std::string_view label) {
  const toml::node* node = parent.get(key);
  if (!node) return std::nullopt;
  return require_string(*node, label);
}

}  // namespace wws::config::detail
