// Test worker: a large text body, ?bytes=N (default 5 MiB), cycling through 'a'..'z'.
#include <stdlib.h>
#include "wws.h"

int main(void) {
  const char *bytes = wws_request_query("bytes");
  size_t n = bytes ? strtoul(bytes, NULL, 10) : 5u * 1024 * 1024;
  char *body = malloc(n ? n : 1);
  if (!body) return 1;
  for (size_t i = 0; i < n; i++) body[i] = (char)('a' + i % 26);
  wws_response_header("content-type", "text/plain");
  wws_response_body_bytes(body, n);
  return wws_respond();
}
