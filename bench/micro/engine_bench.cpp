// Micro-benchmarks of the engines, side by side in one run (Google Benchmark):
//   - Instantiate/<engine>/<module>: one request's engine work, a fresh instance (or V8's reset
//     one) + _start + teardown, for a minimal WAT hello and the C hello worker (wasi-libc);
//   - Primes/<engine> against Primes/native: the CPU-heavy worker's guest code against the same C
//     compiled natively (the wasm run includes its instantiation and the JSON protocol).
// usage: engine_bench <unit-wasm dir> <test-workers dir> <bench-workers dir> [benchmark flags]
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/v8/v8_engine.h"
#include "engine/wasmtime/wasmtime_engine.h"
#include "wasi/context.h"

extern "C" int native_count_primes(unsigned char* composite, int limit);

namespace {

using namespace wws::engine;

std::string g_wat_dir, g_c_dir, g_bench_dir;

std::vector<uint8_t> read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

Engine& engine(const std::string& name) {
  static auto wasmtime = make_wasmtime_engine({});
  static auto v8 = make_v8_engine();
  return name == "v8" ? *v8 : *wasmtime;
}

void run_module(benchmark::State& state, const std::string& engine_name, const std::string& path,
                std::string_view expect_prefix) {
  Engine& e = engine(engine_name);
  std::string error;
  auto module = e.compile(read(path), CompileOptions{128ull << 20}, &error);
  if (!module) return state.SkipWithError(error.c_str());
  auto executor = e.new_executor();
  const std::string input = R"({"url":"http://localhost/","method":"GET","headers":{},"body":"","kv":{},"params":{}})";
  for (auto _ : state) {
    wws::wasi::WasiConfig config;
    config.stdin_data = input;
    wws::wasi::WasiContext ctx(std::move(config));
    RunResult r = executor->run(*module, ctx, RunLimits{});
    if (r.outcome != Outcome::Ok || ctx.stdout_buffer().find(expect_prefix) == std::string::npos)
      return state.SkipWithError(("run failed: " + r.message + " " + ctx.stdout_buffer()).c_str());
  }
}

void BM_Instantiate(benchmark::State& state, const std::string& engine_name, const std::string& which) {
  std::string path = which == "wat" ? g_wat_dir + "/hello.wasm" : g_c_dir + "/hello.wasm";
  run_module(state, engine_name, path, which == "wat" ? "hello" : "Hello");
}

void BM_Primes(benchmark::State& state, const std::string& engine_name) {
  run_module(state, engine_name, g_bench_dir + "/primes.wasm", "25997 primes");
}

void BM_PrimesNative(benchmark::State& state) {
  static std::vector<unsigned char> composite(300000);
  for (auto _ : state) {
    int n = native_count_primes(composite.data(), 300000);
    benchmark::DoNotOptimize(n);
    if (n != 25997) return state.SkipWithError("wrong count");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <unit-wasm dir> <test-workers dir> <bench-workers dir> [benchmark flags]\n", argv[0]);
    return 2;
  }
  g_wat_dir = argv[1];
  g_c_dir = argv[2];
  g_bench_dir = argv[3];
  for (std::string e : {"wasmtime", "v8"}) {
    benchmark::RegisterBenchmark(("Instantiate/" + e + "/wat_hello").c_str(), BM_Instantiate, e, "wat");
    benchmark::RegisterBenchmark(("Instantiate/" + e + "/c_hello").c_str(), BM_Instantiate, e, "c");
  }
  for (std::string e : {"wasmtime", "v8"}) benchmark::RegisterBenchmark(("Primes/" + e).c_str(), BM_Primes, e);
  benchmark::RegisterBenchmark("Primes/native", BM_PrimesNative);
  argv[3] = argv[0];
  int n = argc - 3;
  benchmark::Initialize(&n, argv + 3);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
