// The HTTP/1.1 server. Each thread owns an io_context, an SO_REUSEPORT acceptor (the kernel
// spreads connections), a Handler created on that thread and the connections it accepted, so
// nothing on the request path is shared or locked, except for requests a handler defers to the
// run pool (run_pool.h), whose answers are posted back to the connection's thread. Requests
// are parsed by Beast; responses are built by hand (response_head.h) and sent with one write.
// Timeouts are a once-a-second sweep, not per-read timers (see engines.md "The HTTP layer" for
// the measurements behind both).
#include "http/server.h"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "http/handshakes.h"
#include "http/http_date.h"
#include "http/request_rules.h"
#include "http/response_head.h"
#include "http/run_pool.h"
#include "util/blocking.h"

namespace wws::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr uint64_t kLingerSeconds = 2;  // after a closing response, how long we drain input
// and how much of it. A client still sending the rest of a body we refused (413) sees a reset,
// not our answer, if we close while it writes: room for several times the default body limit.
constexpr size_t kLingerDrainLimit = 64 << 20;
constexpr auto kDrainWindow = std::chrono::seconds(1);            // on stop: how long idle connections may still send
constexpr auto kListenerLinger = std::chrono::milliseconds(100);  // on stop: for handshakes under way
constexpr auto kHardStop = std::chrono::seconds(5);  // after the grace: how long stopped runs get to answer
constexpr size_t kInlineBodyLimit = 16 * 1024;       // smaller bodies are copied after the head
constexpr size_t kKeepCapacity = 64 * 1024;          // per-connection buffers larger than this are freed
// Unparsed input a connection may hold beyond the head limit: a chunk-size line with its
// extensions, or a trailer, must fit in it (Beast buffers them whole), so neither can grow
// without bound (a 1 GiB chunk extension took 1 GB of memory).
constexpr size_t kMaxBufferedBeyondHead = 16 * 1024;

bool is_http_parse_error(const error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category();
}

bool iequals(std::string_view a, std::string_view b) { return Response::strcase_equal(a, b); }

void assign_lower(std::string& out, std::string_view in) {
  out.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
}

// Splits the request-target into path and query. Absolute-form ("http://h/p") keeps only /p.
void split_target(Request& r) {
  std::string_view t = r.target;
  if (!t.empty() && t.front() != '/') {
    if (const size_t scheme = t.find("://"); scheme != std::string_view::npos) {
      const size_t slash = t.find('/', scheme + 3);
      t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
    }
  }
  const size_t q = t.find('?');
  if (q == std::string_view::npos) {
    r.path.assign(t);
    r.query.clear();
  } else {
    r.path.assign(t.substr(0, q));
    r.query.assign(t.substr(q + 1));
  }
}

void release_if_large(std::string& s) {
  if (s.capacity() > kKeepCapacity) std::string().swap(s);
}

}  // namespace

struct Worker;

struct Connection {
  enum class State { Reading, Handling, Writing, Lingering };

  Connection(Worker& w, tcp::socket s, size_t max_buffered) : worker(w), socket(std::move(s)), buffer(max_buffered) {}

  Worker& worker;
  tcp::socket socket;
  boost::beast::flat_buffer buffer;  // bounded: past its max_size a read fails with buffer_overflow
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  Request request;
  Response response;
  std::string head;
  std::string remote_address;
  uint64_t last_activity = 0;  // worker tick of the last completed read or write
  size_t drained = 0;
  State state = State::Reading;
  bool close_after_write = false;
  std::list<Connection>::iterator self;

  // While a deferred request runs on the pool (see Worker::defer). `stop_run` is the run's
  // util::RunScope::cancel, read by the pool thread; the rest belongs to the I/O thread.
  std::atomic<bool> stop_run{false};
  bool client_gone = false;  // the peer closed or reset: nobody to answer
  bool watching = false;     // an async_wait for the peer's close is pending
  bool run_done = false;     // the pool posted the run's end; finish once the watch is over
};

// Shared by every I/O thread; touched once per connection (or per rejected request), not per request.
struct Counters {
  std::atomic<int64_t> open{0};
  std::atomic<uint64_t> accepted{0}, rejected_400{0}, rejected_413{0}, rejected_431{0}, abandoned{0};
};

