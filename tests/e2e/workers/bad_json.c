// Test worker: writes a truncated JSON document, which the server must answer with a 500.
#include <stdio.h>

int main(void) {
  fputs("{\"data\":\"half a response\",\"status\":", stdout);
  return 0;
}
