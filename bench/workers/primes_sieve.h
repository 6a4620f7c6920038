// The CPU work of the primes benchmark worker, shared with its native build (bench/micro), so the
// wasm and native figures come from the same C: counts the primes below `limit` with a sieve.
#pragma once

static int count_primes(unsigned char *composite, int limit) {
  int count = 0;
  for (int i = 0; i < limit; i++) composite[i] = 0;
  for (int i = 2; i < limit; i++) {
    if (composite[i]) continue;
    count++;
    for (long long j = (long long)i * i; j < limit; j += i) composite[j] = 1;
  }
  return count;
}
