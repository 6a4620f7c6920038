// Test worker: counter.c for the snapshot K/V protocol (the namespace as "kv" on stdin, changes
// as "kv" on stdout), which imports nothing from wws_kv: the way a wasi:cli/run component, whose
// only imports are WASI 0.2 interfaces, reaches its K/V namespace.
#define WWS_KV_SNAPSHOT
#include "counter.c"  // NOLINT(bugprone-suspicious-include): the same worker, built another way
