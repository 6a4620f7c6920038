// examples/counter: a visit counter kept in the K/V store (see index.toml for the namespace).
// Every GET adds one, atomically, so concurrent visits are never lost; DELETE resets it.
#include "wws.h"

int main(void) {
  int64_t visits = 0;
  int rc = 0;
  if (!strcmp(wws_request_method(), "DELETE")) rc = wws_kv_delete("visits");
  else rc = wws_kv_increment("visits", 1, &visits);
  wws_response_header("content-type", "text/plain");
  if (rc < 0) {
    wws_response_status(500);
    wws_response_printf("K/V error: %s\n", wws_kv_error_name(rc));
  } else {
    wws_response_printf("Counter: %lld\n", (long long)visits);
  }
  return wws_respond();
}
