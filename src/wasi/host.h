// The table of host functions an engine links into a guest. Engines know nothing of WASI:
// they look functions up here by (module, name), check the signature and forward calls.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wasi/memory.h"

namespace wws::wasi {

class WasiContext;

enum class ValType : uint8_t { I32, I64 };

// Lets a host function call back into the guest, e.g. to allocate with the guest's
// canonical_abi_realloc. Provided by the engine for the duration of a run.
class GuestCalls {
 public:
  virtual ~GuestCalls() = default;
  // Calls an export taking and returning i32s. False if it is missing or it trapped.
  virtual bool call_i32(std::string_view export_name, std::span<const uint32_t> args, uint32_t* result) = 0;
  // The guest's memory now: a call into the guest may have grown (and moved) it.
  virtual GuestMemory memory() = 0;
};

// What a host function gets besides its arguments.
struct CallFrame {
  WasiContext& ctx;
  GuestMemory memory;
  GuestCalls* guest = nullptr;  // null where the engine cannot call back
};

// Arguments arrive widened to uint64 (i32 zero-extended). The return value is the function's
// single i32/i64 result, or ignored when `result` is empty. To stop the guest (proc_exit, a
// fatal host error), a function calls ctx.request_exit()/ctx.request_trap(); the engine checks
// ctx.unwinding() after every host call and unwinds the guest.
using HostFn = uint64_t (*)(CallFrame& frame, const uint64_t* args);

struct HostFunction {
  std::string_view module;
  std::string_view name;
  std::vector<ValType> params;
  std::vector<ValType> results;  // empty or one value
  HostFn fn;
};

// All functions of wasi_snapshot_preview1 that wws provides.
std::span<const HostFunction> preview1_functions();

// Adds another module's table (e.g. the "http" binding) to what find_host_function searches.
// The table must live as long as the program (a static array); call it before serving.
// Registering the same table twice has no effect.
void register_host_functions(std::span<const HostFunction> table);

// Looks up a host function in preview1 and every registered table; nullptr if unknown.
const HostFunction* find_host_function(std::string_view module, std::string_view name);

}  // namespace wws::wasi
