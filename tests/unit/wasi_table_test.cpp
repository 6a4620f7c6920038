// The preview1 table: every function exists with the witx signature, lookups by (module, name),
// and other modules' tables can be registered.
#include <set>

#include "wasi_test_support.h"

namespace wws::wasi::test {
namespace {

TEST(WasiTable, HasEveryPreview1Function) {
  const std::set<std::string> expected = {"args_get",
                                          "args_sizes_get",
                                          "environ_get",
                                          "environ_sizes_get",
                                          "clock_res_get",
                                          "clock_time_get",
                                          "fd_advise",
                                          "fd_allocate",
                                          "fd_close",
                                          "fd_datasync",
                                          "fd_fdstat_get",
                                          "fd_fdstat_set_flags",
                                          "fd_fdstat_set_rights",
                                          "fd_filestat_get",
                                          "fd_filestat_set_size",
                                          "fd_filestat_set_times",
                                          "fd_pread",
                                          "fd_prestat_get",
                                          "fd_prestat_dir_name",
                                          "fd_pwrite",
                                          "fd_read",
                                          "fd_readdir",
                                          "fd_renumber",
                                          "fd_seek",
                                          "fd_sync",
                                          "fd_tell",
                                          "fd_write",
                                          "path_create_directory",
                                          "path_filestat_get",
                                          "path_filestat_set_times",
                                          "path_link",
                                          "path_open",
                                          "path_readlink",
                                          "path_remove_directory",
                                          "path_rename",
                                          "path_symlink",
                                          "path_unlink_file",
                                          "poll_oneoff",
                                          "proc_exit",
                                          "proc_raise",
                                          "sched_yield",
                                          "random_get",
                                          "sock_accept",
                                          "sock_recv",
                                          "sock_send",
                                          "sock_shutdown"};
  std::set<std::string> actual;
  for (const HostFunction& fn : preview1_functions()) {
    EXPECT_EQ(fn.module, "wasi_snapshot_preview1");
    EXPECT_TRUE(actual.insert(std::string(fn.name)).second) << "duplicate " << fn.name;
    EXPECT_NE(fn.fn, nullptr);
  }
  EXPECT_EQ(actual, expected);
}

TEST(WasiTable, SignaturesFollowWitx) {
  using V = std::vector<ValType>;
  auto sig = [](std::string_view name) { return find_host_function("wasi_snapshot_preview1", name); };
  EXPECT_EQ(sig("fd_write")->params, (V{ValType::I32, ValType::I32, ValType::I32, ValType::I32}));
  EXPECT_EQ(sig("clock_time_get")->params, (V{ValType::I32, ValType::I64, ValType::I32}));
  EXPECT_EQ(sig("fd_seek")->params, (V{ValType::I32, ValType::I64, ValType::I32, ValType::I32}));
  EXPECT_EQ(sig("path_open")->params, (V{ValType::I32, ValType::I32, ValType::I32, ValType::I32, ValType::I32,
                                         ValType::I64, ValType::I64, ValType::I32, ValType::I32}));
  EXPECT_EQ(sig("fd_readdir")->params, (V{ValType::I32, ValType::I32, ValType::I32, ValType::I64, ValType::I32}));
  EXPECT_EQ(sig("path_filestat_set_times")->params,
            (V{ValType::I32, ValType::I32, ValType::I32, ValType::I32, ValType::I64, ValType::I64, ValType::I32}));
  EXPECT_EQ(sig("fd_advise")->params, (V{ValType::I32, ValType::I64, ValType::I64, ValType::I32}));
  EXPECT_TRUE(sig("sched_yield")->params.empty());
  EXPECT_TRUE(sig("proc_exit")->results.empty());
  for (const HostFunction& fn : preview1_functions())
    if (fn.name != "proc_exit") EXPECT_EQ(fn.results, V{ValType::I32}) << fn.name;
}

TEST(WasiTable, UnknownLookupsAnswerNull) {
  EXPECT_EQ(find_host_function("wasi_snapshot_preview1", "no_such_call"), nullptr);
  EXPECT_EQ(find_host_function("wasi_unstable", "fd_write"), nullptr);
  EXPECT_EQ(find_host_function("", ""), nullptr);
}

uint64_t answer_42(CallFrame&, const uint64_t* args) { return 42 + args[0]; }

TEST(WasiTable, RegisteredTablesAreFound) {
  static const HostFunction extra[] = {{"http", "send_http_request", {ValType::I32}, {ValType::I32}, &answer_42}};
  EXPECT_EQ(find_host_function("http", "send_http_request"), nullptr);
  register_host_functions(extra);
  register_host_functions(extra);  // idempotent
  const HostFunction* fn = find_host_function("http", "send_http_request");
  ASSERT_NE(fn, nullptr);
  WasiContext ctx({});
  std::vector<uint8_t> mem(16);
  CallFrame frame{ctx, GuestMemory(mem.data(), mem.size())};
  uint64_t arg = 1;
  EXPECT_EQ(fn->fn(frame, &arg), 43u);
  // preview1 still wins for its own names.
  EXPECT_NE(find_host_function("wasi_snapshot_preview1", "fd_write"), nullptr);
}

}  // namespace
}  // namespace wws::wasi::test
