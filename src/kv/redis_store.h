// kv/redis_store.h: the backend for many nodes: namespaces live in a Redis server shared by every
// wws process that names it. Each operation is one Lua script run (redis_scripts.h), so a commit
// is atomic on the server and concurrent commits from any number of nodes never lose an update.
// A process's concurrent commits share one script run and round trip (group_commit.h).
// A lost connection fails calls with Unavailable (the request answers 503), is logged once, and
// is replaced by a new one on a later call: wws reconnects by itself.
#pragma once
#include <memory>
#include <string>

#include "kv/redis_connection.h"
#include "kv/store.h"

namespace wws::kv {

struct RedisOptions {
  RedisAddress address;
  std::string key_prefix = "wws:";  // every Redis key wws writes starts with it
};

// Never fails for an unreachable server (that is logged and retried on use); fails only for a
// configuration that can never work (a TLS file that cannot be read).
std::unique_ptr<Store> open_redis_store(const RedisOptions& options, std::string* error);

}  // namespace wws::kv
