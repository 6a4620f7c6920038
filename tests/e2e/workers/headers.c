// Test worker: response headers the server must keep as written: two Set-Cookie lines, a name
// with underscores, its own Access-Control-Allow-Origin, a custom status.
#include "wws.h"

int main(void) {
  wws_response_status(201);
  wws_response_header("content-type", "text/plain");
  wws_response_header("set-cookie", "a=1; Path=/");
  wws_response_header("set-cookie", "b=2; Path=/");
  wws_response_header("x_custom_header", "underscores stay");
  wws_response_header("access-control-allow-origin", "http://worker.example");
  wws_response_body("headers");
  return wws_respond();
}
