// Test worker: a K/V counter. ?key=NAME picks the key (default "counter"); each request adds one
// and answers "NAME=VALUE". ?peek=1 reads without writing. ?fail=500|trap|exit stores the new value
// and then fails in that way, to prove failed runs do not commit K/V changes; any other number
// is answered as the status (150, 700: not a final HTTP status, so a failed run too).
#include <stdlib.h>
#include "wws.h"

int main(void) {
  const char *key = wws_request_query("key");
  if (!key) key = "counter";
  const char *current = wws_kv_get(key);
  long value = current ? strtol(current, NULL, 10) : 0;
  if (!wws_request_query("peek")) {
    value++;
    char text[32];
    snprintf(text, sizeof text, "%ld", value);
    wws_kv_set(key, text);
  }
  const char *fail = wws_request_query("fail");
  wws_response_header("content-type", "text/plain");
  wws_response_printf("%s=%ld", key, value);
  if (fail && atoi(fail) > 0) wws_response_status(atoi(fail));
  int rc = wws_respond();
  if (fail && !strcmp(fail, "trap")) __builtin_trap();
  if (fail && !strcmp(fail, "exit")) exit(7);
  return rc;
}
