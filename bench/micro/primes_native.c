// The primes benchmark worker's sieve compiled natively, the peer of its wasm build.
#include "../workers/primes_sieve.h"

int native_count_primes(unsigned char *composite, int limit) { return count_primes(composite, limit); }
