#include "kv/redis_store.h"

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include <sys/socket.h>

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include "kv/group_commit.h"
#include "kv/redis_scripts.h"

namespace wws::kv {
namespace {

enum Script { kGetScript, kReadScript, kListScript, kNamespacesScript, kCommitScript, kScriptCount };

struct ScriptText {
  const char* text;
  std::string sha;  // what EVALSHA names it by
};

std::string sha1_hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string out;
  for (unsigned char b : digest) out += fmt::format("{:02x}", b);
  return out;
}

std::string_view str(const redisReply* r) {
  return r && r->str ? std::string_view(r->str, r->len) : std::string_view();
}

bool is_string(const redisReply* r) { return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS); }

std::optional<uint64_t> as_version(const redisReply* r) {
  if (!is_string(r)) return std::nullopt;
  auto v = parse_integer(str(r));
  if (!v || *v < 0) return std::nullopt;
  return static_cast<uint64_t>(*v);
}

class RedisStore final : public Store {
 public:
  explicit RedisStore(RedisOptions options) : options_(std::move(options)), name_(options_.address.describe()) {
    const char* texts[kScriptCount] = {redis_lua::kGet, redis_lua::kRead, redis_lua::kList, redis_lua::kNamespaces,
                                       redis_lua::kCommit};
    for (int i = 0; i < kScriptCount; ++i) scripts_[i] = {texts[i], sha1_hex(texts[i])};
  }

  // Connects once so that a wrong address or password shows in the start-up log.
  void probe() {
    std::unique_ptr<RedisConnection> c;
    if (connect(&c)) release(std::move(c));
  }

  std::string describe() const override { return name_; }
  bool may_block() const override { return true; }

  Status get(std::string_view ns, std::string_view key, std::optional<std::string>* value) override {
    value->reset();
    Reply r;
    if (Status s = eval(kGetScript, {key_of('d', ns), key_of('x', ns)}, {std::string(key)}, &r); !s) return s;
    if (r->type == REDIS_REPLY_NIL) return Status::ok();
    if (!is_string(r.get())) return unexpected("get");
    *value = std::string(str(r.get()));
    return Status::ok();
  }