struct Worker {
  Worker(const ServerOptions& o, const std::atomic<bool>& stop, Counters& c)
      : options(o), stop_requested(stop), counters(c) {}

  const ServerOptions& options;
  // Set by stop() on any thread before the posted begin_stop() runs here; a handler busy on this
  // thread delays that post, so its response checks the flag to announce the close.
  const std::atomic<bool>& stop_requested;
  Counters& counters;
  asio::io_context io{1};  // one thread runs it: lets Asio skip its internal locking
  tcp::acceptor acceptor{io};
  asio::steady_timer sweep_timer{io};
  asio::steady_timer accept_retry_timer{io};
  asio::steady_timer drain_timer{io};
  asio::steady_timer listener_timer{io};
  std::unique_ptr<Handler> handler;
  RunPool* pool = nullptr;            // where deferred requests run; null: everything runs here
  std::list<Connection> connections;  // stable addresses: completion handlers hold references
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  uint64_t tick = 0;  // whole seconds since start, advanced by the sweep
  char date[kHttpDateLength] = {};
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_time;  // measured from here, not from `tick`: a
  std::chrono::seconds grace{0};                    // whole-second tick would cut it short by up to 1 s

  // ---- lifecycle ----
  void start() {
    refresh_clock();
    accept();
    schedule_sweep();
  }

  // Stop accepting (refuse_new_handshakes, then close_listener) and drain: every request that
  // has arrived, or is on its way, is answered (with Connection: close) before its connection
  // closes. A connection with nothing to read could still have a request in flight, so idle ones
  // get kDrainWindow before they are closed; the others finish, up to the grace, which outlasts
  // the longest time limit (cli/app.cpp).
  void begin_stop(std::chrono::seconds stop_grace) {
    if (stopping) return;
    stopping = true;
    stop_time = std::chrono::steady_clock::now();
    grace = stop_grace;
    const bool refusing = acceptor.is_open() && refuse_new_handshakes(acceptor.native_handle());
    accept_backlog();
    listener_timer.expires_after(refusing ? kListenerLinger : std::chrono::milliseconds(0));
    listener_timer.async_wait([this](error_code) { close_listener(); });
    drain_timer.expires_after(kDrainWindow);
    drain_timer.async_wait([this](error_code ec) {
      if (ec) return;
      error_code ignore;
      // Idle, unless its next request is here but not read yet (this timer ran first).
      for (auto& c : connections)
        if (is_idle(c) && !has_unread_input(c)) c.socket.close(ignore);
    });
  }

  void close_listener() {
    accept_backlog();
    error_code ignored;
    acceptor.close(ignored);
    accept_retry_timer.cancel();
    finish_stop_if_drained();
  }

  bool drained() const { return stopping && !acceptor.is_open() && connections.empty(); }

  void finish_stop_if_drained() {
    if (drained()) {
      sweep_timer.cancel();
      drain_timer.cancel();
    }
  }

