// Test worker: answers the request body bytes unchanged, as application/octet-stream.
#include "wws.h"

int main(void) {
  wws_response_header("content-type", "application/octet-stream");
  wws_response_body_bytes(wws_request_body(), wws_request_body_length());
  return wws_respond();
}
