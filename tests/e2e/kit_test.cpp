// The C kit (kits/c/wws.h) compiled natively: parsing tricky request JSON and writing response
// JSON, checked without a server so kit bugs are told apart from server bugs.
#include <gtest/gtest.h>

#include <string>

#define WWS_KV_SNAPSHOT  // natively there are no host functions: the snapshot protocol
#include "../../kits/c/wws.h"
#include "json.h"

namespace {

// The kit keeps one request and one response per process; each test starts from a clean slate.
void load(const std::string& input) {
  wws_p_req = {};
  wws_p_res = {};
  wws_p_res.status = 200;
  wws_p_kv_changed = 0;
  wws_p_kv_loaded = 0;
  wws_p_kv_original = {};
  wws_p_kv_op_keys = {};
  wws_p_kv_ops = {};
  wws_p_query = {};
  wws_p_query_parsed = 0;
  wws_p_req.loaded = 1;
  if (wws_p_parse_input(input.data(), input.size()) != 0) return;
  if (!wws_p_req.url) wws_p_req.url = wws_p_strdup("");
  if (!wws_p_req.method) wws_p_req.method = wws_p_strdup("GET");
}

std::string response_json() {
  wws_buf out = {};
  wws_response_json(&out);
  std::string text(out.data, out.len);
  wws_buf_free(&out);
  return text;
}

TEST(CKit, ParsesEveryFieldAndUnescapesStrings) {
  load(R"({"url":"http://h/p?a=1&b=%20c+d&a=2","method":"POST","headers":{"X-Thing":"1, 2","host":"h"},)"
       R"("body":"q\"b\\s\/\b\f\n\r\t\u00e9\ud83d\ude00\u0000z","kv":{"k":"v"},"params":{"id":"42"},)"
       R"("unknown":[1,{"x":null},true,-1.5e3,"s"]})");
  ASSERT_EQ(wws_request_error(), nullptr);
  EXPECT_STREQ(wws_request_url(), "http://h/p?a=1&b=%20c+d&a=2");
  EXPECT_STREQ(wws_request_method(), "POST");
  EXPECT_STREQ(wws_request_header("x-thing"), "1, 2");
  EXPECT_STREQ(wws_request_header("X-THING"), "1, 2");
  EXPECT_EQ(wws_request_header("missing"), nullptr);
  EXPECT_STREQ(wws_request_param("id"), "42");
  EXPECT_STREQ(wws_kv_get("k"), "v");
  std::string expected("q\"b\\s/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80", 17);
  expected += std::string("\0z", 2);
  EXPECT_EQ(std::string(wws_request_body(), wws_request_body_length()), expected);
  EXPECT_FALSE(wws_request_body_was_base64());
  EXPECT_STREQ(wws_request_query("a"), "1");
  EXPECT_STREQ(wws_request_query("b"), " c d");
  EXPECT_EQ(wws_request_query("c"), nullptr);
}

TEST(CKit, DecodesBase64Bodies) {
  load(R"({"url":"u","method":"PUT","headers":{},"body":"/wCAiQ==","base64":true,"kv":{},"params":{}})");
  ASSERT_EQ(wws_request_error(), nullptr);
  EXPECT_TRUE(wws_request_body_was_base64());
  EXPECT_EQ(std::string(wws_request_body(), wws_request_body_length()), std::string("\xff\x00\x80\x89", 4));
}

TEST(CKit, RejectsMalformedInput) {
  for (const char* bad : {R"({"body":"\ud800"})", R"({"body":"\udc00x"})", R"({"body":"abc)", R"({"body":"\x"})",
                          R"({"headers":{"a":"b",}})", R"([1,2])", "", R"({"body":"/w==","base64":true,"x":})",
                          R"({"body":"!!!!","base64":true})"}) {
    load(bad);
    EXPECT_NE(wws_request_error(), nullptr) << bad;
  }
}

