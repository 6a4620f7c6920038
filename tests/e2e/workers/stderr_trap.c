// Test worker: explains itself on stderr, then traps (the --dev error page shows those lines).
#include "wws.h"

int main(void) {
  fprintf(stderr, "loading the user record\n");
  fprintf(stderr, "user record is missing: cannot go on\n");
  fflush(stderr);
  __builtin_trap();
}
