// Fuzz target: a worker's stdout, read as its response (worker/protocol parse_output). Any
// bytes must give a response or an error message, never a crash, and a body or header that
// is accepted must be what HTTP can carry.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "worker/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);  // exactly sized: no slack to hide over-reads
  std::string error;
  auto out = wws::worker::parse_output(text, &error);
  if (!out) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  if (out->status < 100 || out->status > 999) std::abort();
  return 0;
}
