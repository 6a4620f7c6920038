// The framing and Host rules the server applies to every parsed head (http/request_rules.h).
#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>

#include "http/request_rules.h"

namespace wws::http {
namespace {

namespace bhttp = boost::beast::http;

bhttp::fields make(std::initializer_list<std::pair<const char*, const char*>> list) {
  bhttp::fields f;
  for (const auto& [name, value] : list) f.insert(name, value);
  return f;
}

TEST(RequestRules, OnlyAFinalChunkedTransferEncodingIsAccepted) {
  EXPECT_EQ(check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", "chunked"}})), 0);
  EXPECT_EQ(check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", " CHUNKED "}})), 0);
  EXPECT_EQ(check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", "chunked,"}})), 0);  // empty list items
  for (const char* bad : {"gzip", "identity", "chunked, identity", "chunked, chunked", "", " , ", "chunkedx"})
    EXPECT_EQ(check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", bad}})), 400) << bad;
  EXPECT_EQ(
      check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}})),
      501);
  EXPECT_EQ(check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}})), 501);
  EXPECT_EQ(
      check_request_head(11, make({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "gzip"}})),
      400);
  EXPECT_EQ(check_request_head(10, make({{"Transfer-Encoding", "chunked"}})), 400);  // never in HTTP/1.0
}

TEST(RequestRules, Http11NeedsExactlyOneValidHost) {
  EXPECT_EQ(check_request_head(11, make({})), 400);
  EXPECT_EQ(check_request_head(10, make({})), 0);
  EXPECT_EQ(check_request_head(11, make({{"Host", "a"}, {"Host", "b"}})), 400);
  EXPECT_EQ(check_request_head(10, make({{"Host", "a"}, {"Host", "a"}})), 400);
  EXPECT_EQ(check_request_head(11, make({{"Host", "x/admin?role=admin#"}})), 400);
  EXPECT_EQ(check_request_head(11, make({{"Host", "example.com:8080"}})), 0);
}

TEST(RequestRules, Authorities) {
  for (const char* good : {"", "localhost", "example.com", "example.com:", "a-b.c_d~e:80", "127.0.0.1:8080", "[::1]",
                           "[::1]:8080", "[2001:db8::7]", "[v1.fe80::a+en1]", "caf%C3%A9.example", "a!$&'()*+,;=b"})
    EXPECT_TRUE(is_valid_authority(good)) << good;
  for (const char* bad : {"x/admin", "x?q", "x#f", "user@host", "host:port", "host:80:80", "[::1", "[::1]x", "[]",
                          "[zz]", "a b", "%zz", "%4", "caf\xc3\xa9", "host\r", "[::1]:8o"})
    EXPECT_FALSE(is_valid_authority(bad)) << bad;
}

}  // namespace
}  // namespace wws::http
