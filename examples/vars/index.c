// examples/vars: reads its configuration from environment variables set in index.toml [vars].
#include <stdlib.h>
#include "wws.h"

int main(void) {
  const char *message = getenv("MESSAGE");
  const char *user = getenv("GREETED_USER");
  wws_response_header("content-type", "text/plain; charset=utf-8");
  wws_response_printf("MESSAGE: %s\n", message ? message : "(not set)");
  wws_response_printf("GREETED_USER (from the host's $USER): %s\n", user && *user ? user : "(not set on the host)");
  return wws_respond();
}
