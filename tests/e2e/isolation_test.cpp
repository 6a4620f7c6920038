// Request isolation with reused instances: a C worker built by clang (real wasi-libc, a real
// __stack_pointer, malloc, initialised data) must see the module's initial state on every
// request, also after a request that trapped or exited deep inside a recursion. One server
// thread, so every request lands on the same reused instance.
#include <gtest/gtest.h>

#include "harness.h"

namespace e2e {
namespace {

class Isolation : public SharedServerTest<Isolation> {
 public:
  static void build(Project& p) { p.worker("isolation.wasm", "isolation"); }
  static std::vector<std::string> args() { return {"--threads", "1"}; }
};

TEST_F(Isolation, EveryRequestStartsFromTheInitialState) {
  Response first = server_->get("/isolation");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body.rfind("calls=1 greeting=fresh heap=", 0), 0u) << first.body;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(server_->get("/isolation").body, first.body) << "request " << i;
  for (const char* how : {"trap", "exit", "trap"}) {
    Response failed = server_->get(std::string("/isolation?fail=") + how);
    EXPECT_EQ(failed.status, 500) << how;
    // Same counter, data, heap and stack as the very first request.
    EXPECT_EQ(server_->get("/isolation").body, first.body) << "after " << how;
  }
}

}  // namespace
}  // namespace e2e
