// JSON helpers for the e2e tests (the echo and vars workers answer JSON).
#pragma once
#include <map>
#include <string>

#include <rapidjson/document.h>

namespace e2e {

// Parses text; on invalid JSON the document HasParseError() and tests fail on it.
inline rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  return doc;
}

// A string member, or "<missing>" so a mismatch reads clearly in the failure message.
inline std::string str(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return "<not an object>";
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return "<missing>";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// A boolean member; missing or not a boolean reads as false.
inline bool flag(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return false;
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

// An unsigned integer member; missing reads as -1.
inline long long integer(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return -1;
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsUint64() ? static_cast<long long>(it->value.GetUint64()) : -1;
}

// An object of strings as a std::map.
inline std::map<std::string, std::string> string_map(const rapidjson::Value& object, const char* name) {
  std::map<std::string, std::string> out;
  if (!object.IsObject()) return out;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsObject()) return out;
  for (auto& m : it->value.GetObject()) {
    if (m.value.IsString()) out[m.name.GetString()] = std::string(m.value.GetString(), m.value.GetStringLength());
  }
  return out;
}

}  // namespace e2e
