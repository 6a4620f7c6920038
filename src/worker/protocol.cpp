// worker/protocol.cpp: the stdin/stdout JSON of the worker protocol (reference §1.1, §1.2).
// The input is written by hand (it is built for every request); the output is parsed with
// RapidJSON, which keeps string lengths, so embedded NULs in "data" survive.
#include "worker/protocol.h"
#include "util/text.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kv/json.h"

namespace wws::worker {
namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_base64(std::string& out, std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  const std::size_t start = out.size();
  out.resize(start + (n + 2) / 3 * 4);
  char* o = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    *o++ = kBase64Alphabet[v >> 18];
    *o++ = kBase64Alphabet[(v >> 12) & 63];
    *o++ = kBase64Alphabet[(v >> 6) & 63];
    *o++ = kBase64Alphabet[v & 63];
  }
  if (i < n) {
    const std::uint32_t v = (p[i] << 16) | (i + 1 < n ? p[i + 1] << 8 : 0);
    *o++ = kBase64Alphabet[v >> 18];
    *o++ = kBase64Alphabet[(v >> 12) & 63];
    *o++ = i + 1 < n ? kBase64Alphabet[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
}

constexpr std::array<std::int8_t, 256> kBase64Values = [] {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}();

// Where the header list repeats a name: for each index, the next index with the same name (or
// npos), and whether it is that name's first occurrence. Hashing keeps this linear whatever the
// client sends (10,800 distinct empty headers fit in a 64 KiB head); short lists, the common
// case, are scanned directly and allocate nothing.
class HeaderGroups {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static constexpr std::size_t kScanLimit = 32;

  explicit HeaderGroups(const http::HeaderList& headers) : headers_(headers) {
    if (headers.size() <= kScanLimit) return;
    next_.assign(headers.size(), kNone);
    first_.assign(headers.size(), false);
    std::unordered_map<std::string_view, std::size_t> last;
    last.reserve(headers.size());
    for (std::size_t i = 0; i < headers.size(); ++i) {
      auto [it, inserted] = last.try_emplace(headers[i].first, i);
      if (inserted) {
        first_[i] = true;
      } else {
        next_[it->second] = i;
        it->second = i;
      }
    }
  }
  bool first(std::size_t i) const {
    if (!first_.empty()) return first_[i];
    for (std::size_t j = 0; j < i; ++j)
      if (headers_[j].first == headers_[i].first) return false;
    return true;
  }
  std::size_t next(std::size_t i) const {
    if (!next_.empty()) return next_[i];
    for (std::size_t j = i + 1; j < headers_.size(); ++j)
      if (headers_[j].first == headers_[i].first) return j;
    return kNone;
  }

 private:
  const http::HeaderList& headers_;
  std::vector<std::size_t> next_;
  std::vector<bool> first_;
};

// Writes the value of every header named like headers[first], joined the way the HTTP
// semantics allow (RFC 9110 §5.3; cookie pairs use "; ", RFC 6265 §5.4).
void append_joined_header(std::string& out, const http::HeaderList& headers, const HeaderGroups& groups,
                          std::size_t first) {
  const std::string_view separator = headers[first].first == "cookie" ? "; " : ", ";
  out.push_back('"');
  kv::json::append_escaped(out, headers[first].second);
  for (std::size_t i = groups.next(first); i != HeaderGroups::kNone; i = groups.next(i)) {
    out.append(separator);
    kv::json::append_escaped(out, headers[i].second);
  }
  out.push_back('"');
}

void append_headers(std::string& out, const http::HeaderList* headers) {
  out.push_back('{');
  if (headers) {
    const HeaderGroups groups(*headers);
    bool first = true;
    for (std::size_t i = 0; i < headers->size(); ++i) {  // arrival order of each name's first value
      if (!groups.first(i)) continue;
      if (!first) out.push_back(',');
      first = false;
      kv::json::append_string(out, (*headers)[i].first);
      out.push_back(':');
      append_joined_header(out, *headers, groups, i);
    }
  }
  out.push_back('}');
}

std::size_t estimate_input_size(const InputFields& in) {
  std::size_t size = 96 + in.url.size() + in.method.size() + in.body.size() + in.kv_json.size();
  if (in.headers)
    for (const auto& [name, value] : *in.headers) size += name.size() + value.size() + 6;
  if (in.params)
    for (const auto& [name, value] : *in.params) size += name.size() + value.size() + 6;
  return size + size / 16;
}

// --- output ---

using JsonValue = rapidjson::Value;

std::string describe(const JsonValue& value) {
  if (value.IsNull()) return "null";
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsNumber()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value.GetDouble());
    return buffer;
  }
  if (value.IsString()) return "a string";
  if (value.IsArray()) return "an array";
  return "an object";
}