TEST(CKit, WritesResponseJsonWithRepeatedHeadersAndEscapes) {
  load(R"({"url":"u","method":"GET","headers":{},"body":"","kv":{},"params":{}})");
  wws_response_status(201);
  wws_response_header("Set-Cookie", "a=1");
  wws_response_header("content-type", "text/plain");
  wws_response_header("set-cookie", "b=\"2\"");
  wws_response_body("line1\nq\"uote\\ \x01 \xc3\xa9");
  auto doc = e2e::parse_json(response_json());
  ASSERT_FALSE(doc.HasParseError()) << response_json();
  EXPECT_EQ(e2e::str(doc, "data"), "line1\nq\"uote\\ \x01 \xc3\xa9");
  EXPECT_EQ(doc["status"].GetInt(), 201);
  ASSERT_TRUE(doc["headers"]["Set-Cookie"].IsArray());
  EXPECT_STREQ(doc["headers"]["Set-Cookie"][0].GetString(), "a=1");
  EXPECT_STREQ(doc["headers"]["Set-Cookie"][1].GetString(), "b=\"2\"");
  EXPECT_EQ(e2e::str(doc["headers"], "content-type"), "text/plain");
  EXPECT_FALSE(doc.HasMember("kv")) << "no K/V change must mean no kv field";
  EXPECT_FALSE(e2e::flag(doc, "base64"));
}

TEST(CKit, BinaryBodiesAreSentAsBase64) {
  load(R"({"url":"u","method":"GET","headers":{},"body":"","kv":{},"params":{}})");
  const char bytes[] = {'\x89', 'P', '\0', '\xff'};
  wws_response_body_bytes(bytes, sizeof bytes);
  auto doc = e2e::parse_json(response_json());
  EXPECT_TRUE(e2e::flag(doc, "base64"));
  EXPECT_EQ(e2e::str(doc, "data"), "iVAA/w==");
}

TEST(CKit, KvChangesSendTheFullResultingMap) {
  load(R"({"url":"u","method":"GET","headers":{},"body":"","kv":{"keep":"1","drop":"2","change":"3"},"params":{}})");
  wws_kv_set("change", "30");
  wws_kv_set("new", "4");
  wws_kv_delete("drop");
  auto doc = e2e::parse_json(response_json());
  auto kv = e2e::string_map(doc, "kv");
  EXPECT_EQ(kv, (std::map<std::string, std::string>{{"keep", "1"}, {"change", "30"}, {"new", "4"}}));
}

// Snapshot mode: atomic operations go out as "kv_ops", and "kv" keeps the keys they touch as the
// snapshot had them, so the server's diff does not apply them a second time.
TEST(CKit, AtomicOpsInSnapshotModeTravelAsKvOps) {
  load(R"({"url":"u","method":"GET","headers":{},"body":"","kv":{"n":"5","lock":"me","other":"x"},"params":{}})");
  int64_t n = 0;
  ASSERT_EQ(wws_kv_increment("n", 2, &n), 0);
  EXPECT_EQ(n, 7);
  EXPECT_STREQ(wws_kv_get("n"), "7");  // this run sees its own increment
  EXPECT_EQ(wws_kv_compare_and_swap("lock", "someone else", "x"), 0);
  EXPECT_EQ(wws_kv_compare_and_swap("lock", "me", NULL), 1);
  EXPECT_EQ(wws_kv_set_ttl("session", "s", 5000), 0);
  wws_kv_set("other", "y");
  auto doc = e2e::parse_json(response_json());
  ASSERT_FALSE(doc.HasParseError()) << response_json();
  EXPECT_EQ(e2e::string_map(doc, "kv"),
            (std::map<std::string, std::string>{{"n", "5"}, {"lock", "me"}, {"other", "y"}}))
      << response_json();
  ASSERT_TRUE(doc.HasMember("kv_ops") && doc["kv_ops"].IsArray()) << response_json();
  const auto& ops = doc["kv_ops"];
  ASSERT_EQ(ops.Size(), 3u) << response_json();
  EXPECT_EQ(std::string(ops[0]["op"].GetString()), "incr");
  EXPECT_EQ(ops[0]["by"].GetInt(), 2);
  EXPECT_EQ(std::string(ops[1]["op"].GetString()), "cas");
  EXPECT_EQ(std::string(ops[1]["expect"].GetString()), "me");
  EXPECT_TRUE(ops[1]["value"].IsNull());
  EXPECT_EQ(std::string(ops[2]["op"].GetString()), "set");
  EXPECT_EQ(ops[2]["ttl_ms"].GetInt(), 5000);
  EXPECT_EQ(wws_kv_increment("other", 1, &n), WWS_KV_NOT_A_NUMBER);
}

}  // namespace
