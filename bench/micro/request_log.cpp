// bench/micro/request_log.cpp: the CPU one request line costs (formatting it into the thread's
// buffer, the flusher thread moving it, and the write(2) into a page-cache file), text and JSON.
// bench/run.sh divides it by a hello request's CPU measured in the same run.
#include <sys/mman.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "logs/line_sink.h"
#include "logs/request_log.h"
#include "worker/worker.h"

namespace {

using namespace wws;

void request_line(benchmark::State& state, logs::LogFormat format) {
  worker::Worker w;
  w.route = "/hello";
  w.name = "hello";
  w.relative = "hello.wasm";
  http::Request request;
  request.method = "GET";
  request.target = "/hello";
  request.path = "/hello";
  request.remote_address = "127.0.0.1";
  http::Response response;
  response.status = 200;
  response.body = "Hello from wws";
  worker::RunReport run;
  const worker::Served served{request, response, request.path, &w, &run, std::chrono::microseconds(520)};
  // A file in memory, so the kernel's copy into the page cache is counted and no disk fills up.
  const int fd = memfd_create("wws-request-log", 0);
  if (fd < 0) {
    state.SkipWithError("memfd_create failed");
    return;
  }
  {
    logs::LineSink sink(fd);
    logs::RequestLog log(format, logs::Level::Info, "v8", sink);
    for (auto _ : state) log.served(served);
  }  // the flusher's writes during the loop are in the process CPU time; the last buffer is not
  ::close(fd);
}

BENCHMARK_CAPTURE(request_line, text, logs::LogFormat::Text)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(request_line, json, logs::LogFormat::Json)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
