// Test worker: answers the whole WASI environment as a JSON object, so the tests can check that
// it holds exactly the worker's [vars].
#include "wws.h"

extern char **environ;

int main(void) {
  wws_buf out = {0};
  wws_buf_putc(&out, '{');
  for (char **e = environ; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    if (out.len > 1) wws_buf_putc(&out, ',');
    wws_buf_json_string_n(&out, *e, (size_t)(eq - *e));
    wws_buf_putc(&out, ':');
    wws_buf_json_string(&out, eq + 1);
  }
  wws_buf_putc(&out, '}');
  wws_response_header("content-type", "application/json");
  wws_response_body_bytes(out.data, out.len);
  return wws_respond();
}
