// WasiContext is the per-request state of one WASI guest: its stdio, arguments, environment,
// preopened folders and open file descriptors. It is built fresh for every request.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/memory.h"

namespace wws::wasi {

struct Preopen {
  std::string host_path;   // absolute folder on the host
  std::string guest_path;  // where the guest sees it, e.g. "/data"
};

// One preopen "/" made of several host folders: `host_path` is the root itself and each mount
// is grafted at its guest path (absolute, e.g. "/src" and "/src/assets"); a path belongs to
// the mount with the longest guest path that contains it. Mounts may nest, and because the
// guest sees a single preopen whatever the mounts are, an interpreter snapshotted with one
// set of mounts (runtimes/) finds a worker's own set when it resumes.
struct MountedRoot {
  std::string host_path;
  std::vector<Preopen> mounts;
};

struct WasiConfig {
  std::vector<std::string> args;                         // argv (argv[0] included if any)
  std::vector<std::pair<std::string, std::string>> env;  // only what the worker's config gives
  std::vector<Preopen> preopens;
  std::optional<MountedRoot> root;                    // when set: fd 3, before `preopens`
  std::string_view stdin_data;                        // must outlive the run
  size_t stdout_limit = 64 * 1024 * 1024;             // writes past it fail with EFBIG
  std::function<void(std::string_view)> stderr_sink;  // receives each write to fd 2
  // poll_oneoff never sleeps past this (the engine's time limit then stops the guest), so a
  // guest asking to sleep for hours cannot pin a thread beyond its worker's timeout.
  std::chrono::steady_clock::time_point sleep_deadline = std::chrono::steady_clock::time_point::max();
  // Called by proc_exit with the guest's memory as it is at that moment (runtimes/ snapshots an
  // interpreter's pre-initialised state this way, through the host, on any engine).
  std::function<void(const GuestMemory& memory, uint32_t code)> on_exit;
  // Whether the guest may send an HTTP request (engines serving wasi:http ask it for every
  // request, so every redirect hop too); false with *why when refused. Unset: refuse all.
  std::function<bool(std::string_view method, std::string_view url, std::string* why)> allow_outgoing_http;
};

class FdTable;  // wasi/fd_table.h

class WasiContext {
 public:
  // Sets up stdio (fds 0-2) and opens the root (if any) and the preopens as fds 3.. in config order. A preopen that
  // cannot be opened does not throw: it sets trap(), so the guest stops at its first host call
  // with a message naming the folder (the engine may also check trap() before running).
  explicit WasiContext(WasiConfig config);
  ~WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  const WasiConfig& config() const { return config_; }
  std::string& stdout_buffer() { return stdout_; }
  size_t& stdin_offset() { return stdin_offset_; }
  FdTable& fds() { return *fds_; }

  // Unwinding: set by proc_exit or a host-side fatal error; the engine stops the guest.
  void request_exit(uint32_t code) { exit_code_ = code; }
  void request_trap(std::string message) { trap_ = std::move(message); }
  bool unwinding() const { return exit_code_.has_value() || trap_.has_value(); }
  const std::optional<uint32_t>& exit_code() const { return exit_code_; }
  const std::optional<std::string>& trap() const { return trap_; }

  // Lets host functions of other modules (e.g. the "http" binding) reach their own per-request
  // state through the CallFrame; wasi/ never looks at it.
  void set_host_data(void* data) { host_data_ = data; }
  void* host_data() const { return host_data_; }

 private:
  int open_folder(const Preopen& preopen);  // -1 (and trap()) when it cannot be opened
  WasiConfig config_;
  std::string stdout_;
  size_t stdin_offset_ = 0;
  std::unique_ptr<FdTable> fds_;
  std::optional<uint32_t> exit_code_;
  std::optional<std::string> trap_;
  void* host_data_ = nullptr;
};

}  // namespace wws::wasi
