#include "worker/runner.h"

#include <cctype>

#include <spdlog/spdlog.h>

#include "http/client.h"
#include "util/blocking.h"
#include "wasi/context.h"
#include "worker/failure.h"
#include "worker/host_state.h"
#include "worker/protocol.h"

namespace wws::worker {
namespace {

// `path` is the request path as routed (normalised), so the worker sees what matched.
std::string request_url(const http::Request& request, std::string_view path, std::string_view fallback_authority) {
  std::string_view host = request.header("host");
  std::string url = "http://";
  url += host.empty() ? fallback_authority : host;
  url += path;
  if (!request.query.empty()) {
    url += '?';
    url += request.query;
  }
  return url;
}

// A namespace name to suggest: the worker file's name without brackets ("users" for users.js).
std::string suggested_namespace(const Worker& worker) {
  std::string name;
  for (char c : worker.relative.stem().string())
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') name += c;
  return name.empty() || name == "index" ? std::string("store") : name;
}

// Why a worker's answer cannot be sent, or "": 1xx are interim answers and 600+ is not HTTP;
// header count and size are bounded as a request's head is (clients and proxies refuse more).
constexpr size_t kMaxResponseHeaders = 256;
constexpr size_t kMaxResponseHeaderBytes = 64 * 1024;
std::string invalid_answer(int status, const http::HeaderList& headers) {
  if (status < 200 || status > 599)
    return fmt::format("the worker answered status {}, which is not a final HTTP status (200-599)", status);
  if (headers.size() > kMaxResponseHeaders)
    return fmt::format("the worker answered {} headers; at most {} are sent", headers.size(), kMaxResponseHeaders);
  size_t bytes = 0;
  for (const auto& [name, value] : headers) bytes += name.size() + value.size() + 4;  // ": " and CRLF
  if (bytes > kMaxResponseHeaderBytes)
    return fmt::format("the worker answered {} bytes of headers; at most {} KiB are sent", bytes,
                       kMaxResponseHeaderBytes / 1024);
  return {};
}

// The message without the server's folders: paths inside the project become relative to it
// ("users.toml:3:1: ...", not "/srv/site/users.toml:3:1: ..."); the log keeps the full ones.
std::string without_project_root(const Worker& worker, std::string text) {
  const std::string file = worker.file.string(), relative = worker.relative.string();
  if (relative.empty() || file.size() <= relative.size() ||
      file.compare(file.size() - relative.size(), relative.size(), relative) != 0)
    return text;
  const std::string root = file.substr(0, file.size() - relative.size());  // ends with '/'
  for (size_t at = text.find(root); at != std::string::npos; at = text.find(root, at)) text.erase(at, root.size());
  return text;
}

kv::Limits limits_of(const config::KvLimits& configured) {
  kv::Limits limits;
  if (configured.max_keys) limits.max_keys = *configured.max_keys;
  if (configured.max_value_bytes) limits.max_value_bytes = *configured.max_value_bytes;
  if (configured.max_namespace_bytes) limits.max_namespace_bytes = *configured.max_namespace_bytes;
  return limits;
}

// The sandbox of one wasm run: the worker's [vars] and [[folders]], its stderr to the log, its
// time limit for sleeps and its outbound HTTP permissions.
wasi::WasiConfig sandbox_config(const Worker& worker, GuestStderr& stderr_lines,
                                std::chrono::steady_clock::time_point deadline) {
  wasi::WasiConfig config;
  if (worker.runtime) {  // an interpreter running the worker's script (src/runtimes)
    config.args = worker.runtime->args;
    config.env = worker.runtime->env;
    config.root = worker.runtime->root;
  } else {
    config.env = worker.config.vars;
    for (const auto& folder : worker.config.folders) config.preopens.push_back({folder.from.string(), folder.to});
  }
  config.stderr_sink = [&stderr_lines](std::string_view text) { stderr_lines.write(text); };
  config.sleep_deadline = deadline;  // the watchdog cannot interrupt a host call, so sleeps end here
  const config::HttpRequestsFeature* permissions = &worker.config.http_requests;
  config.allow_outgoing_http = [permissions](std::string_view method, std::string_view url, std::string* why) {
    if (!http::outbound_allowed(*permissions, method, url, why)) return false;
    // A wasi:http component's request waits on the network: on an I/O thread it is refused, the
    // run's answer is dropped and the request redone on the run pool (util/blocking.h).
    if (!util::begin_blocking_wait()) {
      *why = "waiting is not allowed here; the request is redone on the run pool";
      return false;
    }
    return true;
  };
  return config;
}

RunReport answer_unavailable(const Worker& worker, http::Response& response) {
  response.status = 503;
  response.set_header("Content-Type", "text/plain; charset=utf-8");
  response.body = "This worker is not available: " + without_project_root(worker, worker.unavailable) + "\n";
  RunReport report;
  report.outcome = engine::Outcome::Failed;
  report.unavailable = true;
  report.message = worker.unavailable;
  return report;
}

}  // namespace

Runner::Runner(kv::Service& kv, const RunnerSettings& settings) : kv_(kv), settings_(settings) {}

engine::Executor& Runner::executor_for(engine::Engine& engine) {
  for (auto& [e, executor] : executors_)
    if (e == &engine) return *executor;
  return *executors_.emplace_back(&engine, engine.new_executor()).second;
}

RunReport Runner::run(const Worker& worker, const http::Request& request, std::string_view path,
                      const std::map<std::string, std::string>& params, http::Response& response,
                      std::chrono::milliseconds budget) {
  if (!worker.unavailable.empty()) return answer_unavailable(worker, response);
  RunReport report;
  const auto& ns = worker.config.kv_namespace;
  kv::RunView view(ns ? &kv_.store() : nullptr, ns.value_or(""), limits_of(worker.config.kv_limits));
  // The run's held writes live outside the guest's memory: its memory limit bounds them too.
  view.limit_pending_bytes(worker.memory_limit_bytes);
  const bool on_io_thread = budget.count() > 0;
  const bool speculative = on_io_thread && budget < worker.timeout;
  Call call{worker,
            request,
            params,
            request_url(request, path, settings_.listen_authority),
            {},
            view,
            speculative ? budget : worker.timeout};
  if (ns && worker.kind == WorkerKind::Wasm && !worker.kv_by_key) {
    if (kv::Status s = kv_.snapshots().take(*ns, &call.snapshot); !s) {
      kv_failure(worker, s, response);
      report.outcome = engine::Outcome::Failed;
      report.message = s.message();
      return report;
    }
    report.kv_reads = 1;
  }

  Answer answer = worker.kind == WorkerKind::JavaScript                        ? run_js(call)
                  : worker.module->kind() == engine::ModuleKind::HttpComponent ? run_http_component(call)
                                                                               : run_wasm(call);
  // On an I/O thread a run that wanted to wait or to commit a K/V change at once was stopped
  // (kv::RunView), and a speculative one past its budget too: the run pool redoes it.
  if (on_io_thread &&
      (util::run_scope.wanted_to_wait || (speculative && answer.outcome == engine::Outcome::TimedOut))) {
    report.outcome = answer.outcome;
    report.yielded = true;
    return report;
  }
  report.outcome = answer.outcome;
  report.instantiated = answer.instantiated;
  report.instance_kept = answer.instance_kept;
  report.memory_bytes = answer.memory_bytes;
  report.kv_reads += view.reads();
  deliver(worker, request, view, std::move(answer), response, report);
  return report;
}

void Runner::deliver(const Worker& worker, const http::Request& request, kv::RunView& view, Answer answer,
                     http::Response& response, RunReport& report) {
  const auto& ns = worker.config.kv_namespace;
  if (answer.outcome != engine::Outcome::Ok) {
    if (answer.outcome == engine::Outcome::TimedOut && util::run_cancelled())
      answer.message = "stopped early: its client closed the connection, or the server is stopping";
    const Failure failure{answer.outcome == engine::Outcome::TimedOut ? 504 : 500, answer.message, answer.stderr_tail};
    answer_failure(worker, request, failure, settings_.dev, response);
    report.message = std::move(answer.message);
    report.kv_writes = view.writes();  // atomic operations it made before failing stay
    return;
  }
  if (std::string wrong = invalid_answer(answer.status, answer.headers); !wrong.empty()) {
    // Not an answer HTTP can carry (or one no client would take): the run failed, commits nothing.
    answer.message = std::move(wrong);
    answer_failure(worker, request, Failure{500, answer.message, answer.stderr_tail}, settings_.dev, response);
    report.outcome = engine::Outcome::Failed;
    report.message = std::move(answer.message);
    report.kv_writes = view.writes();
    return;
  }
  if (!ns && (view.pending() > 0 || !answer.kv_writes.ops.empty())) warn_kv_without_namespace(worker);
  // A read that failed may have made the worker answer as if a key were absent; a 5xx answer
  // is a failed run whose writes are dropped, as for a trap (this also keeps the original Rust
  // kit's error output, "kv":{}, from wiping the namespace).
  kv::Status committed = view.failure();
  const size_t writes = answer.kv_writes.ops.size() + view.pending();
  if (committed && answer.status < 500) committed = commit_kv(worker, view, std::move(answer.kv_writes));
  report.kv_writes = view.writes() + (committed && answer.status < 500 ? static_cast<uint32_t>(writes) : 0);
  if (!committed) {
    kv_failure(worker, committed, response);
    report.outcome = engine::Outcome::Failed;
    report.message = committed.message();
    return;
  }
  response.status = answer.status;
  response.headers = std::move(answer.headers);
  response.body = std::move(answer.body);
  if (answer.default_content_type && !response.has_header("content-type"))
    response.headers.emplace_back("Content-Type", "text/html");
}

void Runner::forget(const Worker& worker) {
  // Only an engine this thread already runs can hold state for the worker's code.
  if (worker.module)
    for (auto& [engine, executor] : executors_)
      if (engine == worker.engine) executor->forget(*worker.module);
  if (worker.script && js_) js_->forget(*static_cast<const js::Script*>(worker.script.get()));
}

Runner::Answer Runner::run_wasm(const Call& call) {
  const Worker& worker = call.worker;
  InputFields in;
  in.url = call.url;
  in.method = call.request.method;
  in.headers = &call.request.headers;
  in.body = call.request.body;
  if (call.snapshot.json) in.kv_json = *call.snapshot.json;
  in.params = &call.params;
  std::string input = build_input_json(in);

  GuestStderr stderr_lines(worker);
  auto deadline = std::chrono::steady_clock::now() + call.timeout;
  wasi::WasiConfig wasi_config = sandbox_config(worker, stderr_lines, deadline);
  if (worker.runtime && !worker.runtime->stdin_preamble.empty()) input.insert(0, worker.runtime->stdin_preamble);
  wasi_config.stdin_data = input;
  wasi::WasiContext ctx(std::move(wasi_config));
  HostState host{{&worker.config.http_requests, deadline}, {&call.kv, {}, false}};
  ctx.set_host_data(&host);

  engine::RunResult result =
      executor_for(*worker.engine).run(*worker.module, ctx, engine::RunLimits{call.timeout, worker.fuel});
  stderr_lines.finish();
  Answer answer;
  answer.outcome = result.outcome;
  answer.message = std::move(result.message);
  answer.instantiated = result.instantiated;
  answer.instance_kept = result.instance_kept;
  answer.memory_bytes = result.memory_bytes;
  answer.stderr_tail = stderr_lines.tail();
  if (answer.outcome != engine::Outcome::Ok) return answer;

  std::string error;
  auto output = parse_output(ctx.stdout_buffer(), &error);
  if (!output) {
    answer.outcome = engine::Outcome::Failed;
    answer.message = describe_invalid_output(ctx.stdout_buffer(), error);
    return answer;
  }
  // Without a snapshot (a worker that reads key by key) the returned "kv" only sets keys.
  if (output->kv && worker.config.kv_namespace)
    kv::append_changes(kv::diff(call.snapshot.data ? *call.snapshot.data : kv::Map{}, *output->kv), answer.kv_writes);
  if (output->kv && !output->kv->empty() && !worker.config.kv_namespace) warn_kv_without_namespace(worker);
  for (auto& op : output->kv_ops) answer.kv_writes.ops.push_back(std::move(op));
  answer.status = output->status;
  answer.headers = std::move(output->headers);
  answer.body = std::move(output->body);
  return answer;
}

// A wasi:http component gets the request itself (method, routed path and query, headers, body)
// and answers with its own status, headers and body; there is no JSON protocol and no K/V.
Runner::Answer Runner::run_http_component(const Call& call) {
  const Worker& worker = call.worker;
  GuestStderr stderr_lines(worker);
  auto deadline = std::chrono::steady_clock::now() + call.timeout;
  wasi::WasiContext ctx(sandbox_config(worker, stderr_lines, deadline));
  Answer answer;
  answer.default_content_type = false;
  // call.url is http://<authority><path>[?query]: the component sees what the router matched.
  std::string_view url = call.url;
  url.remove_prefix(std::string_view("http://").size());
  size_t slash = url.find('/');
  engine::HttpExchange exchange;
  exchange.method = call.request.method;
  exchange.authority = url.substr(0, slash);
  exchange.path_with_query = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  exchange.headers = &call.request.headers;
  exchange.body = call.request.body;
  exchange.on_head = [&](int status, http::HeaderList headers) {
    answer.status = status;
    // wws frames the response itself: the component's framing headers would contradict it.
    std::erase_if(headers, [](const auto& h) {
      return h.first == "content-length" || h.first == "transfer-encoding" || h.first == "connection" ||
             h.first == "keep-alive";
    });
    answer.headers = std::move(headers);
  };
  exchange.on_body = [&](std::string_view chunk) { answer.body.append(chunk); };
  engine::RunResult result =
      executor_for(*worker.engine)
          .serve_http(*worker.module, ctx, exchange, engine::RunLimits{call.timeout, worker.fuel});
  stderr_lines.finish();
  answer.stderr_tail = stderr_lines.tail();
  answer.outcome = result.outcome;
  answer.message = std::move(result.message);
  return answer;
}

Runner::Answer Runner::run_js(const Call& call) {
  const Worker& worker = call.worker;
  if (!js_) js_ = std::make_unique<js::Runtime>();
  js::Request in{call.url, call.request.method, &call.request.headers, call.request.body, &call.params};
  js::Environment env;
  env.worker_name = worker.name;
  env.vars = &worker.config.vars;
  env.kv = &call.kv;
  env.timeout = call.timeout;
  env.http_requests = &worker.config.http_requests;
  env.heap_limit_bytes = worker.memory_limit_bytes;
  env.fresh_context = worker.config.js_fresh_context;
  js::Result result = js_->run(*static_cast<const js::Script*>(worker.script.get()), env, in);
  return Answer{result.outcome,         std::move(result.message),
                result.status,          std::move(result.headers),
                std::move(result.body), {},
                result.isolate_created, result.isolate_kept,
                result.heap_bytes,      {}};
}

kv::Status Runner::commit_kv(const Worker& worker, kv::RunView& view, kv::Batch batch) {
  if (!worker.config.kv_namespace) return kv::Status::ok();
  // The held host-function/Cache writes first, then what the output said: one transaction.
  std::vector<kv::Op> held = view.take_pending();
  if (!held.empty())
    batch.ops.insert(batch.ops.begin(), std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
  if (batch.ops.empty()) return kv::Status::ok();
  kv::CommitResult result;
  return kv_.store().commit(*worker.config.kv_namespace, batch, view.limits(), &result);
}

void Runner::kv_failure(const Worker& worker, const kv::Status& status, http::Response& response) {
  int code = 500;
  std::string body;
  switch (status.code()) {
    case kv::Code::Unavailable:
      code = 503;
      body = "The K/V store is unavailable; try again.\n";
      break;
    case kv::Code::Quota:
      code = 507;
      body = "K/V quota exceeded: " + status.message() + "\n";
      break;
    case kv::Code::Conflict:
      code = 409;
      body = "K/V conflict: " + status.message() + "; nothing was written, try again.\n";
      break;
    default: body = "K/V error: " + status.message() + "\n";
  }
  spdlog::error("K/V of worker \"{}\" at route {} (namespace \"{}\", {}): {}: {}; answered {}, nothing written",
                worker.name, worker.route, worker.config.kv_namespace.value_or(""), kv_.store().describe(),
                kv::code_name(status.code()), status.message(), code);
  response.status = code;
  response.headers.clear();
  if (code == 503) response.headers.emplace_back("Retry-After", "1");
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = std::move(body);
}

// Once per worker: the changes are dropped every time, and the log would fill with the same line.
void Runner::warn_kv_without_namespace(const Worker& worker) {
  if (worker.warned_kv_without_namespace->exchange(true, std::memory_order_relaxed)) return;
  spdlog::warn(
      "Worker \"{}\" ({}) writes K/V data but has no K/V namespace, so the writes are dropped; add to {}:\n"
      "[data.kv]\nnamespace = \"{}\"",
      worker.name, worker.relative.generic_string(), config::config_path_for(worker.relative).generic_string(),
      suggested_namespace(worker));
}

}  // namespace wws::worker
