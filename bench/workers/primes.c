// Benchmark worker with real CPU work per request: counts the primes below 300,000 with a sieve
// (about half a millisecond of guest code), so the server's own cost and the load generator's are
// small beside it and thread scaling shows the engine's, not the machine's, limits.
#include <stdlib.h>
#include "primes_sieve.h"
#include "wws.h"

#define LIMIT 300000

static unsigned char composite[LIMIT];

int main(void) {
  int count = count_primes(composite, LIMIT);
  wws_response_header("content-type", "text/plain");
  wws_response_printf("%d primes below %d", count, LIMIT);
  return wws_respond();
}
