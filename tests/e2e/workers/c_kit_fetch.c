// Test worker: the C kit's outbound HTTP (wws_http_send) with a method, a header and a body.
#include "wws.h"

int main(void) {
  const char *upstream = getenv("UPSTREAM");
  const char *path = wws_request_query("path");
  wws_buf url = {0};
  wws_buf_printf(&url, "%s%s", upstream ? upstream : "", path ? path : "");
  const char *headers[] = {"x-from", "c-kit"};
  wws_http_response res;
  if (!wws_http_send("PUT", url.data, headers, 1, wws_request_body(), wws_request_body_length(), &res)) {
    wws_response_status(502);
    wws_response_printf("%d %s", res.error, res.message);
  } else {
    const char *tag = wws_http_response_header(&res, "X-Upstream");
    wws_response_printf("%d %s %.*s", res.status, tag ? tag : "-", (int)res.body.len, res.body.data);
  }
  wws_http_response_free(&res);
  wws_buf_free(&url);
  return wws_respond();
}
