// Response heads built by hand (status line, header validation, framing) and HTTP dates.
#include <gtest/gtest.h>

#include "http/http_date.h"
#include "http/response_head.h"

namespace wws::http {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

std::string head_of(const Response& r, ResponseFraming f = {}, HeadResult* result = nullptr) {
  if (f.date.empty()) f.date = kDate;
  std::string out;
  const HeadResult res = append_response_head(r, f, out);
  if (result) *result = res;
  return out;
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(http_date(784111777), kDate);
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(HttpDate, ParsesAllThreeFormats) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), std::optional<std::time_t>(784111777));
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), std::optional<std::time_t>(784111777));
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), std::optional<std::time_t>(784111777));
  EXPECT_EQ(parse_http_date(http_date(1700000000)), std::optional<std::time_t>(1700000000));
}

TEST(HttpDate, RejectsMalformedDates) {
  EXPECT_FALSE(parse_http_date(""));
  EXPECT_FALSE(parse_http_date("yesterday"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(parse_http_date("Sun, 0x Nov 1994 08:49:37 GMT"));
}

TEST(ResponseHead, StatusLineHeadersDateAndLength) {
  Response r;
  r.status = 201;
  r.headers = {{"Content-Type", "text/plain"}, {"X-A", "1"}};
  r.body = "Hello";
  HeadResult res;
  EXPECT_EQ(head_of(r, {}, &res),
            "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-A: 1\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Server: wws\r\nContent-Length: 5\r\n\r\n");
  EXPECT_TRUE(res.send_body);
  EXPECT_FALSE(res.close);
}

TEST(ResponseHead, RepeatedHeadersKeptInOrder) {
  Response r;
  r.headers = {{"Set-Cookie", "a=1"}, {"X", "y"}, {"Set-Cookie", "b=2"}};
  const std::string h = head_of(r);
  const size_t a = h.find("Set-Cookie: a=1\r\n"), x = h.find("X: y\r\n"), b = h.find("Set-Cookie: b=2\r\n");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_LT(a, x);
  EXPECT_LT(x, b);
}

TEST(ResponseHead, DropsHeadersThatCouldSplitTheResponse) {
  Response r;
  r.headers = {{"X-Bad", "a\r\nInjected: yes"},
               {"X-Lf", "a\nb"},
               {"X-Nul", std::string("a\0b", 3)},
               {"Bad Name", "v"},
               {"Bad:Name", "v"},
               {"", "v"},
               {"X\r\nInjected", "v"},
               {"X-Good", "ok"}};
  const std::string h = head_of(r);
  EXPECT_EQ(h.find("Injected"), std::string::npos) << h;
  EXPECT_EQ(h.find("X-Bad"), std::string::npos);
  EXPECT_EQ(h.find("X-Lf"), std::string::npos);
  EXPECT_EQ(h.find("X-Nul"), std::string::npos);
  EXPECT_EQ(h.find("Name"), std::string::npos);
  EXPECT_NE(h.find("X-Good: ok\r\n"), std::string::npos);
  // Every line break is part of a CRLF: no bare LF reaches the wire.
  for (size_t i = 0; i < h.size(); ++i)
    if (h[i] == '\n') EXPECT_EQ(h[i - 1], '\r');
}

TEST(ResponseHead, ServerOwnsFramingHeaders) {
  Response r;
  r.headers = {{"content-length", "999"}, {"Transfer-Encoding", "chunked"}, {"Date", "custom"}, {"Server", "mine"}};
  r.body = "abc";
  const std::string h = head_of(r);
  EXPECT_EQ(h.find("999"), std::string::npos);
  EXPECT_EQ(h.find("chunked"), std::string::npos);
  EXPECT_NE(h.find("Content-Length: 3\r\n"), std::string::npos);
  EXPECT_NE(h.find("Date: custom\r\n"), std::string::npos);
  EXPECT_EQ(h.find(kDate), std::string::npos);
  EXPECT_NE(h.find("Server: mine\r\n"), std::string::npos);
  EXPECT_EQ(h.find("Server: wws"), std::string::npos);
}

TEST(ResponseHead, HeadRequestKeepsLengthButSendsNoBody) {
  Response r;
  r.body = "Hello";
  ResponseFraming f;
  f.head_request = true;
  HeadResult res;
  EXPECT_NE(head_of(r, f, &res).find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_FALSE(res.send_body);
}

TEST(ResponseHead, NoContentStatusesCarryNoBody) {
  Response r;
  r.body = "ignored";
  HeadResult res;
  r.status = 204;
  std::string h = head_of(r, {}, &res);
  EXPECT_EQ(h.find("Content-Length"), std::string::npos);
  EXPECT_FALSE(res.send_body);
  r.status = 304;
  h = head_of(r, {}, &res);
  EXPECT_EQ(h.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u);
  EXPECT_EQ(h.find("Content-Length"), std::string::npos);
  EXPECT_FALSE(res.send_body);
}

TEST(ResponseHead, ConnectionHeaders) {
  Response r;
  ResponseFraming f;
  f.close = true;
  HeadResult res;
  EXPECT_NE(head_of(r, f, &res).find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(res.close);

  ResponseFraming ka;
  ka.http10_keep_alive = true;
  EXPECT_NE(head_of(r, ka, &res).find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_FALSE(res.close);

  r.headers = {{"Connection", "Close"}};
  const std::string h = head_of(r, {}, &res);
  EXPECT_TRUE(res.close);
  EXPECT_NE(h.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(h.find("Connection: Close"), std::string::npos);
}

TEST(ResponseHead, InvalidStatusBecomes500WithoutBody) {
  Response r;
  r.status = 42;
  r.body = "x";
  HeadResult res;
  const std::string h = head_of(r, {}, &res);
  EXPECT_EQ(h.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
  EXPECT_NE(h.find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_FALSE(res.send_body);
}

TEST(ResponseHead, ReasonPhrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(413), "Payload Too Large");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(599), "Unknown");
}

}  // namespace
}  // namespace wws::http
