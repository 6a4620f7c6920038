// kv/redis_connection.h: one blocking connection to a Redis server, plain TCP or TLS. Commands
// are encoded and replies decoded by hiredis's protocol functions; the socket and TLS are ours,
// because Debian's hiredis (0.14) has no TLS. A connection is used by one thread at a time
// (RedisStore keeps a pool); any I/O error or timeout leaves it broken, and it is dropped.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace wws::kv {

// Where and how to connect, parsed from redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or rediss://.
struct RedisAddress {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  bool tls = false;
  std::filesystem::path tls_ca;    // CA bundle to verify the server; empty: the system's
  std::filesystem::path tls_cert;  // client certificate and key, both or neither
  std::filesystem::path tls_key;
  std::chrono::milliseconds timeout{5000};  // connect, and each command's reply

  // "redis://host:port/db", never the password.
  std::string describe() const;
};

// Parses a redis:// or rediss:// URL. Returns "" when fine, else what is wrong with it.
std::string parse_redis_url(std::string_view url, RedisAddress* out);

// A reply, owned.
struct ReplyDeleter {
  void operator()(redisReply* r) const;
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
 public:
  // Connects, authenticates and selects the database. On failure returns nullptr and why.
  static std::unique_ptr<RedisConnection> open(const RedisAddress& address, std::string* error);
  ~RedisConnection();

  // Sends one command and waits for its reply. nullptr (and `error`) when the connection failed;
  // a Redis error reply is a reply (type REDIS_REPLY_ERROR), not a failure.
  Reply command(const std::vector<std::string_view>& args, std::string* error);
  bool broken() const { return broken_; }
  // False if the server closed the connection while it sat idle (a restarted server): checked
  // before reuse, so a request is not failed for a connection that died in the pool.
  bool alive() const;

 private:
  struct Tls;
  RedisConnection() = default;
  bool send_all(std::string_view bytes, std::string* error);
  bool receive(std::string* error);  // reads what arrived into the reader

  int fd_ = -1;
  std::unique_ptr<Tls> tls_;
  void* reader_ = nullptr;  // redisReader*
  bool broken_ = false;
};

}  // namespace wws::kv
