// Test worker: shows whether a request starts from the module's initial state (wws reuses
// instances, resetting them between requests). Answers "calls=N greeting=S heap=H stack=P":
// calls counts runs this memory has seen (1 when fresh), greeting is an initialised global the
// run then overwrites, heap is what malloc returns (the allocation is never freed), stack the
// address of a local. ?fail=trap|exit dirties all of that deep in a recursion, then fails there,
// leaving C's stack pointer far from its start.
#include <stdlib.h>
#include "wws.h"

static int calls;
static char greeting[] = "fresh";

static void dive(volatile int depth, const char *how) {
  volatile char pad[512];
  pad[0] = (char)depth;
  if (depth > 0) {
    dive(depth - 1, how);
    return;
  }
  if (!strcmp(how, "trap")) __builtin_trap();
  exit(3);
}

int main(void) {
  calls++;
  char *heap = malloc(1000);
  volatile int local = 0;
  wws_response_header("content-type", "text/plain");
  wws_response_printf("calls=%d greeting=%s heap=%p stack=%p", calls, greeting, (void *)heap, (void *)&local);
  memcpy(greeting, "stale", sizeof greeting);  // "stale" and its NUL: as long as "fresh"
  const char *fail = wws_request_query("fail");
  if (fail) dive(50, fail);
  return wws_respond();
}
