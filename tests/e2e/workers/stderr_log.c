// Test worker: writes a marker line to stderr, which the server must put into its log.
#include "wws.h"

int main(void) {
  fprintf(stderr, "stderr-marker-7f3a from the worker\n");
  fflush(stderr);
  wws_response_body("logged");
  return wws_respond();
}
