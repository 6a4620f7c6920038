// wws's additions to Wasmtime's C API (implemented in adapter/src): compiling and running
// WebAssembly components. A component exporting wasi:cli/run is run like a WASI command (stdin
// in, stdout out); one exporting wasi:http/incoming-handler is handed an HTTP request.
// Strings and byte ranges the caller passes are borrowed for the call; wws_bytes_t results are
// owned by the caller and freed with wws_bytes_free.
#ifndef WWS_WASMTIME_H
#define WWS_WASMTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wws_component wws_component_t;

typedef struct {
  const char* data;
  size_t len;
} wws_str_t;

typedef struct {
  wws_str_t name;
  wws_str_t value;
} wws_pair_t;

typedef struct {
  uint8_t* data;
  size_t len;
} wws_bytes_t;

void wws_bytes_free(wws_bytes_t bytes);

enum {
  WWS_COMPONENT_OTHER = 0,    // exports neither world
  WWS_COMPONENT_COMMAND = 1,  // exports wasi:cli/run
  WWS_COMPONENT_HTTP = 2,     // exports wasi:http/incoming-handler
};

// Sizes the component engine's pooling allocator; call before anything else (later calls are
// ignored). `max_instances`: component instances alive at once.
void wws_component_engine_init(uint32_t max_instances);
// Advances the component engine's epoch (called by the engine's ticker thread).
void wws_component_increment_epoch(void);
// "48.0.8": the Wasmtime release inside this library.
wws_str_t wws_wasmtime_version(void);

// Compiles a component and links every import it needs against WASI 0.2 and wasi:http. On
// failure returns NULL and sets *error (what failed, with Wasmtime's message).
wws_component_t* wws_component_new(const uint8_t* wasm, size_t len, wws_bytes_t* error);
// The same from bytes wws_component_serialize produced with this library. The caller must have
// verified that the bytes are such (wws checks a checksum it wrote beside them).
wws_component_t* wws_component_deserialize(const uint8_t* code, size_t len, wws_bytes_t* error);
bool wws_component_serialize(const wws_component_t* component, wws_bytes_t* out, wws_bytes_t* error);
int wws_component_kind(const wws_component_t* component);
void wws_component_delete(wws_component_t* component);

// What a run is given besides its input.
typedef struct {
  uint64_t timeout_ms;
  uint64_t max_memory_bytes;  // 0 = no limit beyond wasm32's
  const wws_pair_t* env;      // the guest's whole environment ([vars])
  size_t env_len;
  const wws_pair_t* preopens;  // name = host folder, value = guest path ([[folders]])
  size_t preopens_len;
  size_t stdout_limit;  // writes past it fail
  void* ctx;            // passed to the callbacks
  void (*write_stderr)(void* ctx, const uint8_t* data, size_t len);
  // Outgoing wasi:http requests: true to allow, else false and *why says why (caller-owned
  // for the run, NUL-terminated).
  bool (*allow_outgoing)(void* ctx, wws_str_t method, wws_str_t url, const char** why);
} wws_run_options_t;

// How a run ended (mirrors wws's engine::RunEnd).
typedef struct {
  bool instantiated;
  bool completed;
  bool timed_out;
  bool at_memory_cap;
  bool exited;
  uint32_t exit_code;
  wws_bytes_t error;  // set when the run failed; free with wws_bytes_free
} wws_run_end_t;

// Runs a wasi:cli/run component with `stdin_data` on stdin; its stdout goes to *stdout_data.
void wws_component_run_command(const wws_component_t* component, const wws_run_options_t* options, wws_str_t stdin_data,
                               wws_bytes_t* stdout_data, wws_run_end_t* end);

typedef struct {
  wws_str_t method;
  wws_str_t scheme;           // "http"
  wws_str_t authority;        // host[:port]
  wws_str_t path_with_query;  // "/a/b?c=d"
  const wws_pair_t* headers;
  size_t headers_len;
  wws_str_t body;
} wws_http_request_t;

// Receives the response as the component produces it: the head once, then body chunks.
typedef struct {
  void* ctx;
  void (*head)(void* ctx, uint16_t status, const wws_pair_t* headers, size_t headers_len);
  void (*body)(void* ctx, const uint8_t* data, size_t len);
} wws_http_sink_t;

// Serves one request with a fresh instance of a wasi:http/incoming-handler component.
// end->completed: the component answered and its body ended.
void wws_component_serve_http(const wws_component_t* component, const wws_run_options_t* options,
                              const wws_http_request_t* request, const wws_http_sink_t* sink, wws_run_end_t* end);

#ifdef __cplusplus
}
#endif

#endif