  std::chrono::steady_clock::time_point refresh_clock() {
    const auto now = std::chrono::steady_clock::now();
    tick = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now - started).count());
    format_http_date(std::time(nullptr), date);
    return now;
  }

  void schedule_sweep() {
    sweep_timer.expires_after(std::chrono::seconds(1));
    sweep_timer.async_wait([this](error_code ec) {
      if (ec) return;
      sweep();
      if (drained()) return;
      schedule_sweep();
    });
  }

  // Closing a socket makes its single pending operation complete with an error, and that
  // completion handler destroys the connection: so this never frees a connection itself.
  // Past the grace, a request still running is stopped (it answers 504) rather than cut off;
  // kHardStopSeconds later everything left is closed.
  void sweep() {
    const auto now = refresh_clock();
    const uint64_t idle_limit = static_cast<uint64_t>(options.idle_timeout.count());
    const bool grace_over = stopping && now - stop_time >= grace;
    const bool hard_stop = stopping && now - stop_time >= grace + kHardStop;
    error_code ignored;
    for (auto& c : connections) {
      if (!c.socket.is_open()) continue;
      const uint64_t age = tick - c.last_activity;
      const bool handling = c.state == Connection::State::Handling;
      bool expired =
          (age > idle_limit && !handling) || (c.state == Connection::State::Lingering && age >= kLingerSeconds);
      if (grace_over && handling) c.stop_run = true;
      if (hard_stop || (grace_over && !handling)) expired = true;
      if (expired) c.socket.close(ignored);
    }
  }

  static bool is_idle(const Connection& c) {
    return c.state == Connection::State::Reading && c.buffer.size() == 0 && c.parser && !c.parser->got_some();
  }

  static bool has_unread_input(Connection& c) {
    char byte;
    return ::recv(c.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
  }

  // ---- accepting ----
  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        // EMFILE and friends: back off instead of spinning on a failing accept.
        spdlog::warn("http: accept failed: {}", ec.message());
        accept_retry_timer.expires_after(std::chrono::milliseconds(100));
        accept_retry_timer.async_wait([this](error_code e) {
          if (!e && acceptor.is_open()) accept();
        });
        return;
      }
      // Also while stopping (until close_listener): its client has connected and may have sent a
      // request, which gets its answer like any other (with Connection: close).
      serve(std::move(socket));
      if (acceptor.is_open()) accept();
    });
  }

  void serve(tcp::socket socket) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto& c = connections.emplace_back(*this, std::move(socket), options.max_header_bytes + kMaxBufferedBeyondHead);
    counters.open.fetch_add(1, std::memory_order_relaxed);
    counters.accepted.fetch_add(1, std::memory_order_relaxed);
    c.self = std::prev(connections.end());
    c.last_activity = tick;
    const auto remote = c.socket.remote_endpoint(ignored);
    if (!ignored) c.remote_address = remote.address().to_string();
    read_request(c);
  }

  // Connections the kernel completed but nobody accepted yet are reset when the listener
  // closes, though their clients already sent a request: take them in first.
  void accept_backlog() {
    error_code ec;
    acceptor.non_blocking(true, ec);
    while (!ec) {
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      if (!ec) serve(std::move(socket));
    }
  }

  void destroy(Connection& c) {
    error_code ignored;
    c.socket.close(ignored);
    connections.erase(c.self);
    counters.open.fetch_sub(1, std::memory_order_relaxed);
    finish_stop_if_drained();
  }

  // ---- reading ----
  void read_request(Connection& c) {
    c.state = Connection::State::Reading;
    c.parser.emplace();
    c.parser->body_limit(options.max_body_bytes);
    c.parser->header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(options.max_header_bytes, UINT32_MAX)));
    bhttp::async_read_header(c.socket, c.buffer, *c.parser, [this, &c](error_code ec, size_t) {
      if (ec) return on_read_error(c, ec);
      c.last_activity = tick;
      c.request.received = std::chrono::steady_clock::now();
      auto& message = c.parser->get();
      if (const int status = check_request_head(message.version(), message.base())) return respond_error(c, status);
      if (c.parser->is_done()) return handle(c);
      if (message.version() == 11 && iequals(message[bhttp::field::expect], "100-continue")) {
        // curl waits for this before sending bodies over 1 KiB.
        c.state = Connection::State::Writing;
        asio::async_write(c.socket, asio::buffer(kContinue.data(), kContinue.size()), [this, &c](error_code e, size_t) {
          if (e) return destroy(c);
          read_body(c);
        });
        return;
      }
      read_body(c);
    });
  }

  void read_body(Connection& c) {
    c.state = Connection::State::Reading;
    bhttp::async_read(c.socket, c.buffer, *c.parser, [this, &c](error_code ec, size_t) {
      if (ec) return on_read_error(c, ec);
      c.last_activity = tick;
      handle(c);
    });
  }

  void on_read_error(Connection& c, const error_code& ec) {
    if (ec == bhttp::error::body_limit) return respond_error(c, 413);
    if (ec == bhttp::error::header_limit) return respond_error(c, 431);
    if (is_http_parse_error(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      spdlog::debug("http: malformed request from {}: {}", c.remote_address, ec.message());
      return respond_error(c, 400);
    }
    destroy(c);  // the peer closed, the sweep closed the socket, or the network failed
  }

  // ---- answering ----
  void fill_request(Connection& c) {
    auto& message = c.parser->get();
    Request& r = c.request;
    r.method.assign(message.method_string());
    r.target.assign(message.target());
    split_target(r);
    // Reuse the previous request's header strings: steady-state keep-alive allocates nothing here.
    size_t n = 0;
    for (const auto& field : message) {
      if (n == r.headers.size()) r.headers.emplace_back();
      assign_lower(r.headers[n].first, field.name_string());
      r.headers[n].second.assign(field.value());
      ++n;
    }
    r.headers.resize(n);
    r.body = std::move(message.body());
    r.remote_address = c.remote_address;
    r.keep_alive = message.keep_alive();
  }

  void handle(Connection& c) {
    c.state = Connection::State::Handling;
    fill_request(c);
    Handled handled;
    {
      // An I/O thread's runs may not wait; with no pool there is nowhere else to run them.
      util::ScopedRun scope(pool == nullptr, nullptr);
      handled = run_handler(*handler, c, pool != nullptr);
    }
    if (handled == Handled::Done) return finish(c);
    defer(c);
  }

  // Hands the request to the run pool, in the lane the handler named. While it waits or runs,
  // the connection watches for its peer leaving: then the run is cancelled (skipped if it has
  // not started) and nothing is written. The connection has no other pending operation while
  // Handling, and only deferred_done() ends it, so it outlives the job that refers to it.
  void defer(Connection& c) {
    std::shared_ptr<RunLane> lane = std::move(c.response.lane);
    c.stop_run = false;
    c.client_gone = false;
    c.run_done = false;
    const auto submitted = pool->submit(
        [this, &c](Handler& pool_handler) {
          if (c.stop_run.load()) {
            // Cancelled before it started: the peer left, or the server's grace is over.
            reset_to_error(c.response, 503);
          } else {
            util::ScopedRun scope(true, &c.stop_run);
            run_handler(pool_handler, c, false);
          }
          asio::post(io, [this, &c] { deferred_done(c); });
        },
        lane);
    if (submitted == RunPool::Submitted::LaneFull) return respond_busy(c);
    watch_for_hangup(c);
  }

  void watch_for_hangup(Connection& c) {
    c.watching = true;
    c.socket.async_wait(tcp::socket::wait_read, [this, &c](error_code ec) {
      c.watching = false;
      if (ec != asio::error::operation_aborted || !c.socket.is_open()) {
        char byte;
        const ssize_t n = ec ? -1 : ::recv(c.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && (ec || (errno != EAGAIN && errno != EWOULDBLOCK)))) {
          c.client_gone = true;  // EOF, reset, or the sweep closed the socket
          c.stop_run = true;
          counters.abandoned.fetch_add(1, std::memory_order_relaxed);
        } else if (n < 0 && !c.run_done) {
          return watch_for_hangup(c);  // a spurious wake-up
        }
        // n > 0: the next request is already here (pipelining); the peer is still there.
      }
      if (c.run_done) deferred_done(c);
    });
  }

  void deferred_done(Connection& c) {
    c.run_done = true;
    if (c.watching) {
      c.socket.cancel();  // the watch's handler calls back here
      return;
    }
    if (c.client_gone) return destroy(c);
    finish(c);
  }

  // The worker's lane of the run pool is full: 503, and when to retry.
  void respond_busy(Connection& c) {
    reset_to_error(c.response, 503);
    c.response.headers.emplace_back("Retry-After", "1");
    c.response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    c.response.body = "Too many requests are waiting for this worker; retry in a moment.\n";
    finish(c);
  }

  static Handled run_handler(Handler& h, Connection& c, bool may_defer) {
    Response& response = c.response;
    response.status = 200;
    response.headers.clear();
    response.body.clear();
    try {
      if (h.handle(c.request, response, may_defer) == Handled::Done) return Handled::Done;
      if (may_defer) return Handled::Deferred;
      spdlog::error("http: handler deferred {} {} on a run-pool thread", c.request.method, c.request.path);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed on {} {}: {}", c.request.method, c.request.path, e.what());
    } catch (...) {
      spdlog::error("http: handler failed on {} {} with a non-standard exception", c.request.method, c.request.path);
    }
    reset_to_error(response, 500);
    return Handled::Done;
  }

  void finish(Connection& c) {
    const bool head_request = c.parser->get().method() == bhttp::verb::head;
    const bool http10 = c.parser->get().version() == 10;
    const bool close = !c.request.keep_alive || stopping || stop_requested.load(std::memory_order_relaxed);
    write_response(c, head_request, close, http10 && !close);
  }

  static void reset_to_error(Response& response, int status) {
    response.status = status;
    response.headers.clear();
    response.body.clear();
  }

  void respond_error(Connection& c, int status) {
    auto& counter = status == 413   ? counters.rejected_413
                    : status == 431 ? counters.rejected_431
                                    : counters.rejected_400;
    counter.fetch_add(1, std::memory_order_relaxed);
    reset_to_error(c.response, status);
    write_response(c, false, true, false);
  }

  void write_response(Connection& c, bool head_request, bool close, bool http10_keep_alive) {
    c.head.clear();
    ResponseFraming framing;
    framing.date = std::string_view(date, sizeof date);
    framing.head_request = head_request;
    framing.close = close;
    framing.http10_keep_alive = http10_keep_alive;
    const HeadResult result = append_response_head(c.response, framing, c.head);
    c.close_after_write = result.close;
    c.state = Connection::State::Writing;
    auto done = [this, &c](error_code ec, size_t) { on_written(c, ec); };
    if (result.send_body && c.response.body.size() > kInlineBodyLimit) {
      const std::array<asio::const_buffer, 2> buffers{asio::buffer(c.head), asio::buffer(c.response.body)};
      asio::async_write(c.socket, buffers, std::move(done));
      return;
    }
    if (result.send_body) c.head.append(c.response.body);
    asio::async_write(c.socket, asio::buffer(c.head), std::move(done));
  }

  void on_written(Connection& c, const error_code& ec) {
    if (ec) return destroy(c);
    c.last_activity = tick;
    release_if_large(c.response.body);
    release_if_large(c.request.body);
    release_if_large(c.head);
    // A response written while stopping said "Connection: close". One built just before the stop
    // did not, so the peer may already have sent its next request: read and answer it.
    if (c.close_after_write) return linger_close(c);
    if (c.buffer.capacity() > kKeepCapacity && c.buffer.size() == 0) c.buffer.shrink_to_fit();
    read_request(c);
  }

  // Closing with unread input makes the kernel send RST, which can destroy the response we just
  // wrote before the client reads it (413 with the body still arriving). So: half-close, then
  // drain input until the peer closes, the limit is hit or the sweep gives up.
  void linger_close(Connection& c) {
    c.state = Connection::State::Lingering;
    error_code ignored;
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    c.buffer.clear();
    drain(c);
  }

  void drain(Connection& c) {
    c.socket.async_read_some(c.buffer.prepare(16 * 1024), [this, &c](error_code ec, size_t n) {
      c.drained += n;
      if (ec || c.drained > kLingerDrainLimit) return destroy(c);
      drain(c);
    });
  }
};

