// kv_atomic.c on the snapshot protocol: atomic operations travel as "kv_ops" in the output.
#define WWS_KV_SNAPSHOT
#include "kv_atomic.c"  // NOLINT(bugprone-suspicious-include): the same worker, built another way
