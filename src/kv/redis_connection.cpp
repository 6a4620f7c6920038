#include "kv/redis_connection.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace wws::kv {
namespace {

std::string percent_decoded(std::string_view s, bool* ok) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      *ok = false;
      return out;
    }
    auto hex = [](char c) {
      return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    };
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) {
      *ok = false;
      return out;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool parse_number(std::string_view s, int max, int* out) {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

std::string ssl_error() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// Waits until `fd` is readable or writable; false on timeout.
bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int rc;
  do rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

std::string RedisAddress::describe() const {
  return fmt::format("{}://{}:{}/{}", tls ? "rediss" : "redis",
                     host.find(':') != std::string::npos ? "[" + host + "]" : host, port, db);
}

namespace {

// USER:PASSWORD or PASSWORD (redis://PASSWORD@host, as redis-cli -u reads it), %-decoded into
// *out; false on a bad %-escape.
bool parse_userinfo(std::string_view userinfo, RedisAddress* out) {
  size_t colon = userinfo.find(':');
  bool ok = true;
  if (colon == std::string_view::npos) {
    out->password = percent_decoded(userinfo, &ok);
  } else {
    out->user = percent_decoded(userinfo.substr(0, colon), &ok);
    out->password = percent_decoded(userinfo.substr(colon + 1), &ok);
  }
  return ok;
}

// HOST[:PORT] or [IPV6][:PORT]: the host into *out, the port's text (if any) into *port; what is
// wrong with it, or "".
std::string parse_host(std::string_view hostport, RedisAddress* out, std::string_view* port) {
  if (hostport.empty() || hostport.front() != '[') {
    size_t colon = hostport.find(':');
    out->host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) *port = hostport.substr(colon + 1);
    return {};
  }
  size_t close = hostport.find(']');
  if (close == std::string_view::npos) return "an IPv6 host needs a closing ]";
  out->host = std::string(hostport.substr(1, close - 1));
  std::string_view after = hostport.substr(close + 1);
  if (after.empty()) return {};
  if (after.front() != ':') return "unexpected text after the host";
  *port = after.substr(1);
  return {};
}

}  // namespace

std::string parse_redis_url(std::string_view url, RedisAddress* out) {
  *out = RedisAddress{};
  std::string_view rest;
  if (url.substr(0, 8) == "redis://") rest = url.substr(8);
  else if (url.substr(0, 9) == "rediss://") rest = url.substr(9), out->tls = true;
  else return "a Redis URL starts with redis:// or rediss://";
  const std::string_view shape = "; the form is redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]";
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    if (!parse_userinfo(rest.substr(0, at), out)) return "a bad %-escape in the URL's user or password";
    rest = rest.substr(at + 1);
  }
  std::string_view hostport = rest, db;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    db = rest.substr(slash + 1);
  }
  std::string_view port;
  if (std::string problem = parse_host(hostport, out, &port); !problem.empty()) return problem + std::string(shape);
  if (out->host.empty()) return fmt::format("the URL has no host{}", shape);
  if (!port.empty() && !parse_number(port, 65535, &out->port)) return fmt::format("bad port \"{}\"{}", port, shape);
  if (!db.empty() && !parse_number(db, 1 << 20, &out->db))
    return fmt::format("bad database number \"{}\"{}", db, shape);
  return {};
}

void ReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }

struct RedisConnection::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

RedisConnection::~RedisConnection() {
  if (tls_ && tls_->ssl && !broken_) SSL_shutdown(tls_->ssl);
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  if (reader_) redisReaderFree(static_cast<redisReader*>(reader_));
}

