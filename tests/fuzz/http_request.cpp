// Fuzz target: bytes from a client, parsed as the server parses them (Beast's request parser
// with wws's head and body limits, then the RFC 9112 rules of http/request_rules), request
// after request as on a kept-alive connection; each accepted request becomes the worker's
// stdin JSON (worker/protocol), which must be valid JSON every time.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/request_rules.h"
#include "worker/protocol.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int requests = 0; requests < 16 && !input.empty(); ++requests) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec == bhttp::error::need_more) return 0;
    if (ec) return 0;
    // The head is in; the body may need more puts.
    while (!parser.is_done() && used < input.size()) {
      const size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
      used += n;
      if (ec || n == 0) break;
    }
    if (!parser.is_header_done()) return 0;
    const auto& message = parser.get();
    if (wws::http::check_request_head(message.version(), message.base()) != 0) return 0;  // 4xx/5xx + close
    if (!parser.is_done()) return 0;

    wws::http::HeaderList headers;
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      headers.emplace_back(std::move(name), std::string(field.value()));
    }
    std::map<std::string, std::string> params{{"id", std::string(message.target())}};
    const std::string url = "http://localhost" + std::string(message.target());
    wws::worker::InputFields in;
    in.url = url;
    in.method = message.method_string();
    in.headers = &headers;
    in.body = message.body();
    in.params = &params;
    const std::string json = wws::worker::build_input_json(in);
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsObject()) std::abort();  // the worker would get invalid JSON
    input.remove_prefix(used);
  }
  return 0;
}