std::string_view view(const JsonValue& string_value) {
  return {string_value.GetString(), string_value.GetStringLength()};
}

// Quotes a worker-provided name for an error message, cut short and without control bytes, so
// the message stays one readable log line.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < 64; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c));
  }
  if (text.size() > 64) out += "...";
  out.push_back('"');
  return out;
}

bool is_valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!util::is_http_token_char(static_cast<unsigned char>(c))) return false;
  return true;
}

// CR and LF would split the response (header injection); NUL is rejected by every HTTP stack.
bool is_valid_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

bool read_status(const JsonValue& value, Output& out, std::string* error) {
  if (value.IsNull()) return true;
  if (!value.IsInt() || value.GetInt() < 100 || value.GetInt() > 999)
    return fail(error, "\"status\" must be an integer from 100 to 999, got " + describe(value));
  out.status = value.GetInt();
  return true;
}

bool add_header(std::string_view name, const JsonValue& value, Output& out, std::string* error) {
  if (!value.IsString())
    return fail(error, "\"headers\" value for " + quoted(name) + " must be a string or an array of strings");
  if (!is_valid_header_value(view(value)))
    return fail(error, "\"headers\" value for " + quoted(name) + " contains CR, LF or NUL");
  out.headers.emplace_back(std::string(name), std::string(view(value)));
  return true;
}

bool read_headers(const JsonValue& value, Output& out, std::string* error) {
  if (value.IsNull()) return true;
  if (!value.IsObject()) return fail(error, "\"headers\" must be an object, got " + describe(value));
  for (const auto& member : value.GetObject()) {
    const std::string_view name = view(member.name);
    if (!is_valid_header_name(name)) return fail(error, "\"headers\" has an invalid HTTP header name " + quoted(name));
    if (member.value.IsArray()) {
      for (const auto& item : member.value.GetArray())
        if (!add_header(name, item, out, error)) return false;
    } else if (!add_header(name, member.value, out, error)) {
      return false;
    }
  }
  return true;
}

bool read_kv(const JsonValue& value, Output& out, std::string* error) {
  if (value.IsNull()) return true;
  if (!value.IsObject()) return fail(error, "\"kv\" must be an object of strings, got " + describe(value));
  kv::Map map;
  for (const auto& member : value.GetObject()) {
    const std::string_view key = view(member.name);
    if (!member.value.IsString())
      return fail(error, "\"kv\" value for key " + quoted(key) + " must be a string, got " + describe(member.value));
    map.insert_or_assign(std::string(key), std::string(view(member.value)));  // a repeated key: last wins
  }
  out.kv = std::move(map);
  return true;
}

// The fields of one "kv_ops" item; errors name the item.
struct OpFields {
  const JsonValue& item;
  std::string where;
  std::string* error;

  const JsonValue* member(const char* name) const {
    auto it = item.FindMember(name);
    return it == item.MemberEnd() ? nullptr : &it->value;
  }
  bool string_or_null(const char* name, std::optional<std::string>* value) const {
    const JsonValue* v = member(name);
    if (!v) return fail(error, where + " needs \"" + name + "\" (a string, or null)");
    if (v->IsNull()) return value->reset(), true;
    if (!v->IsString()) return fail(error, where + " \"" + name + "\" must be a string or null, got " + describe(*v));
    *value = std::string(view(*v));
    return true;
  }
  bool string(const char* name, std::optional<std::string>* value) const {
    const JsonValue* v = member(name);
    if (!v || !v->IsString()) return fail(error, where + " needs \"" + name + "\" (a string)");
    *value = std::string(view(*v));
    return true;
  }
  bool integer(const char* name, int64_t fallback, int64_t* value) const {
    const JsonValue* v = member(name);
    if (!v || v->IsNull()) return *value = fallback, true;
    if (!v->IsInt64()) return fail(error, where + " \"" + name + "\" must be a 64-bit integer, got " + describe(*v));
    *value = v->GetInt64();
    return true;
  }
};

// The kind of an op and the fields it takes beyond "key" and "ttl_ms".
bool read_op_kind(const OpFields& fields, std::string_view name, kv::Op& op) {
  if (name == "incr") return op.kind = kv::OpKind::Increment, fields.integer("by", 1, &op.delta);
  if (name == "cas") {
    op.kind = kv::OpKind::CompareAndSwap;
    return fields.string_or_null("expect", &op.expected) && fields.string_or_null("value", &op.value);
  }
  if (name == "expire") return op.kind = kv::OpKind::Expire, true;
  if (name == "set") return op.kind = kv::OpKind::Set, fields.string("value", &op.value);
  if (name == "delete") return op.kind = kv::OpKind::Delete, true;
  return fail(fields.error,
              fields.where + " has an unknown \"op\" " + quoted(name) + "; use incr, cas, expire, set or delete");
}

