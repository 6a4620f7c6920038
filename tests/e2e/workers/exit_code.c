// Test worker: writes a valid response, then exits with ?code=N through proc_exit. Exit 0 must
// count as success; any other code as a failure.
#include <stdlib.h>
#include "wws.h"

int main(void) {
  const char *code = wws_request_query("code");
  wws_response_body("exited");
  wws_respond();
  exit(code ? atoi(code) : 0);
}
