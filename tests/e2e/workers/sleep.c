// Test worker: sleeps ?ms=N milliseconds (default 1000) through WASI poll_oneoff, then answers.
#include <stdlib.h>
#include <time.h>
#include "wws.h"

int main(void) {
  const char *ms_text = wws_request_query("ms");
  long ms = ms_text ? atol(ms_text) : 1000;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  wws_response_printf("slept %ld ms", ms);
  return wws_respond();
}