// "kv_ops": [{"op": "incr"|"cas"|"expire"|"set"|"delete", "key": ..., ...}, ...] (see protocol.h).
bool read_kv_op(const JsonValue& item, size_t index, Output& out, std::string* error) {
  const OpFields fields{item, "\"kv_ops\"[" + std::to_string(index) + "]", error};
  if (!item.IsObject()) return fail(error, fields.where + " must be an object, got " + describe(item));
  const JsonValue* op = fields.member("op");
  const JsonValue* key = fields.member("key");
  if (!op || !op->IsString())
    return fail(error, fields.where + " needs \"op\": \"incr\", \"cas\", \"expire\", \"set\" or \"delete\"");
  if (!key || !key->IsString()) return fail(error, fields.where + " needs \"key\" (a string)");
  kv::Op result;
  result.key = std::string(view(*key));
  if (!fields.integer("ttl_ms", 0, &result.ttl_ms) || !read_op_kind(fields, view(*op), result)) return false;
  out.kv_ops.push_back(std::move(result));
  return true;
}

bool read_kv_ops(const JsonValue& value, Output& out, std::string* error) {
  if (value.IsNull()) return true;
  if (!value.IsArray()) return fail(error, "\"kv_ops\" must be an array of operations, got " + describe(value));
  size_t index = 0;
  for (const auto& item : value.GetArray())
    if (!read_kv_op(item, index++, out, error)) return false;
  return true;
}

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t digits = last ? 4 - padding : 4;
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      int digit = 0;
      if (j < digits) {
        // NOLINTNEXTLINE(bugprone-signed-char-misuse): the table holds numbers (-1..63), not characters
        digit = kBase64Values[static_cast<unsigned char>(text[i + j])];
        if (digit < 0) return std::nullopt;  // '=' in the middle lands here too
      }
      v = (v << 6) | static_cast<std::uint32_t>(digit);
    }
    out.push_back(static_cast<char>(v >> 16));
    if (digits > 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (digits > 3) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) { return kv::json::is_valid_utf8(bytes); }

std::string build_input_json(const InputFields& in) {
  std::string out;
  out.reserve(estimate_input_size(in));
  out += "{\"url\":";
  kv::json::append_string(out, in.url);
  out += ",\"method\":";
  kv::json::append_string(out, in.method);
  out += ",\"headers\":";
  append_headers(out, in.headers);
  out += ",\"body\":\"";
  const std::size_t body_start = out.size();
  if (kv::json::append_escaped_utf8(out, in.body)) {
    out += '"';
  } else {
    // Binary body: the original sent "" here; base64 keeps the bytes and the flag says so.
    out.resize(body_start);
    append_base64(out, in.body);
    out += "\",\"base64\":true";
  }
  out += ",\"kv\":";
  out += in.kv_json.empty() ? std::string_view("{}") : in.kv_json;
  out += ",\"params\":{";
  if (in.params) {
    bool first = true;
    for (const auto& [name, value] : *in.params) {
      if (!first) out.push_back(',');
      first = false;
      kv::json::append_string(out, name);
      out.push_back(':');
      kv::json::append_string(out, value);
    }
  }
  out += "}}";
  return out;
}

constexpr size_t kSimdPadding = 16;