  Status read(std::string_view ns, std::optional<uint64_t> known, NamespaceRead* out) override {
    *out = NamespaceRead{};
    Reply r;
    std::string known_text = known ? std::to_string(*known) : std::string();
    if (Status s = eval(kReadScript, {key_of('d', ns), key_of('x', ns), key_of('m', ns)}, {known_text}, &r); !s)
      return s;
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) return unexpected("read");
    auto version = as_version(r->element[0]);
    if (!version) return unexpected("read");
    out->version = *version;
    if (r->element[1]->integer == 1) {
      out->unchanged = true;
      return Status::ok();
    }
    if (r->elements != 5) return unexpected("read");
    auto now = parse_integer(str(r->element[2]));
    const redisReply* pairs = r->element[3];
    const redisReply* expiring = r->element[4];
    if (!now || pairs->type != REDIS_REPLY_ARRAY || expiring->type != REDIS_REPLY_ARRAY) return unexpected("read");
    std::map<std::string_view, int64_t> expiry;
    for (size_t i = 0; i + 1 < expiring->elements; i += 2)
      expiry.emplace(str(expiring->element[i]), parse_integer(str(expiring->element[i + 1])).value_or(0));
    for (size_t i = 0; i + 1 < pairs->elements; i += 2) {
      std::string_view k = str(pairs->element[i]);
      if (auto e = expiry.find(k); e != expiry.end()) {
        if (e->second <= *now) continue;
        if (out->next_expiry_ms == 0 || e->second < out->next_expiry_ms) out->next_expiry_ms = e->second;
      }
      out->data.emplace(std::string(k), std::string(str(pairs->element[i + 1])));
    }
    return Status::ok();
  }

  Status list(std::string_view ns, std::string_view prefix, std::string_view after, size_t limit,
              std::vector<std::string>* keys) override {
    keys->clear();
    if (limit == 0) return Status::ok();
    Reply r;
    std::string count = std::to_string(std::min<size_t>(limit, 1u << 30));
    Status s = eval(kListScript, {key_of('i', ns), key_of('x', ns)},
                    {list_start(prefix, after), prefix_end(std::string(prefix)).value_or(""), count}, &r);
    if (!s) return s;
    if (r->type != REDIS_REPLY_ARRAY) return unexpected("list");
    for (size_t i = 0; i < r->elements; ++i) keys->emplace_back(str(r->element[i]));
    return Status::ok();
  }

  Status namespaces(std::vector<std::string>* out) override {
    out->clear();
    Reply r;
    if (Status s = eval(kNamespacesScript, {options_.key_prefix + "namespaces"}, {options_.key_prefix}, &r); !s)
      return s;
    if (r->type != REDIS_REPLY_ARRAY) return unexpected("list namespaces");
    for (size_t i = 0; i < r->elements; ++i) out->emplace_back(str(r->element[i]));
    std::sort(out->begin(), out->end());
    return Status::ok();
  }

  Status commit(std::string_view ns, const Batch& batch, const Limits& limits, CommitResult* out) override {
    for (const Op& op : batch.ops)
      if (Status s = validate(op, limits); !s) return s;
    QueuedCommit me{ns, batch, limits, out, Status::ok()};
    group_commit_.run(me, [this](const std::vector<QueuedCommit*>& group) { commit_group(group); });
    return me.status;
  }

 private:
  // The group's batches in one script run: one round trip, and Redis runs them atomically one
  // after the other. A lost connection fails the whole group (Redis ran the script entirely or
  // not at all), as does an error reply; a batch's own conflict, quota or bad number fails only
  // that batch.
  void commit_group(const std::vector<QueuedCommit*>& group) {
    std::vector<std::string> keys{options_.key_prefix + "namespaces"};
    std::vector<std::string> args{std::to_string(group.size())};
    keys.reserve(1 + 4 * group.size());
    for (QueuedCommit* w : group) {
      for (char kind : {'d', 'x', 'i', 'm'}) keys.push_back(key_of(kind, w->ns));
      append_commit_args(*w, args);
    }
    Reply r;
    Status s = eval(kCommitScript, std::move(keys), args, &r);
    if (s && (r->type != REDIS_REPLY_ARRAY || r->elements != group.size())) s = unexpected("commit");
    for (size_t i = 0; i < group.size(); ++i) group[i]->status = s ? commit_outcome(r->element[i], *group[i]) : s;
  }

  static void append_commit_args(const QueuedCommit& w, std::vector<std::string>& args) {
    const Batch& batch = w.batch;
    args.emplace_back(w.ns);
    args.push_back(batch.if_version ? std::to_string(*batch.if_version) : std::string());
    args.push_back(std::to_string(w.limits.max_keys));
    args.push_back(std::to_string(w.limits.max_namespace_bytes));
    args.push_back(std::to_string(batch.ops.size()));
    static constexpr std::array<const char*, 5> kKinds = {"s", "d", "i", "c", "e"};
    for (const Op& op : batch.ops) {
      args.emplace_back(kKinds[static_cast<size_t>(op.kind)]);
      args.push_back(op.key);
      args.emplace_back(op.value ? "1" : "0");
      args.push_back(op.value.value_or(std::string()));
      args.emplace_back(op.expected ? "1" : "0");
      args.push_back(op.expected.value_or(std::string()));
      args.push_back(std::to_string(op.delta));
      args.push_back(std::to_string(op.ttl_ms));
    }
  }

  // One batch's reply within the script's: its status, and its results into w.out.
  Status commit_outcome(const redisReply* r, const QueuedCommit& w) const {
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 || !is_string(r->element[0])) return unexpected("commit");
    std::string_view code = str(r->element[0]);
    std::string message(str(r->element[1]));
    if (code == "conflict") return {Code::Conflict, message};
    if (code == "quota") return {Code::Quota, message};
    if (code == "nan") return {Code::NotANumber, message};
    const size_t ops = w.batch.ops.size();
    auto version = as_version(r->element[1]);
    if (code != "ok" || !version || r->elements != 2 + 2 * ops) return unexpected("commit");
    w.out->version = *version;
    w.out->results.assign(ops, OpResult{});
    for (size_t i = 0; i < ops; ++i) {
      w.out->results[i].applied = r->element[2 + 2 * i]->integer != 0;
      w.out->results[i].number = parse_integer(str(r->element[3 + 2 * i])).value_or(0);
    }
    return Status::ok();
  }

  std::string key_of(char kind, std::string_view ns) const {
    std::string k = options_.key_prefix;
    k.push_back(kind);
    k.push_back(':');
    k.append(ns);
    return k;
  }

  Status unexpected(std::string_view what) const {
    return unavailable(
        fmt::format("{}: unexpected reply to {} (is this a Redis server, version 5 or later?)", name_, what));
  }

  // Runs a script by its SHA, loading it first if the server does not know it (a new or
  // restarted server). An error reply is Unavailable, with Redis's message.
  Status eval(Script script, std::vector<std::string> keys, const std::vector<std::string>& args, Reply* out) {
    std::unique_ptr<RedisConnection> c;
    if (Status s = acquire(&c); !s) return s;
    std::vector<std::string_view> argv;
    argv.reserve(3 + keys.size() + args.size());
    std::string nkeys = std::to_string(keys.size());
    argv.insert(argv.end(), {"EVALSHA", scripts_[script].sha, nkeys});
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    std::string error;
    Reply r = c->command(argv, &error);
    if (r && r->type == REDIS_REPLY_ERROR && str(r.get()).substr(0, 8) == "NOSCRIPT") {
      Reply loaded = c->command({"SCRIPT", "LOAD", scripts_[script].text}, &error);
      if (loaded && loaded->type == REDIS_REPLY_ERROR)
        return unavailable(fmt::format("{}: SCRIPT LOAD: {}", name_, str(loaded.get())));
      r = loaded ? c->command(argv, &error) : nullptr;
    }
    if (!r) return lost(error);
    release(std::move(c));
    if (r->type == REDIS_REPLY_ERROR) return unavailable(fmt::format("{}: {}", name_, str(r.get())));
    *out = std::move(r);
    return Status::ok();
  }

  // An idle connection the server has not closed, or a new one.
  Status acquire(std::unique_ptr<RedisConnection>* out) {
    {
      std::lock_guard lock(mutex_);
      while (!idle_.empty()) {
        std::unique_ptr<RedisConnection> c = std::move(idle_.back());
        idle_.pop_back();
        if (c->alive()) {
          *out = std::move(c);
          return Status::ok();
        }
      }
    }
    return connect(out);
  }

  void release(std::unique_ptr<RedisConnection> c) {
    if (c->broken()) return;
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(c));
  }

  Status connect(std::unique_ptr<RedisConnection>* out) {
    using Clock = std::chrono::steady_clock;
    {
      // After a failed attempt, fail fast for a moment instead of making every request wait on
      // a connect timeout.
      std::lock_guard lock(mutex_);
      if (Clock::now() < retry_after_) return unavailable(last_error_);
    }
    std::string error;
    *out = RedisConnection::open(options_.address, &error);
    if (!*out) {
      std::lock_guard lock(mutex_);
      retry_after_ = Clock::now() + std::chrono::milliseconds(200);
      last_error_ = fmt::format("K/V {}: {}", name_, error);
      if (reachable_) {
        reachable_ = false;
        spdlog::error("{}; requests that use K/V answer 503 until it is back (wws reconnects by itself)", last_error_);
      }
      return unavailable(last_error_);
    }
    std::lock_guard lock(mutex_);
    if (!reachable_) {
      reachable_ = true;
      spdlog::info("K/V {}: connected again", name_);
    }
    return Status::ok();
  }

  Status lost(const std::string& error) {
    std::string message = fmt::format("K/V {}: {}", name_, error);
    std::lock_guard lock(mutex_);
    idle_.clear();  // the others most likely went with it; new ones are made on demand
    if (reachable_) {
      reachable_ = false;
      spdlog::error("{}; requests that use K/V answer 503 until it is back (wws reconnects by itself)", message);
    }
    return unavailable(message);
  }

  static constexpr size_t kMaxIdle = 64;
  static constexpr size_t kMaxGroup = 64;
  const RedisOptions options_;
  const std::string name_;
  ScriptText scripts_[kScriptCount];
  std::mutex mutex_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  bool reachable_ = true;
  std::chrono::steady_clock::time_point retry_after_{};
  std::string last_error_;
  GroupCommit group_commit_{kMaxGroup};
};

}  // namespace

std::unique_ptr<Store> open_redis_store(const RedisOptions& options, std::string* error) {
  const RedisAddress& a = options.address;
  for (const auto& file : {a.tls_ca, a.tls_cert, a.tls_key}) {
    std::error_code ec;
    if (!file.empty() && !std::filesystem::is_regular_file(file, ec)) {
      *error = fmt::format("the TLS file {} does not exist", file.string());
      return nullptr;
    }
  }
  auto store = std::make_unique<RedisStore>(options);
  store->probe();
  return store;
}

}  // namespace wws::kv
