// A dense, process-wide number for each worker file (by its id), so that per-thread tables
// (src/api/metrics) index an array instead of hashing on the request path. A file keeps its
// number for the life of the process, across reloads; numbers are never reused.
#pragma once
#include <cstdint>
#include <string_view>

namespace wws::worker {

// Thread-safe; takes a lock, so call it when loading workers, not per request.
uint32_t slot_for(std::string_view worker_id);

}  // namespace wws::worker
