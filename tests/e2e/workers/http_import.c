// Test worker: outbound HTTP through the `http.send-http-request` import, in the wit-bindgen 0.2
// canonical ABI that the original wws Rust and Go kits were built with (reference §1.5). It
// fetches ?url= with ?method= (an index into the WIT enum) and a body, then reports the result
// as JSON: status, the x-upstream header, the body, or the error enum and message.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WWS_NO_CANONICAL_ABI_EXPORTS  // this worker exports its own, as the kits' bindings do
#include "wws.h"

__attribute__((import_module("http"), import_name("send-http-request"))) void send_http_request(
    int32_t body_is_some, const char *body, size_t body_len, const void *headers, size_t headers_len, int32_t method,
    const void *params, size_t params_len, const char *uri, size_t uri_len, void *ret);

// The host allocates returned strings and lists through this export, as the kits' bindings do.
__attribute__((export_name("canonical_abi_realloc"))) void *canonical_abi_realloc(void *ptr, size_t old_size,
                                                                                  size_t align, size_t new_size) {
  (void)old_size;
  (void)align;
  return realloc(ptr, new_size ? new_size : 1);
}

__attribute__((export_name("canonical_abi_free"))) void canonical_abi_free(void *ptr, size_t size, size_t align) {
  (void)size;
  (void)align;
  free(ptr);
}

struct str_pair {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
};

int main(void) {
  const char *url = wws_request_query("url");
  const char *method = wws_request_query("method");
  const char *body = wws_request_query("body");
  if (!url) {
    wws_response_status(400);
    wws_response_body("missing ?url=");
    return wws_respond();
  }
  struct str_pair headers[1] = {{"x-from", 6, "http-import", 11}};
  _Alignas(4) uint8_t ret[28];
  memset(ret, 0, sizeof ret);
  send_http_request(body != NULL, body, body ? strlen(body) : 0, headers, 1, method ? atoi(method) : 0, NULL, 0, url,
                    strlen(url), ret);

  wws_response_header("content-type", "application/json");
  if (ret[0] == 0) {
    const char *resp_body = *(const char **)(ret + 8);
    size_t resp_len = *(uint32_t *)(ret + 12);
    const struct str_pair *list = *(const struct str_pair **)(ret + 16);
    size_t count = *(uint32_t *)(ret + 20);
    uint16_t status = *(uint16_t *)(ret + 24);
    const char *upstream = "";
    size_t upstream_len = 0;
    for (size_t i = 0; i < count; ++i)
      if (list[i].name_len == 10 && memcmp(list[i].name, "x-upstream", 10) == 0) {
        upstream = list[i].value;
        upstream_len = list[i].value_len;
      }
    wws_response_printf("{\"ok\":true,\"status\":%u,\"has_body\":%u,\"upstream\":\"%.*s\",\"body\":\"%.*s\"}", status,
                        ret[4], (int)upstream_len, upstream, (int)resp_len, resp_body);
  } else {
    const char *msg = *(const char **)(ret + 8);
    size_t msg_len = *(uint32_t *)(ret + 12);
    wws_response_printf("{\"ok\":false,\"error\":%u,\"message\":\"%.*s\"}", ret[4], (int)msg_len, msg);
  }
  return wws_respond();
}
