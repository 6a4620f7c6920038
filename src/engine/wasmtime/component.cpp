#include "engine/wasmtime/component.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/module_info.h"
#include "engine/run_outcome.h"
#include "wasi/context.h"

namespace wws::engine::wt {
namespace {

std::string take(wws_bytes_t bytes) {
  std::string s(reinterpret_cast<const char*>(bytes.data), bytes.len);
  wws_bytes_free(bytes);
  return s;
}

wws_str_t str(std::string_view s) { return {s.data(), s.size()}; }

std::string code_settings() {
  return fmt::format("wasmtime {} component; epoch; pooling+cow", wws_wasmtime_version().data);
}

// The strings of one run's options, kept alive for the call.
struct RunOptions {
  std::vector<wws_pair_t> env, preopens;
  std::string why;  // the last refusal of an outgoing request
  wasi::WasiContext* ctx = nullptr;
  wws_run_options_t c{};

  RunOptions(wasi::WasiContext& context, const RunLimits& limits, uint64_t max_memory_bytes) : ctx(&context) {
    const wasi::WasiConfig& config = context.config();
    for (const auto& [k, v] : config.env) env.push_back({str(k), str(v)});
    for (const auto& p : config.preopens) preopens.push_back({str(p.host_path), str(p.guest_path)});
    c.timeout_ms = static_cast<uint64_t>(limits.timeout.count());
    c.max_memory_bytes = max_memory_bytes;
    c.env = env.data();
    c.env_len = env.size();
    c.preopens = preopens.data();
    c.preopens_len = preopens.size();
    c.stdout_limit = config.stdout_limit;
    c.ctx = this;
    c.write_stderr = [](void* self, const uint8_t* data, size_t len) {
      auto* o = static_cast<RunOptions*>(self);
      if (o->ctx->config().stderr_sink) o->ctx->config().stderr_sink({reinterpret_cast<const char*>(data), len});
    };
    c.allow_outgoing = [](void* self, wws_str_t method, wws_str_t url, const char** why) {
      auto* o = static_cast<RunOptions*>(self);
      const auto& allow = o->ctx->config().allow_outgoing_http;
      o->why = "outbound HTTP is not configured for this worker";
      if (allow && allow({method.data, method.len}, {url.data, url.len}, &o->why)) return true;
      *why = o->why.c_str();
      return false;
    };
  }
};

RunResult finish(wws_run_end_t& e, wasi::WasiContext& ctx, const RunLimits& limits, uint64_t max_memory_bytes) {
  RunEnd end;
  end.instantiated = e.instantiated;
  end.completed = e.completed;
  end.timed_out = e.timed_out;
  end.at_memory_cap = e.at_memory_cap;
  end.max_pages = max_memory_bytes / kWasmPageSize;
  end.error = e.error.data ? take(e.error) : std::string();
  if (e.exited) ctx.request_exit(e.exit_code);  // the component's exit status, as proc_exit gives it
  RunResult result = decide_outcome(end, ctx, limits);
  result.instantiated = e.instantiated;
  return result;
}

}  // namespace

std::shared_ptr<CompiledModule> compile_component(std::span<const uint8_t> wasm, const CodeCache& cache,
                                                  const CompileOptions& options, std::string* error) {
  if (options.count_fuel) {
    *error = "[limits] fuel applies to core modules; components have time and memory limits only";
    return nullptr;
  }
  std::string key = CodeCache::key(wasm, code_settings());
  wws_component_t* component = nullptr;
  wws_bytes_t message{};
  if (auto code = cache.load(key)) {
    component = wws_component_deserialize(code->payload().data(), code->payload().size(), &message);
    if (!component) cache.remove(key, take(message));
  }
  if (!component) {
    message = {};
    component = wws_component_new(wasm.data(), wasm.size(), &message);
    if (!component) {
      *error = "cannot load the component: " + take(message);
      return nullptr;
    }
    if (cache.enabled()) {
      wws_bytes_t code{}, why{};
      if (wws_component_serialize(component, &code, &why)) {
        cache.store(key, {code.data, code.len});
        wws_bytes_free(code);
      } else {
        spdlog::warn("Code cache: cannot serialize a component: {}", take(why));
      }
    }
  }
  switch (wws_component_kind(component)) {
    case WWS_COMPONENT_COMMAND:
      return std::make_shared<ComponentModule>(component, ModuleKind::CommandComponent, options.max_memory_bytes);
    case WWS_COMPONENT_HTTP:
      return std::make_shared<ComponentModule>(component, ModuleKind::HttpComponent, options.max_memory_bytes);
    default:
      wws_component_delete(component);
      *error =
          "the component exports neither wasi:cli/run nor wasi:http/incoming-handler (0.2), so wws cannot "
          "serve it";
      return nullptr;
  }
}

RunResult run_command_component(const ComponentModule& module, wasi::WasiContext& ctx, const RunLimits& limits) {
  uint64_t max_memory_bytes = module.max_memory_bytes;
  RunOptions options(ctx, limits, max_memory_bytes);
  wws_run_end_t end{};
  wws_bytes_t out{};
  wws_component_run_command(module.component, &options.c, str(ctx.config().stdin_data), &out, &end);
  ctx.stdout_buffer().assign(reinterpret_cast<const char*>(out.data), out.len);
  wws_bytes_free(out);
  return finish(end, ctx, limits, max_memory_bytes);
}

RunResult serve_http_component(const ComponentModule& module, wasi::WasiContext& ctx, const HttpExchange& exchange,
                               const RunLimits& limits) {
  uint64_t max_memory_bytes = module.max_memory_bytes;
  RunOptions options(ctx, limits, max_memory_bytes);
  std::vector<wws_pair_t> headers;
  if (exchange.headers)
    for (const auto& [k, v] : *exchange.headers) headers.push_back({str(k), str(v)});
  wws_http_request_t request{
      str(exchange.method), str(exchange.scheme), str(exchange.authority), str(exchange.path_with_query),
      headers.data(),       headers.size(),       str(exchange.body)};
  wws_http_sink_t sink{};
  sink.ctx = const_cast<HttpExchange*>(&exchange);
  sink.head = [](void* self, uint16_t status, const wws_pair_t* pairs, size_t n) {
    auto* x = static_cast<HttpExchange*>(self);
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i)
      out.emplace_back(std::string(pairs[i].name.data, pairs[i].name.len),
                       std::string(pairs[i].value.data, pairs[i].value.len));
    if (x->on_head) x->on_head(status, std::move(out));
  };
  sink.body = [](void* self, const uint8_t* data, size_t len) {
    auto* x = static_cast<HttpExchange*>(self);
    if (x->on_body) x->on_body({reinterpret_cast<const char*>(data), len});
  };
  wws_run_end_t end{};
  wws_component_serve_http(module.component, &options.c, &request, &sink, &end);
  return finish(end, ctx, limits, max_memory_bytes);
}

}  // namespace wws::engine::wt
