// Who may use the admin API: token, loopback-only without one, DNS rebinding, cross-origin posts.
#include <gtest/gtest.h>

#include "api/auth/access.h"

using wws::api::Access;
using wws::api::AccessPolicy;
using wws::api::check_access;

namespace {

wws::http::Request request(std::string remote, std::string host, std::string method = "GET") {
  wws::http::Request r;
  r.method = std::move(method);
  r.path = "/_api/v0/workers";
  r.remote_address = std::move(remote);
  r.headers.emplace_back("host", std::move(host));
  return r;
}

}  // namespace

TEST(ApiAccess, WithoutATokenOnlyLoopbackClientsAreAnswered) {
  AccessPolicy open;
  EXPECT_EQ(check_access(open, request("127.0.0.1", "127.0.0.1:8080")), Access::Allowed);
  EXPECT_EQ(check_access(open, request("127.3.4.5", "localhost:8080")), Access::Allowed);
  EXPECT_EQ(check_access(open, request("::1", "[::1]:8080")), Access::Allowed);
  EXPECT_EQ(check_access(open, request("::ffff:127.0.0.1", "127.0.0.1")), Access::Allowed);
  EXPECT_EQ(check_access(open, request("10.1.2.3", "127.0.0.1:8080")), Access::NotLoopback);
  EXPECT_EQ(check_access(open, request("192.168.1.9", "localhost")), Access::NotLoopback);
  EXPECT_EQ(check_access(open, request("::ffff:10.0.0.1", "localhost")), Access::NotLoopback);
  EXPECT_EQ(wws::api::access_status(Access::NotLoopback), 403);
}

TEST(ApiAccess, WithoutATokenAForeignHostNameIsRefused) {
  // DNS rebinding: evil.example resolves to 127.0.0.1, so the browser's request comes from loopback.
  AccessPolicy open;
  EXPECT_EQ(check_access(open, request("127.0.0.1", "evil.example:8080")), Access::NotLoopbackHost);
  EXPECT_EQ(check_access(open, request("127.0.0.1", "")), Access::NotLoopbackHost);
  EXPECT_EQ(check_access(open, request("127.0.0.1", "app.localhost:8080")), Access::Allowed);
}

TEST(ApiAccess, ATokenIsRequiredFromEveryClientWhenSet) {
  AccessPolicy policy{"s3cret"};
  auto r = request("127.0.0.1", "127.0.0.1:8080");
  EXPECT_EQ(check_access(policy, r), Access::NeedsToken);
  r.headers.emplace_back("authorization", "Bearer nope");
  EXPECT_EQ(check_access(policy, r), Access::WrongToken);
  r.headers.back().second = "Bearer s3cret";
  EXPECT_EQ(check_access(policy, r), Access::Allowed);
  r.headers.back().second = "bearer s3cret";  // the scheme is case-insensitive
  EXPECT_EQ(check_access(policy, r), Access::Allowed);
  r.headers.back().second = "Bearer s3cret2";
  EXPECT_EQ(check_access(policy, r), Access::WrongToken);
  auto remote = request("10.0.0.7", "wws.internal:9000");
  remote.headers.emplace_back("authorization", "Bearer s3cret");
  EXPECT_EQ(check_access(policy, remote), Access::Allowed);  // with a token, any client and host
  EXPECT_EQ(wws::api::access_status(Access::WrongToken), 401);
}

TEST(ApiAccess, ChangesFromAnotherOriginAreRefused) {
  AccessPolicy open;
  auto post = request("127.0.0.1", "127.0.0.1:8080", "POST");
  EXPECT_EQ(check_access(open, post), Access::Allowed);  // curl sends no Origin
  post.headers.emplace_back("origin", "http://127.0.0.1:8080");
  EXPECT_EQ(check_access(open, post), Access::Allowed);
  post.headers.back().second = "https://evil.example";
  EXPECT_EQ(check_access(open, post), Access::CrossOrigin);
  auto get = request("127.0.0.1", "127.0.0.1:8080");
  get.headers.emplace_back("origin", "https://evil.example");
  EXPECT_EQ(check_access(open, get), Access::Allowed);  // reading: the browser keeps the answer from the page
}
