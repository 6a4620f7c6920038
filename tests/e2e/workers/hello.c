// Test worker: the smallest possible answer, text/plain "Hello from wws".
#include "wws.h"

int main(void) {
  wws_response_header("content-type", "text/plain");
  wws_response_body("Hello from wws");
  return wws_respond();
}
