// Test worker: quick by default; ?loop spins until the time limit, ?sleep=N waits N ms first. A
// worker that is quick for a while, then turns slow.
#include <stdlib.h>
#include <time.h>
#include "wws.h"

int main(void) {
  if (wws_request_query("loop")) {
    volatile unsigned long spin = 0;
    for (;;) spin++;
  }
  const char *sleep_ms = wws_request_query("sleep");
  if (sleep_ms) {
    long ms = atol(sleep_ms);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  wws_response_body("quick");
  return wws_respond();
}
