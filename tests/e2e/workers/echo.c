// Test worker: echoes every request field back as a JSON document, so the tests can check what
// the server put on stdin (url, method, headers, body, base64 flag, params, kv).
// The protocol as sent: K/V from the snapshot on stdin, not the host functions.
#define WWS_KV_SNAPSHOT
#include "wws.h"

static void append_map(wws_buf *out, const char *name, const wws_map *m) {
  wws_buf_printf(out, ",\"%s\":{", name);
  for (size_t i = 0; i < m->count; i++) {
    if (i) wws_buf_putc(out, ',');
    wws_buf_json_string(out, m->keys[i]);
    wws_buf_putc(out, ':');
    wws_buf_json_string_n(out, m->values[i], m->value_lengths[i]);
  }
  wws_buf_putc(out, '}');
}

int main(void) {
  if (wws_request_error()) {
    wws_response_status(400);
    wws_response_printf("cannot parse the request: %s", wws_request_error());
    return wws_respond();
  }
  wws_buf out = {0};
  wws_buf_puts(&out, "{\"url\":");
  wws_buf_json_string(&out, wws_request_url());
  wws_buf_puts(&out, ",\"method\":");
  wws_buf_json_string(&out, wws_request_method());
  append_map(&out, "headers", wws_request_headers());
  append_map(&out, "params", wws_request_params());
  append_map(&out, "kv", wws_request_kv());
  wws_buf_printf(&out, ",\"body_length\":%zu,\"body_was_base64\":%s", wws_request_body_length(),
                 wws_request_body_was_base64() ? "true" : "false");
  // A binary body cannot go into a JSON string as is: send it base64-encoded.
  const unsigned char *body = (const unsigned char *)wws_request_body();
  size_t len = wws_request_body_length();
  if (wws_is_utf8(body, len)) {
    wws_buf_puts(&out, ",\"body\":");
    wws_buf_json_string_n(&out, (const char *)body, len);
  } else {
    wws_buf_puts(&out, ",\"body_base64\":\"");
    wws_base64_encode(&out, body, len);
    wws_buf_putc(&out, '"');
  }
  wws_buf_putc(&out, '}');
  wws_response_header("content-type", "application/json");
  wws_response_body_bytes(out.data, out.len);
  return wws_respond();
}
