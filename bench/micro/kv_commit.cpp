// bench/micro/kv_commit.cpp: what one K/V commit (the counter worker's atomic increment) costs
// each backend on its own, without HTTP, the run pool or a worker: a loop of commits on 1, 4
// and 16 threads (concurrent commits share group commits). Real time and CPU time per commit;
// on Redis the server's CPU is not in it. Redis runs when WWS_BENCH_REDIS names a server
// (redis://127.0.0.1:PORT/DB); bench/kv.sh runs this with its own redis-server.
//
//   kv_commit_bench [--benchmark_filter=sqlite]        (SQLite in a temp folder, synchronous=NORMAL)
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "kv/redis_store.h"
#include "kv/sqlite_store.h"
#include "kv/store.h"

namespace {

using namespace wws;

// One store per backend for the whole run, shared by the benchmark's threads.
std::shared_ptr<kv::Store> store_for(const std::string& backend, std::string* error) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<kv::Store>> stores;
  static std::filesystem::path folder;
  std::lock_guard lock(mutex);
  if (auto it = stores.find(backend); it != stores.end()) return it->second;
  std::shared_ptr<kv::Store> store;
  if (backend == "memory") {
    store = kv::make_memory_store();
  } else if (backend == "sqlite") {
    std::string pattern = (std::filesystem::temp_directory_path() / "wws-kv-bench-XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    if (!made) {
      *error = "cannot make a temporary folder for the SQLite file: " + std::string(std::strerror(errno));
      return nullptr;
    }
    folder = made;
    kv::SqliteOptions options;
    options.path = folder / "kv.sqlite3";
    store = kv::open_sqlite_store(options, error);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(folder, ec);
    });
  } else {
    const char* url = std::getenv("WWS_BENCH_REDIS");
    if (!url) {
      *error = "set WWS_BENCH_REDIS=redis://127.0.0.1:PORT/DB to measure Redis";
      return nullptr;
    }
    kv::RedisOptions options;
    if (std::string problem = kv::parse_redis_url(url, &options.address); !problem.empty()) {
      *error = problem;
      return nullptr;
    }
    options.key_prefix = "wws-bench:";
    store = kv::open_redis_store(options, error);
  }
  if (store) stores.emplace(backend, store);
  return store;
}

void increment(benchmark::State& state, const std::string& backend) {
  std::string error;
  auto store = store_for(backend, &error);
  if (!store) {
    state.SkipWithError(error.c_str());
    return;
  }
  const kv::Batch batch{{kv::Op::increment("n", 1)}, {}};
  const kv::Limits limits;
  uint64_t failures = 0;
  for (auto _ : state) {
    kv::CommitResult result;
    if (!store->commit("bench", batch, limits, &result)) failures++;
    benchmark::DoNotOptimize(result);
  }
  if (failures) state.SkipWithError("a commit failed");
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(increment, memory, std::string("memory"))->Threads(1)->Threads(4)->Threads(16)->UseRealTime();
BENCHMARK_CAPTURE(increment, sqlite, std::string("sqlite"))->Threads(1)->Threads(4)->Threads(16)->UseRealTime();
BENCHMARK_CAPTURE(increment, redis, std::string("redis"))->Threads(1)->Threads(4)->Threads(16)->UseRealTime();

BENCHMARK_MAIN();
