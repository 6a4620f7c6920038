// examples/user/[id]: a dynamic route. GET /user/42 gets params {"id": "42"}.
#include "wws.h"

int main(void) {
  const char *id = wws_request_param("id");
  wws_buf safe = {0};  // the id comes from the URL: escape it before putting it into HTML
  for (const char *c = id ? id : ""; *c; c++) {
    switch (*c) {
      case '<': wws_buf_puts(&safe, "&lt;"); break;
      case '>': wws_buf_puts(&safe, "&gt;"); break;
      case '&': wws_buf_puts(&safe, "&amp;"); break;
      case '"': wws_buf_puts(&safe, "&quot;"); break;
      default: wws_buf_putc(&safe, *c);
    }
  }
  wws_response_header("content-type", "text/html; charset=utf-8");
  wws_response_printf(
      "<!doctype html><title>User %s</title><link rel=\"stylesheet\" href=\"/style.css\">"
      "<main><h1>User %s</h1><p>This route is <code>user/[id].wasm</code>; "
      "the id came in as a route parameter.</p></main>",
      safe.data ? safe.data : "", safe.data ? safe.data : "");
  return wws_respond();
}
