// What the server serves at one moment: the workers, their routes and public/. A Site never
// changes once it is published; a hot reload builds a new one, sharing the workers that did not
// change, and swaps it in (live_site.h).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "http/static_files.h"
#include "router/router.h"
#include "worker/worker.h"

namespace wws::worker {

struct Site {
  std::vector<std::shared_ptr<const Worker>> workers;  // indexed by router::Route::target
  router::Router router;
  http::StaticFiles statics;
  uint64_t generation = 0;  // 1 for the site loaded at start-up, +1 per reload that changed something
};

}  // namespace wws::worker
