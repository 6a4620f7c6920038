// examples/counter: a visit counter kept in the K/V store (see index.toml for the namespace).
// Every GET adds one; DELETE resets it.
#include <stdlib.h>
#include "wws.h"

int main(void) {
  const char *stored = wws_kv_get("visits");
  long visits = stored ? strtol(stored, NULL, 10) : 0;
  if (!strcmp(wws_request_method(), "DELETE")) {
    wws_kv_delete("visits");
    visits = 0;
  } else {
    char text[32];
    snprintf(text, sizeof text, "%ld", ++visits);
    wws_kv_set("visits", text);
  }
  wws_response_header("content-type", "text/plain");
  wws_response_printf("Counter: %ld\n", visits);
  return wws_respond();
}