namespace {

// Parses stdout in place into `document`; `buffer` keeps the (decoded) strings it points at.
bool parse_document(std::string_view stdout_text, std::string& buffer, rapidjson::Document& document,
                    std::string* error) {
  std::size_t begin = 0;
  while (begin < stdout_text.size() && is_json_whitespace(stdout_text[begin])) ++begin;
  if (begin == stdout_text.size()) return fail(error, "the worker wrote nothing to stdout");

  // In-situ parsing (strings decoded in place, in a NUL-terminated copy) is about twice as fast
  // as copying every string into the document for large bodies. A raw NUL byte in stdout ends
  // the parse there, and is then reported as invalid JSON or as content after the document.
  // RAPIDJSON_SSE2 skips whitespace 16 aligned bytes at a time and so may read up to 15 bytes
  // past the terminating NUL: those bytes are part of the buffer (zeros), never past its end.
  buffer.reserve(stdout_text.size() + kSimdPadding);
  buffer.append(stdout_text);
  buffer.append(kSimdPadding - 1, '\0');
  rapidjson::InsituStringStream stream(buffer.data());
  // Iterative: a recursive parse of deeply nested input ([[[[...) would overflow the stack.
  document
      .ParseStream<rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag>(
          stream);
  if (document.HasParseError()) {
    return fail(error, std::string("stdout is not valid JSON: ") +
                           rapidjson::GetParseError_En(document.GetParseError()) + " (at byte " +
                           std::to_string(document.GetErrorOffset()) + ")");
  }
  for (std::size_t i = stream.Tell(); i < stdout_text.size(); ++i) {
    if (!is_json_whitespace(stdout_text[i]))
      return fail(error, "unexpected content after the JSON document (at byte " + std::to_string(i) + ")");
  }
  if (!document.IsObject()) return fail(error, "stdout must be a JSON object, got " + describe(document));
  return true;
}

// The known fields of the output object, each found once.
struct OutputFields {
  const JsonValue* data = nullptr;
  const char* data_name = "data";
  const JsonValue* status = nullptr;
  const JsonValue* headers = nullptr;
  const JsonValue* kv = nullptr;
  const JsonValue* kv_ops = nullptr;
  const JsonValue* base64 = nullptr;
};

// Where a known field's value goes; null for an unknown field.
const JsonValue** field_slot(std::string_view name, OutputFields& f, const JsonValue** legacy_body) {
  if (name == "data") return &f.data;
  if (name == "body") return legacy_body;
  if (name == "status") return &f.status;
  if (name == "headers") return &f.headers;
  if (name == "kv") return &f.kv;
  if (name == "kv_ops") return &f.kv_ops;
  if (name == "base64") return &f.base64;
  return nullptr;
}

// A repeated field is ambiguous, so it is an error rather than a guess.
bool find_fields(const rapidjson::Document& document, OutputFields& f, std::string* error) {
  const JsonValue* legacy_body = nullptr;  // the 2022 kits (wws 0.5) named the body "body"
  bool legacy_body_repeated = false;
  for (const auto& member : document.GetObject()) {
    const std::string_view name = view(member.name);
    const JsonValue** slot = field_slot(name, f, &legacy_body);
    if (!slot) continue;  // unknown fields are ignored, as in the original
    if (slot == &legacy_body && *slot) {
      legacy_body_repeated = true;  // only an error when "body" is the one that counts
      continue;
    }
    if (*slot) return fail(error, "the \"" + std::string(name) + "\" field appears twice");
    *slot = &member.value;
  }
  // "data" wins when both are present: a current kit never writes "body", and a worker that
  // writes both most likely means the newer name.
  if (!f.data && legacy_body) {
    if (legacy_body_repeated) return fail(error, "the \"body\" field appears twice");
    f.data = legacy_body;
    f.data_name = "body";
  }
  if (!f.data) return fail(error, "missing \"data\" (the response body, a string)");
  if (!f.data->IsString())
    return fail(error, "\"" + std::string(f.data_name) + "\" must be a string, got " + describe(*f.data));
  return true;
}

}  // namespace

std::optional<Output> parse_output(std::string_view stdout_text, std::string* error) {
  std::string buffer;
  rapidjson::Document document;
  OutputFields f;
  if (!parse_document(stdout_text, buffer, document, error) || !find_fields(document, f, error)) return std::nullopt;
  Output out;
  if (f.status && !read_status(*f.status, out, error)) return std::nullopt;
  if (f.headers && !read_headers(*f.headers, out, error)) return std::nullopt;
  if (f.kv && !read_kv(*f.kv, out, error)) return std::nullopt;
  if (f.kv_ops && !read_kv_ops(*f.kv_ops, out, error)) return std::nullopt;
  if (f.base64 && !f.base64->IsBool() && !f.base64->IsNull()) {
    fail(error, "\"base64\" must be true or false, got " + describe(*f.base64));
    return std::nullopt;
  }
  if (f.base64 && f.base64->IsBool() && f.base64->GetBool()) {
    auto decoded = base64_decode(view(*f.data));
    if (!decoded) {
      fail(error, "\"" + std::string(f.data_name) +
                      "\" is not valid base64 (standard alphabet, with padding) but \"base64\" is true");
      return std::nullopt;
    }
    out.body = std::move(*decoded);
  } else {
    // The in-situ string already lives in `buffer`: slide it to the front and hand the buffer
    // over instead of allocating and copying a body that may be megabytes long.
    const std::size_t length = f.data->GetStringLength();
    std::memmove(buffer.data(), f.data->GetString(), length);
    buffer.resize(length);
    out.body = std::move(buffer);
  }
  return out;
}

}  // namespace wws::worker
