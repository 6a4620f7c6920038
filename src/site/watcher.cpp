#include "site/watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

namespace wws::site {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                             IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool skipped_folder_name(const std::string& name) {
  return name.empty() || name.front() == '.' || name == "node_modules" || name == "public";
}

// Editor droppings (vim's 4913 probe, swap and backup files) are no reason to reload.
bool ignorable_event_name(std::string_view name) {
  return !name.empty() && (name.front() == '.' || name.back() == '~' || name == "4913");
}

// When a burst of changes is due for a reload: once they pause for `quiet`, and at the latest
// `max_delay` after the first one, so a file rewritten without pause still gets reloaded.
class Debounce {
 public:
  explicit Debounce(const WatchOptions& options) : quiet_(options.quiet), max_delay_(options.max_delay) {}

  void changed(Clock::time_point now) {
    if (!first_) first_ = now;
    last_ = now;
  }
  bool due(Clock::time_point now) const { return first_ && (now >= *last_ + quiet_ || now >= *first_ + max_delay_); }
  void reset() {
    first_.reset();
    last_.reset();
  }
  // poll()'s timeout: until the changes seen are due, or -1 (none pending).
  int timeout_ms(Clock::time_point now) const {
    if (!first_) return -1;
    auto at = std::min(*last_ + quiet_, *first_ + max_delay_);
    return at <= now ? 0 : int(std::chrono::ceil<std::chrono::milliseconds>(at - now).count());
  }

 private:
  std::chrono::milliseconds quiet_, max_delay_;
  std::optional<Clock::time_point> first_, last_;
};

}  // namespace

struct Watcher::Impl {
  Reloader& reloader;
  WatchOptions options;
  fs::path root;
  int wake_fd = -1;
  int inotify_fd = -1;
  std::map<int, fs::path> watches;  // watch descriptor -> folder
  bool warned_limit = false;
  std::atomic<bool> stop{false};
  std::atomic<bool> requested{false};
  std::thread thread;

  Impl(Reloader& r, WatchOptions o) : reloader(r), options(o) {
    std::error_code ec;
    root = fs::canonical(reloader.options().root, ec);
    if (ec) root = reloader.options().root;
    wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    if (options.watch_files) {
      inotify_fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
      if (inotify_fd < 0)
        spdlog::error("--watch: cannot watch files ({}); send SIGHUP to reload instead", std::strerror(errno));
      else watch_tree();
    }
    thread = std::thread([this] { loop(); });
  }

  ~Impl() {
    stop = true;
    poke();
    thread.join();
    if (inotify_fd >= 0) ::close(inotify_fd);
    ::close(wake_fd);
  }

  void poke() {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
  }

  std::set<fs::path> mounted_folders() const {
    std::set<fs::path> out;
    auto site = reloader.current();
    for (const auto& w : site->workers)
      for (const auto& f : w->config.folders) {
        std::error_code ec;
        auto canonical = fs::weakly_canonical(f.from, ec);
        out.insert(ec ? f.from : canonical);
      }
    return out;
  }

  // (Re)adds a watch on every folder of the tree; adding one already watched is a no-op.
  void watch_tree() {
    if (inotify_fd < 0) return;
    const std::set<fs::path> mounts = mounted_folders();
    watch_folder(root, mounts);
  }

  void watch_folder(const fs::path& folder, const std::set<fs::path>& mounts) {
    if (folder != root && mounts.count(folder)) return;
    int wd = ::inotify_add_watch(inotify_fd, folder.c_str(), kEvents);
    if (wd < 0) {
      if (errno == ENOSPC && !warned_limit) {
        warned_limit = true;
        spdlog::warn(
            "--watch: the system's inotify watch limit is reached, {} and below are not watched; "
            "raise it with `sysctl fs.inotify.max_user_watches=524288`",
            folder.string());
      }
      return;
    }
    watches[wd] = folder;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_directory(type_ec) || it->is_symlink(type_ec)) continue;
      if (skipped_folder_name(it->path().filename().string())) continue;
      watch_folder(it->path(), mounts);
    }
  }

  // Reads the pending inotify events; true when one of them matters.
  bool drain_events() {
    alignas(inotify_event) char buffer[16 * 1024];
    bool relevant = false;
    for (;;) {
      ssize_t n = ::read(inotify_fd, buffer, sizeof buffer);
      if (n <= 0) break;
      for (char* p = buffer; p < buffer + n;) {
        auto* event = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + event->len;
        if (event->mask & IN_IGNORED) {
          watches.erase(event->wd);
          continue;
        }
        if (event->mask & IN_Q_OVERFLOW) {
          relevant = true;
          continue;
        }
        std::string_view name = event->len ? std::string_view(event->name) : std::string_view();
        if (!name.empty() && ignorable_event_name(name)) continue;
        relevant = true;
      }
    }
    return relevant;
  }

  void drain_wake() {
    uint64_t value;
    while (::read(wake_fd, &value, sizeof value) > 0) {
    }
  }

  void loop() {
    Debounce pending(options);
    for (;;) {
      pollfd fds[2] = {{wake_fd, POLLIN, 0}, {inotify_fd, POLLIN, 0}};
      int ready = ::poll(fds, inotify_fd >= 0 ? 2 : 1, pending.timeout_ms(Clock::now()));
      if (stop) return;
      if (ready < 0 && errno != EINTR) {
        spdlog::error("file watcher stopped: {}", std::strerror(errno));
        return;
      }
      auto now = Clock::now();
      if (fds[0].revents) drain_wake();
      if (inotify_fd >= 0 && fds[1].revents && drain_events()) pending.changed(now);
      const bool asked = requested.exchange(false);
      if (!asked && !pending.due(now)) continue;
      pending.reset();
      // New folders first: a file written into one after this is seen by the watch, one
      // written before by the reload's own walk.
      watch_tree();
      try {
        reloader.reload();
      } catch (const std::exception& e) {
        spdlog::error("Reload failed: {}", e.what());
      }
    }
  }
};

Watcher::Watcher(Reloader& reloader, WatchOptions options) : impl_(std::make_unique<Impl>(reloader, options)) {}
Watcher::~Watcher() = default;

void Watcher::request_reload() {
  impl_->requested = true;
  impl_->poke();
}

}  // namespace wws::site
