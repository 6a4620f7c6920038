// Runs one request through one worker on the calling server thread: builds the stdin JSON,
// runs a fresh instance, turns stdout into the HTTP response and commits K/V changes. Everything
// a run wrote to K/V commits in one transaction, and only if the run succeeded; a K/V failure
// turns the answer into an error (503 store unavailable, 507 quota, 409 compare-and-swap
// conflict, 500 increment of a non-number) with a log line, never a success.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "http/message.h"
#include "js/runtime.h"
#include "kv/run_view.h"
#include "kv/service.h"
#include "worker/cors.h"
#include "worker/observer.h"
#include "worker/worker.h"

namespace wws::worker {

struct RunnerSettings {
  Cors cors;                     // --cors: headers on every answer, preflights (cors.h)
  std::string listen_authority;  // "127.0.0.1:8080", used when a request has no Host header
  Observers observers;           // told about every request the Dispatcher answers (observer.h)
  bool dev = false;              // --dev: failed runs answer with the cause, stderr tail and file (failure.h)
};

class Runner {
 public:
  Runner(kv::Service& kv, const RunnerSettings& settings);
  // `path` is the normalised request path the router matched. A non-zero `budget` means the
  // run is on an I/O thread: it may not wait (util::begin_blocking_wait) nor make a K/V change
  // that commits at once, and below the worker's time limit it is speculative: past the budget
  // it is stopped. Either way it is reported as `yielded`, with nothing logged, committed or
  // written to `response`, and the caller redoes it on the run pool.
  RunReport run(const Worker& worker, const http::Request& request, std::string_view path,
                const std::map<std::string, std::string>& params, http::Response& response,
                std::chrono::milliseconds budget = {});
  // Drops this thread's cached state for the worker's code (kept instances, isolates): called
  // once no Site being served uses that code any more.
  void forget(const Worker& worker);

 private:
  // One request to one worker, as both kinds of worker see it.
  struct Call {
    const Worker& worker;
    const http::Request& request;
    const std::map<std::string, std::string>& params;
    std::string url;
    kv::Snapshot snapshot;              // only for wasm workers that read their namespace from stdin
    kv::RunView& kv;                    // key-by-key access (host functions, JS Cache); local-only without a namespace
    std::chrono::milliseconds timeout;  // the worker's, or the speculative run's budget
  };
  // What a run produced, before it becomes the HTTP response.
  struct Answer {
    engine::Outcome outcome = engine::Outcome::Failed;
    std::string message;
    int status = 200;
    http::HeaderList headers;
    std::string body;
    kv::Batch kv_writes;  // what the run wrote through the snapshot protocol ("kv", "kv_ops")
    bool instantiated = false;
    bool instance_kept = false;
    uint64_t memory_bytes = 0;
    std::string stderr_tail;           // wasm: the last lines the guest wrote to stderr
    bool default_content_type = true;  // add Content-Type: text/html when the worker set none
  };
  Answer run_wasm(const Call& call);
  Answer run_http_component(const Call& call);
  Answer run_js(const Call& call);
  // Turns a finished run's answer into the response: a failure page for a failed run or for an
  // answer HTTP cannot carry, otherwise the worker's answer once its K/V writes are committed.
  void deliver(const Worker& worker, const http::Request& request, kv::RunView& view, Answer answer,
               http::Response& response, RunReport& report);
  // Commits the run's writes; a failure is returned for kv_failure().
  kv::Status commit_kv(const Worker& worker, kv::RunView& view, kv::Batch batch);
  void kv_failure(const Worker& worker, const kv::Status& status, http::Response& response);
  void warn_kv_without_namespace(const Worker& worker);

  // This thread's executor for `engine`, made on first use (executors belong to one thread).
  engine::Executor& executor_for(engine::Engine& engine);

  std::vector<std::pair<engine::Engine*, std::unique_ptr<engine::Executor>>> executors_;
  std::unique_ptr<js::Runtime> js_;  // created on the first JS request
  kv::Service& kv_;
  const RunnerSettings& settings_;
};

}  // namespace wws::worker
