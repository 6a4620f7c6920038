#include "worker/slots.h"

#include <mutex>
#include <string>
#include <unordered_map>

namespace wws::worker {

uint32_t slot_for(std::string_view worker_id) {
  static std::mutex mu;
  static std::unordered_map<std::string, uint32_t> slots;
  std::lock_guard lock(mu);
  auto [it, added] = slots.try_emplace(std::string(worker_id), static_cast<uint32_t>(slots.size()));
  return it->second;
}

}  // namespace wws::worker