namespace {

// A connected socket to the address (the first of its resolved addresses that answers within
// the timeout), non-blocking; -1 and why when there is none.
int connect_to(const RedisAddress& a, std::string* error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* found = nullptr;
  std::string port = std::to_string(a.port);
  if (int rc = getaddrinfo(a.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    *error = fmt::format("cannot resolve {}: {}", a.host, gai_strerror(rc));
    return -1;
  }
  std::string last = "no address";
  int connected = -1;
  for (addrinfo* ai = found; ai && connected < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      if (!wait_for(fd, POLLOUT, a.timeout)) {
        last = "connect timed out";
        ::close(fd);
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      rc = so_error ? -1 : 0;
      errno = so_error;
    }
    if (rc < 0) {
      last = std::strerror(errno);
      ::close(fd);
      continue;
    }
    connected = fd;
  }
  freeaddrinfo(found);
  if (connected < 0) *error = fmt::format("cannot connect to {}: {}", a.describe(), last);
  return connected;
}

// The TLS handshake over the connected `fd`, verifying the server's certificate (and giving a
// client certificate if configured); the context and session go to *ctx and *ssl, whose owner
// frees them. False and why on failure.
bool start_tls(const RedisAddress& a, int fd, SSL_CTX** ctx, SSL** ssl, std::string* error) {
  *ctx = SSL_CTX_new(TLS_client_method());
  if (!*ctx) return *error = "TLS: " + ssl_error(), false;
  SSL_CTX_set_verify(*ctx, SSL_VERIFY_PEER, nullptr);
  bool loaded = a.tls_ca.empty() ? SSL_CTX_set_default_verify_paths(*ctx) == 1
                                 : SSL_CTX_load_verify_locations(*ctx, a.tls_ca.c_str(), nullptr) == 1;
  if (!loaded)
    return *error = fmt::format("TLS: cannot load the CA bundle {}: {}", a.tls_ca.string(), ssl_error()), false;
  if (!a.tls_cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(*ctx, a.tls_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(*ctx, (a.tls_key.empty() ? a.tls_cert : a.tls_key).c_str(), SSL_FILETYPE_PEM) != 1)
      return *error = fmt::format("TLS: cannot load the client certificate {}: {}", a.tls_cert.string(), ssl_error()),
             false;
  }
  *ssl = SSL_new(*ctx);
  SSL_set_fd(*ssl, fd);
  // The certificate must name the host: an IP address (IP SAN) or a DNS name (sent as SNI too).
  in6_addr ip;
  if (inet_pton(AF_INET, a.host.c_str(), &ip) == 1 || inet_pton(AF_INET6, a.host.c_str(), &ip) == 1) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(*ssl), a.host.c_str());
  } else {
    SSL_set_tlsext_host_name(*ssl, a.host.c_str());
    SSL_set1_host(*ssl, a.host.c_str());
  }
  if (SSL_connect(*ssl) != 1) {
    long verify = SSL_get_verify_result(*ssl);
    std::string why = verify != X509_V_OK ? X509_verify_cert_error_string(verify) : ssl_error();
    *error = fmt::format("TLS handshake with {} failed: {}", a.describe(), why);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<RedisConnection> RedisConnection::open(const RedisAddress& a, std::string* error) {
  std::unique_ptr<RedisConnection> c(new RedisConnection());
  c->fd_ = connect_to(a, error);
  if (c->fd_ < 0) return nullptr;
  // Blocking from here on, with a deadline on every send and receive.
  fcntl(c->fd_, F_SETFL, fcntl(c->fd_, F_GETFL) & ~O_NONBLOCK);
  timeval tv{static_cast<time_t>(a.timeout.count() / 1000), static_cast<suseconds_t>(a.timeout.count() % 1000 * 1000)};
  setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(c->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  if (a.tls) {
    c->tls_ = std::make_unique<Tls>();
    if (!start_tls(a, c->fd_, &c->tls_->ctx, &c->tls_->ssl, error)) return nullptr;
  }
  c->reader_ = redisReaderCreate();

  std::string why;
  auto expect_ok = [&](const std::vector<std::string_view>& args, std::string_view what) {
    Reply r = c->command(args, &why);
    if (!r) return false;
    if (r->type == REDIS_REPLY_ERROR) {
      why = fmt::format("{} failed: {}", what, std::string_view(r->str, r->len));
      return false;
    }
    return true;
  };
  if (!a.password.empty()) {
    bool ok =
        a.user.empty() ? expect_ok({"AUTH", a.password}, "AUTH") : expect_ok({"AUTH", a.user, a.password}, "AUTH");
    if (!ok) return *error = fmt::format("{}: {}", a.describe(), why), nullptr;
  }
  if (a.db != 0 && !expect_ok({"SELECT", std::to_string(a.db)}, "SELECT"))
    return *error = fmt::format("{}: {}", a.describe(), why), nullptr;
  // A server that wants a password answers the first real command with NOAUTH: find out now.
  if (!expect_ok({"PING"}, "PING")) return *error = fmt::format("{}: {}", a.describe(), why), nullptr;
  return c;
}

bool RedisConnection::alive() const {
  if (broken_) return false;
  char byte;
  ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);  // nothing to read and not closed
}

bool RedisConnection::send_all(std::string_view bytes, std::string* error) {
  while (!bytes.empty()) {
    ssize_t n;
    if (tls_) {
      n = SSL_write(tls_->ssl, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1 << 30)));
      if (n <= 0) return *error = "TLS write failed: " + ssl_error(), false;
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return *error = errno == EAGAIN ? "send timed out" : std::string("send failed: ") + std::strerror(errno), false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RedisConnection::receive(std::string* error) {
  char buf[64 * 1024];
  ssize_t n;
  if (tls_) {
    n = SSL_read(tls_->ssl, buf, sizeof buf);
    if (n <= 0) {
      int e = SSL_get_error(tls_->ssl, static_cast<int>(n));
      *error = e == SSL_ERROR_ZERO_RETURN ? "the server closed the connection" : "TLS read failed: " + ssl_error();
      return false;
    }
  } else {
    do n = ::recv(fd_, buf, sizeof buf, 0);
    while (n < 0 && errno == EINTR);
    if (n == 0) return *error = "the server closed the connection", false;
    if (n < 0)
      return *error = errno == EAGAIN ? "no reply in time" : std::string("receive failed: ") + std::strerror(errno),
             false;
  }
  if (redisReaderFeed(static_cast<redisReader*>(reader_), buf, static_cast<size_t>(n)) != REDIS_OK)
    return *error = "cannot buffer the reply", false;
  return true;
}

Reply RedisConnection::command(const std::vector<std::string_view>& args, std::string* error) {
  if (broken_) return *error = "the connection is broken", nullptr;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* encoded = nullptr;
  int len = redisFormatCommandArgv(&encoded, static_cast<int>(args.size()), argv.data(), lens.data());
  if (len < 0) return *error = "out of memory", nullptr;
  bool sent = send_all(std::string_view(encoded, static_cast<size_t>(len)), error);
  redisFreeCommand(encoded);
  if (!sent) return broken_ = true, nullptr;
  auto* reader = static_cast<redisReader*>(reader_);
  for (;;) {
    void* reply = nullptr;
    if (redisReaderGetReply(reader, &reply) != REDIS_OK) {
      *error = fmt::format("bad reply from the server: {}", reader->errstr);
      broken_ = true;
      return nullptr;
    }
    if (reply) return Reply(static_cast<redisReply*>(reply));
    if (!receive(error)) return broken_ = true, nullptr;
  }
}

}  // namespace wws::kv
