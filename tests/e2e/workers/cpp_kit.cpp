// Test worker: every feature of the C++ kit (kits/c/wws.hpp), chosen by ?case=.
#include "wws.hpp"

static std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

static wws::Response handle(wws::Request& req) {
  std::string c(req.query("case").value_or(""));
  if (c == "echo") {
    return wws::Response(std::string(req.method()) + " " + std::string(req.path()) + " " +
                         std::string(req.header("X-Thing").value_or("-")) + " " + hex(req.body()))
        .header("x-case", c);
  }
  if (c == "params") {
    std::string out;
    for (const auto& [k, v] : req.params()) out += k + "=" + v + ";";
    return wws::Response(out);
  }
  if (c == "kv") {
    if (auto set = req.query("set")) {
      std::string_view s = *set;
      size_t colon = s.find(':');
      req.kv().set(std::string(s.substr(0, colon)), std::string(s.substr(colon + 1)));
    }
    if (auto del = req.query("del")) req.kv().erase(std::string(*del));
    std::string out;
    for (const auto& [k, v] : req.kv().all()) out += (out.empty() ? "" : ",") + k + "=" + v;
    return wws::Response(out);
  }
  if (c == "vars") return wws::Response("MESSAGE=" + wws::var("MESSAGE").value_or("(unset)"));
  if (c == "cookies") {
    return wws::Response("cookies", 201).header("Set-Cookie", "a=1").header("Set-Cookie", "b=2");
  }
  if (c == "binary") {
    return wws::Response()
        .body(std::string("\x00\xff\x80"
                          "A",
                          4))
        .header("content-type", "application/octet-stream");
  }
  if (c == "fail") {
    req.kv().set("fail-ran", "yes");  // must not be stored
    wws::fail("the C++ worker gave up: no database");
  }
  if (c == "fetch") {
    std::string url = wws::var("UPSTREAM").value_or("") + std::string(req.query("path").value_or(""));
    auto res = wws::fetch("PUT", url, {{"x-from", "cpp-kit"}}, req.body());
    if (!res) return wws::Response(std::to_string(res.error) + " " + res.message, 502);
    return wws::Response(std::to_string(res.status) + " " + std::string(res.header("X-Upstream").value_or("-")) + " " +
                         res.body);
  }
  return wws::Response("unknown case", 400);
}

WWS_WORKER(handle)
