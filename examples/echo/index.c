// examples/echo: answers what the worker received, as JSON. Try:
//   curl -X POST -H 'X-Demo: 1' -d 'some body' 'http://127.0.0.1:8080/echo?q=1'
#include "wws.h"

static void put_map(wws_buf *out, const char *name, const wws_map *m) {
  wws_buf_printf(out, ",\n  \"%s\": {", name);
  for (size_t i = 0; i < m->count; i++) {
    wws_buf_puts(out, i ? ",\n    " : "\n    ");
    wws_buf_json_string(out, m->keys[i]);
    wws_buf_puts(out, ": ");
    wws_buf_json_string(out, m->values[i]);
  }
  wws_buf_puts(out, m->count ? "\n  }" : "}");
}

int main(void) {
  wws_buf out = {0};
  wws_buf_puts(&out, "{\n  \"url\": ");
  wws_buf_json_string(&out, wws_request_url());
  wws_buf_puts(&out, ",\n  \"method\": ");
  wws_buf_json_string(&out, wws_request_method());
  put_map(&out, "headers", wws_request_headers());
  wws_buf_printf(&out, ",\n  \"body_bytes\": %zu", wws_request_body_length());
  const char *body = wws_request_body();
  if (wws_is_utf8((const unsigned char *)body, wws_request_body_length())) {
    wws_buf_puts(&out, ",\n  \"body\": ");
    wws_buf_json_string_n(&out, body, wws_request_body_length());
  }
  wws_buf_puts(&out, "\n}\n");
  wws_response_header("content-type", "application/json");
  wws_response_body_bytes(out.data, out.len);
  return wws_respond();
}
