// engine/v8: WebAssembly (and, through src/js, JavaScript) on V8 10.2 from Debian's libnode108.
// platform.h: the process-wide V8 initialisation, done once, never torn down (server threads
// may still hold isolates while the process exits).
#pragma once
#include <libplatform/libplatform.h>
#include <v8.h>

namespace wws::engine::v8e {

// Initialises V8 on first call; thread-safe.
v8::Platform& platform();

}  // namespace wws::engine::v8e
