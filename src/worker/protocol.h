// worker/: the wws worker protocol (reference §1) and running a request through a worker.
// protocol.h turns an HTTP request into the JSON a worker reads on stdin and the JSON it
// writes on stdout back into a response.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"
#include "kv/store.h"

namespace wws::worker {

// Fields of the stdin JSON, in the original's order: url, method, headers, body, kv, params.
// The output is compact, with no trailing newline. Beyond the original:
// - a body that is not valid UTF-8 is sent base64-encoded, with "base64": true right after
//   "body" (old kits ignore the flag; the original sent "" instead);
// - repeated request headers are joined into one value with ", " ("; " for cookie), in arrival
//   order, at the position of the first one (the original kept only the last);
// - header names keep '_';
// - header values, url and params that are not valid UTF-8 (obs-text) have their stray bytes
//   read as Latin-1, so the JSON stays valid (the original panicked).
// kv_json is inserted as is: it must already be a JSON object ("" counts as "{}").
struct InputFields {
  std::string_view url;  // full URL: scheme://host/path?query
  std::string_view method;
  const http::HeaderList* headers = nullptr;  // names already lower-case
  std::string_view body;
  std::string_view kv_json = "{}";  // a kv::Snapshot's json, or "{}"
  const std::map<std::string, std::string>* params = nullptr;
};
std::string build_input_json(const InputFields& in);

// The stdout JSON. Required: "data" (string); when it is absent, "body" (the name the 2022 kits
// of wws 0.5 used) is taken instead, so workers built with them still run. Optional, absent or null meaning the
// default: "status" (200; must be an integer 100..999, the original silently used 200 instead), "headers" ({}; a value
// is a string or an array of strings, one header line each, e.g. for several Set-Cookie; names are kept as written, NOT
// '_' -> '-' as in the original; names must be HTTP tokens and values must not contain CR, LF or NUL), "kv" (absent =
// no K/V changes; values must be strings), "base64" (false; when true "data" is standard base64 with padding), "kv_ops"
// (wws addition: atomic K/V operations applied after the "kv" changes, in the same transaction:
// {"op":"incr","key":k,"by":n}, {"op":"cas","key":k,"expect":v|null,"value":v|null},
// {"op":"expire","key":k,"ttl_ms":t}, {"op":"set","key":k,"value":v}, {"op":"delete","key":k};
// every op takes an optional "ttl_ms"; see kv/batch.h for what each one does).
// Unknown fields are ignored; a known field given twice is an error. Trailing whitespace is
// fine; anything else after the document is an error.
struct Output {
  int status = 200;
  http::HeaderList headers;  // in the order written; array values expand in place
  std::string body;          // decoded
  std::optional<kv::Map> kv;
  std::vector<kv::Op> kv_ops;
};

// On failure returns nullopt and sets *error (if given) to a short reason meant for the log, e.g.
// "the worker wrote nothing to stdout", "\"kv\" value for key \"counter\" must be a string, got 1".
std::optional<Output> parse_output(std::string_view stdout_text, std::string* error);

// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
bool is_valid_utf8(std::string_view bytes);

}  // namespace wws::worker
