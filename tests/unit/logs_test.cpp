// logs/: the per-thread line buffers (whole lines, none lost, from many threads), the request
// line's format, and escaping that keeps one request on one line and JSON valid.
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "json_test_support.h"
#include "logs/line_sink.h"
#include "logs/request_log.h"
#include "logs/setup.h"
#include "worker/worker.h"

namespace wws::logs {
namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(LineSink, LinesFromManyThreadsArriveWholeAndAllOfThem) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string received;
  std::thread reader([&] { received = read_all(fds[0]); });
  {
    LineSink sink(fds[1], std::chrono::milliseconds(5));
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
      writers.emplace_back([&, t] {
        for (int i = 0; i < 5000; ++i)
          sink.write([&](std::string& out) {
            out += "thread " + std::to_string(t) + " line " + std::to_string(i) + " end\n";
          });
      });
    for (auto& w : writers) w.join();
  }  // the destructor writes what is left
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  std::map<int, int> next;  // per thread, lines arrive in the order written
  std::istringstream in(received);
  size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    int t = -1, i = -1;
    char end[4] = {};
    ASSERT_EQ(std::sscanf(line.c_str(), "thread %d line %d %3s", &t, &i, end), 3) << line;
    ASSERT_STREQ(end, "end") << line;
    ASSERT_EQ(i, next[t]++) << line;
  }
  EXPECT_EQ(lines, 20000u);
}

TEST(LogEscaping, JsonStaysValidForAnyBytes) {
  std::string out = "\"";
  append_json_escaped(out, std::string("a\"b\\c\n\x01\xff\xfe", 9));
  out += "\"";
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\\u00fe\"");
  rapidjson::Document doc;
  wws::test::parse_json(doc, out);
  EXPECT_FALSE(doc.HasParseError());
  std::string utf8;
  append_json_escaped(utf8, "caf\xc3\xa9");
  EXPECT_EQ(utf8, "caf\xc3\xa9");
}

class RequestLine : public ::testing::Test {
 protected:
  std::string line(LogFormat format, const http::Request& request, int status, const worker::Worker* w) {
    http::Response response;
    response.status = status;
    response.body = "12345";
    worker::RunReport run;
    worker::Served served{request, response, request.path, w, w ? &run : nullptr, std::chrono::microseconds(1500)};
    LineSink sink(-1);
    RequestLog log(format, Level::Info, "v8", sink);
    std::string out;
    log.format(served, out);
    return out;
  }
};

TEST_F(RequestLine, ControlBytesInTheTargetCannotForgeALine) {
  http::Request request;
  request.method = "GET";
  request.target = "/a\r\n2026-01-01 info GET /admin\x1b[31m";
  request.path = request.target;
  std::string text = line(LogFormat::Text, request, 404, nullptr);
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("/a\\x0d\\x0a2026-01-01\\x20info"), std::string::npos) << text;
}

TEST_F(RequestLine, TextAndJsonCarryTheSameFacts) {
  worker::Worker w;
  w.route = "/users/[id]";
  w.name = "users";
  w.relative = "users/[id].wasm";
  http::Request request;
  request.method = "POST";
  request.target = "/users/7?x=1";
  request.path = "/users/7";
  request.query = "x=1";
  request.remote_address = "127.0.0.1";
  std::string text = line(LogFormat::Text, request, 201, &w);
  EXPECT_NE(text.find(" info POST /users/7?x=1 201 5B 1.50ms route=/users/[id] worker=users/[id].wasm engine=v8"),
            std::string::npos)
      << text;
  std::string json = line(LogFormat::Json, request, 201, &w);
  rapidjson::Document doc;
  wws::test::parse_json(doc, json);
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_STREQ(doc["method"].GetString(), "POST");
  EXPECT_STREQ(doc["path"].GetString(), "/users/7");
  EXPECT_STREQ(doc["query"].GetString(), "x=1");
  EXPECT_EQ(doc["status"].GetInt(), 201);
  EXPECT_EQ(doc["bytes"].GetInt(), 5);
  EXPECT_DOUBLE_EQ(doc["duration_ms"].GetDouble(), 1.5);
  EXPECT_STREQ(doc["worker"].GetString(), "users");
  EXPECT_STREQ(doc["file"].GetString(), "users/[id].wasm");
  EXPECT_STREQ(doc["engine"].GetString(), "v8");
}

TEST(LogOptions, NamesParse) {
  EXPECT_EQ(parse_format("json"), LogFormat::Json);
  EXPECT_EQ(parse_format("xml"), std::nullopt);
  EXPECT_EQ(parse_level("warn"), Level::Warn);
  EXPECT_EQ(parse_level("off"), Level::Off);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace wws::logs
