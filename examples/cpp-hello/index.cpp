// A C++ worker (kits/c/wws.hpp): /cpp-hello?name=you greets you and counts visits in K/V.
#include "wws.hpp"

wws::Response hello(wws::Request& req) {
  std::string name(req.query("name").value_or("world"));
  int visits = std::atoi(std::string(req.kv().get("visits").value_or("0")).c_str()) + 1;
  req.kv().set("visits", std::to_string(visits));
  return wws::Response("Hello, " + name + ", from C++! Visit number " + std::to_string(visits) + ".\n")
      .header("content-type", "text/plain");
}

WWS_WORKER(hello)
