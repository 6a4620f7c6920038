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
// Beyond the original: a body that is not valid UTF-8 is sent base64-encoded with
// "base64": true (old kits ignore the flag); repeated request headers are joined with ", "
// ("; " for cookie), header names keep '_'.
struct InputFields {
  std::string_view url;     // full URL: scheme://host/path?query
  std::string_view method;
  const http::HeaderList* headers = nullptr;  // names already lower-case
  std::string_view body;
  std::string_view kv_json = "{}";            // a kv::Snapshot's json, or "{}"
  const std::map<std::string, std::string>* params = nullptr;
};
std::string build_input_json(const InputFields& in);

// The stdout JSON. Required: "data" (string). Optional with defaults: "status" (200),
// "headers" ({}; a value may be an array of strings for repeated headers like Set-Cookie),
// "kv" (absent = no K/V changes), "base64" (false; when true "data" is decoded).
// Trailing whitespace is fine; anything else after the document is an error.
struct Output {
  int status = 200;
  http::HeaderList headers;
  std::string body;  // decoded
  std::optional<kv::Map> kv;
};

// On failure returns nullopt and a short reason ("stdout is empty", "\"status\" is not a number", ...).
std::optional<Output> parse_output(std::string_view stdout_text, std::string* error);

// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
bool is_valid_utf8(std::string_view bytes);

}  // namespace wws::worker
