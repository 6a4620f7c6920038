#include "cli/kv_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "kv/json.h"
#include "util/text.h"
#include "worker/protocol.h"

namespace wws::cli {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "wws kv: %s\n", message.c_str());
  return 1;
}

int fail(const kv::Store& store, const kv::Status& status) {
  return fail(fmt::format("{} ({}): {}", kv::code_name(status.code()), store.describe(), status.message()));
}

// A value as export writes it: a JSON string, or {"base64": "..."} for bytes that are not UTF-8.
void append_value(std::string& out, const std::string& value) {
  if (util::is_valid_utf8(value)) return kv::json::append_string(out, value);
  out += "{\"base64\":";
  kv::json::append_string(out, worker::base64_encode(value));
  out += "}";
}

std::string read_all(std::istream& in) {
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The entries of an export file.
bool parse_export(const std::string& text, kv::Map* out, std::string* error) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError())
    return *error = fmt::format("not JSON: {} at byte {}", rapidjson::GetParseError_En(doc.GetParseError()),
                                doc.GetErrorOffset()),
           false;
  if (!doc.IsObject()) return *error = "expected a JSON object of key -> value", false;
  for (auto& m : doc.GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    if (m.value.IsString()) {
      (*out)[key] = std::string(m.value.GetString(), m.value.GetStringLength());
    } else if (m.value.IsObject() && m.value.HasMember("base64") && m.value["base64"].IsString()) {
      auto bytes =
          worker::base64_decode(std::string_view(m.value["base64"].GetString(), m.value["base64"].GetStringLength()));
      if (!bytes) return *error = fmt::format("key \"{}\": bad base64", key), false;
      (*out)[key] = std::move(*bytes);
    } else {
      return *error = fmt::format("key \"{}\": the value must be a string or {{\"base64\": \"...\"}}", key), false;
    }
  }
  return true;
}

// A SQLite store that does not exist yet holds nothing: reading it must not create the file.
bool nothing_stored(const std::filesystem::path& project, const kv::BackendOptions& backend) {
  if (backend.spec != "sqlite") return false;
  std::error_code ec;
  auto file = backend.sqlite_path.empty() ? kv::default_sqlite_path(project) : backend.sqlite_path;
  return !std::filesystem::exists(file, ec);
}

int list_namespaces(kv::Store& store) {
  std::vector<std::string> names;
  if (kv::Status s = store.namespaces(&names); !s) return fail(store, s);
  for (const auto& n : names) std::printf("%s\n", n.c_str());
  return 0;
}

int get_key(kv::Store& store, const KvCommand& c) {
  std::optional<std::string> value;
  if (kv::Status s = store.get(c.ns, c.key, &value); !s) return fail(store, s);
  if (!value) {
    std::fprintf(stderr, "wws kv: namespace \"%s\" has no key \"%s\"\n", c.ns.c_str(), c.key.c_str());
    return 3;
  }
  std::fwrite(value->data(), 1, value->size(), stdout);
  if (isatty(fileno(stdout))) std::fputc('\n', stdout);
  return 0;
}

// set or delete
int write_key(kv::Store& store, const KvCommand& c) {
  kv::Batch batch;
  batch.ops.push_back(c.action == "set" ? kv::Op::set(c.key, c.value == "-" ? read_all(std::cin) : c.value, c.ttl_ms)
                                        : kv::Op::erase(c.key));
  kv::CommitResult result;
  if (kv::Status s = store.commit(c.ns, batch, kv::Limits{}, &result); !s) return fail(store, s);
  return 0;
}

int list_keys(kv::Store& store, const KvCommand& c) {
  std::string after;
  uint64_t shown = 0;
  for (;;) {  // in pages, so a namespace of millions of keys is never held at once
    std::vector<std::string> keys;
    size_t page = c.limit ? std::min<uint64_t>(c.limit - shown, 1000) : 1000;
    if (page == 0) break;
    if (kv::Status s = store.list(c.ns, c.prefix, after, page, &keys); !s) return fail(store, s);
    for (const auto& k : keys) std::printf("%s\n", k.c_str());
    shown += keys.size();
    if (keys.size() < page) break;
    after = keys.back();
  }
  return 0;
}

int export_namespace(kv::Store& store, const KvCommand& c) {
  kv::NamespaceRead read;
  if (kv::Status s = store.read(c.ns, std::nullopt, &read); !s) return fail(store, s);
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : read.data) {
    if (!util::is_valid_utf8(k))
      return fail(fmt::format("key {} is not UTF-8 text; JSON cannot hold it", kv::json::serialise({{k, ""}})));
    out += first ? "\n  " : ",\n  ";
    first = false;
    kv::json::append_string(out, k);
    out += ": ";
    append_value(out, v);
  }
  out += first ? "}\n" : "\n}\n";
  if (c.file.empty() || c.file == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    std::ofstream f(c.file, std::ios::binary);
    if (!(f << out) || !f.flush()) return fail("cannot write " + c.file);
  }
  return 0;
}

int import_file(kv::Store& store, const KvCommand& c) {
  std::string text;
  if (c.file.empty() || c.file == "-") {
    text = read_all(std::cin);
  } else {
    std::ifstream f(c.file, std::ios::binary);
    if (!f) return fail("cannot read " + c.file);
    text = read_all(f);
  }
  kv::Map entries;
  std::string error;
  if (!parse_export(text, &entries, &error))
    return fail((c.file.empty() ? std::string("stdin") : c.file) + ": " + error);
  kv::Batch batch;
  if (c.replace) {  // the keys the file does not have go, in the same atomic batch
    kv::NamespaceRead current;
    if (kv::Status s = store.read(c.ns, std::nullopt, &current); !s) return fail(store, s);
    batch.if_version = current.version;  // nobody may write in between
    for (const auto& [k, v] : current.data)
      if (!entries.count(k)) batch.ops.push_back(kv::Op::erase(k));
  }
  for (auto& [k, v] : entries) batch.ops.push_back(kv::Op::set(k, v));
  kv::CommitResult result;
  if (kv::Status s = store.commit(c.ns, batch, kv::Limits{}, &result); !s) return fail(store, s);
  std::fprintf(stderr, "wws kv: imported %zu keys into namespace \"%s\"\n", entries.size(), c.ns.c_str());
  return 0;
}

}  // namespace

int run_kv_command(const std::filesystem::path& project, const kv::BackendOptions& backend, const KvCommand& c) {
  const bool reads_only = c.action == "get" || c.action == "list" || c.action == "export";
  if (reads_only && nothing_stored(project, backend)) {
    if (c.action == "get") return 3;
    if (c.action == "export") std::fputs("{}\n", stdout);
    return 0;
  }
  std::string error;
  auto store = kv::open_store(backend, project, &error);
  if (!store) return fail(error);
  if (c.action == "list") return c.ns.empty() ? list_namespaces(*store) : list_keys(*store, c);
  if (c.action == "get") return get_key(*store, c);
  if (c.action == "set" || c.action == "delete") return write_key(*store, c);
  if (c.action == "export") return export_namespace(*store, c);
  if (c.action == "import") return import_file(*store, c);
  return fail("unknown action " + c.action);
}

}  // namespace wws::cli