struct Server::Impl {
  ServerOptions options;
  HandlerFactory factory;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<RunPool> pool;
  mutable std::mutex pool_mutex;  // guards `pool` being made and dropped against stats()
  uint16_t bound_port = 0;
  std::atomic<bool> stop_requested{false};
  Counters counters;
  std::mutex failure_mutex;
  std::exception_ptr failure;

  void record_failure(std::exception_ptr e) {
    std::lock_guard lock(failure_mutex);
    if (!failure) failure = std::move(e);
  }

  void run_worker(Server& server, Worker& w) {
    try {
      w.handler = factory();
      if (!w.handler) throw std::runtime_error("the handler factory returned no handler");
    } catch (...) {
      record_failure(std::current_exception());
      spdlog::error("http: could not create a request handler; stopping the server");
      server.stop();
      error_code ignored;
      w.acceptor.close(ignored);
      return;
    }
    w.start();
    for (;;) {
      try {
        w.io.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("http: unexpected error in the event loop: {}", e.what());
      }
    }
    w.handler.reset();  // on its own thread: handlers may own thread-bound state
  }
};

namespace {

tcp::endpoint resolve_listen_address(const std::string& host, uint16_t port) {
  asio::io_context io;
  tcp::resolver resolver(io);
  error_code ec;
  auto results =
      resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve host '" + host + "': " + (ec ? ec.message() : "no address"));
  return results.begin()->endpoint();
}

// SO_REUSEPORT (one acceptor per I/O thread) would let us silently share a port with another
// server of the same user: a probe bind without it fails if anyone already listens there.
void check_port_free(const tcp::endpoint& endpoint, const std::string& where) {
  asio::io_context io;
  tcp::acceptor probe(io);
  error_code ec;
  probe.open(endpoint.protocol(), ec);
  if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) probe.bind(endpoint, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
}

}  // namespace

