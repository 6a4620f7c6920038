// The K/V counter (counter.c) on the snapshot protocol: the whole namespace on stdin, changes
// and atomic operations ("kv", "kv_ops") in the output.
#define WWS_KV_SNAPSHOT
#include "counter.c"
