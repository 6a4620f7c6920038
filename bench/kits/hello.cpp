// The same answer as the C hello worker (text/plain "Hello from wws"), with the C++ kit.
#include "wws.hpp"

wws::Response hello(wws::Request&) { return wws::Response("Hello from wws").header("content-type", "text/plain"); }

WWS_WORKER(hello)