Server::Server(ServerOptions options, HandlerFactory factory) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->factory = std::move(factory);
  if (impl_->options.threads == 0) impl_->options.threads = 1;
}

Server::~Server() = default;

void Server::listen() {
  auto& impl = *impl_;
  if (!impl.workers.empty()) throw std::runtime_error("listen() was already called");
  const ServerOptions& o = impl.options;
  const std::string where = o.host + ":" + std::to_string(o.port);

  tcp::endpoint endpoint = resolve_listen_address(o.host, o.port);
  const bool reuse_port = o.threads > 1;
  if (reuse_port && o.port != 0) check_port_free(endpoint, where);

  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < o.threads; ++i) {
    auto w = std::make_unique<Worker>(impl.options, impl.stop_requested, impl.counters);
    error_code ec;
    w->acceptor.open(endpoint.protocol(), ec);
    if (!ec) w->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && reuse_port) w->acceptor.set_option(ReusePort(true), ec);
    if (!ec) w->acceptor.bind(endpoint, ec);
    if (!ec) w->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    if (i == 0) {
      endpoint.port(w->acceptor.local_endpoint().port());
      impl.bound_port = endpoint.port();
    }
    workers.push_back(std::move(w));
  }
  impl.workers = std::move(workers);
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::run() {
  auto& impl = *impl_;
  if (impl.workers.empty()) throw std::runtime_error("Server::run() needs a successful listen() first");
  if (impl.options.max_pool_threads) {
    auto pool = std::make_unique<RunPool>(impl.factory, impl.options.max_pool_threads, [this](std::exception_ptr e) {
      impl_->record_failure(std::move(e));
      stop();
    });
    std::lock_guard lock(impl.pool_mutex);
    impl.pool = std::move(pool);
    for (auto& w : impl.workers) w->pool = impl.pool.get();
  }
  std::vector<std::thread> threads;
  threads.reserve(impl.workers.size() - 1);
  for (size_t i = 1; i < impl.workers.size(); ++i)
    threads.emplace_back([this, i] { impl_->run_worker(*this, *impl_->workers[i]); });
  impl.run_worker(*this, *impl.workers[0]);
  for (auto& t : threads) t.join();
  {
    std::unique_ptr<RunPool> pool;  // destroyed (joined) outside the lock
    std::lock_guard lock(impl.pool_mutex);
    pool = std::move(impl.pool);  // no job is left: every I/O thread waited for its connections to finish
  }
  if (impl.failure) std::rethrow_exception(impl.failure);
}

