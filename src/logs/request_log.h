// logs/request_log: one line per request the Dispatcher answered (method, path, status, bytes,
// duration, route, worker, engine), as text or JSON, through a LineSink so the request path only
// formats into a per-thread buffer. Lines of 5xx answers are warnings, the others info, so
// `--log-level warn` keeps only the failures.
#pragma once
#include <memory>
#include <string>

#include "logs/line_sink.h"
#include "logs/setup.h"
#include "worker/observer.h"

namespace wws::logs {

class RequestLog final : public worker::RequestObserver {
 public:
  // `wasm_engine` names the engine of wasm workers in the lines ("v8").
  RequestLog(LogFormat format, Level level, std::string wasm_engine, LineSink& sink);
  void served(const worker::Served& served) override;

  // The line for one request, without the trailing newline (for tests).
  void format(const worker::Served& served, std::string& out) const;

 private:
  const LogFormat format_;
  const bool info_;  // info lines are wanted; warnings always are unless the level is above warn
  const bool warn_;
  const std::string wasm_engine_;
  LineSink& sink_;
};

}  // namespace wws::logs
