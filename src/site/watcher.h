// Runs reloads off the request path, on its own thread: when asked (SIGHUP, request_reload())
// and, with `watch_files`, when files under the project folder change (inotify). Changes are
// batched: a reload starts once the folder has been quiet for a moment (an editor's save is
// several events) or a short while after the first change at the latest.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>

#include "site/reloader.h"

namespace wws::site {

struct WatchOptions {
  bool watch_files = false;
  std::chrono::milliseconds quiet{40};       // no event for this long: reload
  std::chrono::milliseconds max_delay{250};  // after the first event, reload by then even if events keep coming
};

class Watcher {
 public:
  // Starts the thread. Folders it does not watch: hidden ones, node_modules, public/ (static
  // files are read per request) and the folders workers mount (they write there).
  Watcher(Reloader& reloader, WatchOptions options);
  ~Watcher();  // stops and joins the thread
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Asks for a reload soon (coalesced with any pending one). Any thread; not from a signal handler.
  void request_reload();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wws::site