ServerStats Server::stats() const {
  const auto& impl = *impl_;
  ServerStats s;
  s.open_connections = impl.counters.open.load(std::memory_order_relaxed);
  s.connections_total = impl.counters.accepted.load(std::memory_order_relaxed);
  s.rejected_400 = impl.counters.rejected_400.load(std::memory_order_relaxed);
  s.rejected_413 = impl.counters.rejected_413.load(std::memory_order_relaxed);
  s.rejected_431 = impl.counters.rejected_431.load(std::memory_order_relaxed);
  s.abandoned = impl.counters.abandoned.load(std::memory_order_relaxed);
  s.stopping = impl.stop_requested.load(std::memory_order_relaxed);
  std::lock_guard lock(impl.pool_mutex);
  if (impl.pool) {
    const RunPool::Stats pool = impl.pool->stats();
    s.pool_threads = pool.threads;
    s.pool_busy = pool.busy;
    s.pool_queued = pool.queued;
  }
  return s;
}

void Server::stop(std::optional<std::chrono::seconds> grace) {
  auto& impl = *impl_;
  impl.stop_requested = true;
  const std::chrono::seconds g = grace.value_or(impl.options.shutdown_grace);
  for (auto& w : impl.workers) asio::post(w->io, [worker = w.get(), g] { worker->begin_stop(g); });
}

}  // namespace wws::http
