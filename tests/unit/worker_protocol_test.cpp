// Tests for worker/protocol: the stdin JSON a worker reads and the stdout JSON it writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <random>

#include "worker/protocol.h"

namespace wws::worker {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---------- helpers ----------

rapidjson::Document parse_strict(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << "offset " << doc.GetErrorOffset() << " in " << json.substr(0, 200);
  return doc;
}

std::string str(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::vector<std::string> member_names(const rapidjson::Value& object) {
  std::vector<std::string> names;
  for (const auto& m : object.GetObject()) names.push_back(str(m.name));
  return names;
}

std::string input_with_body(std::string_view body) {
  InputFields in;
  in.url = "http://localhost/";
  in.method = "POST";
  in.body = body;
  return build_input_json(in);
}

// Parses stdout that must be valid; fails the test with the error otherwise.
Output parse_ok(std::string_view text) {
  std::string error;
  auto out = parse_output(text, &error);
  EXPECT_TRUE(out) << error << " <- " << text.substr(0, 200);
  return out ? std::move(*out) : Output{};
}

// Parses stdout that must be rejected and returns the reason.
std::string parse_error(std::string_view text) {
  std::string error;
  auto out = parse_output(text, &error);
  EXPECT_FALSE(out) << "accepted: " << text.substr(0, 200);
  EXPECT_FALSE(error.empty());
  return error;
}

// ---------- build_input_json ----------

TEST(WorkerInput, ExactCompactDocumentInTheOriginalsFieldOrder) {
  http::HeaderList headers{{"host", "127.0.0.1:8080"}, {"accept", "*/*"}};
  std::map<std::string, std::string> params{{"id", "42"}};
  InputFields in;
  in.url = "http://127.0.0.1:8080/path?q=1";
  in.method = "GET";
  in.headers = &headers;
  in.body = "";
  in.kv_json = R"({"k":"v"})";
  in.params = &params;
  EXPECT_EQ(build_input_json(in),
            R"({"url":"http://127.0.0.1:8080/path?q=1","method":"GET","headers":{"host":"127.0.0.1:8080",)"
            R"("accept":"*/*"},"body":"","kv":{"k":"v"},"params":{"id":"42"}})");
}

TEST(WorkerInput, MissingHeadersParamsAndKvAreEmptyObjects) {
  InputFields in;
  in.url = "http://h/";
  in.method = "GET";
  in.kv_json = "";
  EXPECT_EQ(build_input_json(in), R"({"url":"http://h/","method":"GET","headers":{},"body":"","kv":{},"params":{}})");
  InputFields defaults;
  auto doc = parse_strict(build_input_json(defaults));
  EXPECT_TRUE(doc["kv"].IsObject());
  EXPECT_EQ(doc["kv"].MemberCount(), 0u);
}

TEST(WorkerInput, KvJsonIsInsertedRaw) {
  InputFields in;
  in.kv_json = R"({"a":"1","b":"two \"q\""})";
  auto doc = parse_strict(build_input_json(in));
  EXPECT_EQ(str(doc["kv"]["b"]), "two \"q\"");
  EXPECT_EQ(member_names(doc), (std::vector<std::string>{"url", "method", "headers", "body", "kv", "params"}));
}

TEST(WorkerInput, RepeatedHeadersAreJoinedAtTheFirstPosition) {
  http::HeaderList headers{
      {"accept", "text/html"}, {"x-a", "1"}, {"accept", "application/json"}, {"cookie", "a=1"}, {"x-a", "2"},
      {"cookie", "b=2"},       {"x-a", "3"}};
  InputFields in;
  in.headers = &headers;
  auto doc = parse_strict(build_input_json(in));
  const auto& h = doc["headers"];
  EXPECT_EQ(member_names(h), (std::vector<std::string>{"accept", "x-a", "cookie"}));
  EXPECT_EQ(str(h["accept"]), "text/html, application/json");
  EXPECT_EQ(str(h["x-a"]), "1, 2, 3");
  EXPECT_EQ(str(h["cookie"]), "a=1; b=2");
}

// Past a few dozen headers the joining switches to hashing (a 64 KiB head holds ~10,800 distinct
// empty headers, which the scan made quadratic): the result must be the same.
TEST(WorkerInput, ManyHeadersJoinLikeFew) {
  http::HeaderList headers;
  std::vector<std::string> expected_names;
  for (int i = 0; i < 3000; ++i) {
    headers.emplace_back("h" + std::to_string(i % 1000), std::to_string(i));
    if (i < 1000) expected_names.push_back("h" + std::to_string(i));
  }
  headers.emplace_back("cookie", "a=1");
  headers.emplace_back("cookie", "b=2");
  expected_names.push_back("cookie");
  InputFields in;
  in.headers = &headers;
  auto doc = parse_strict(build_input_json(in));
  const auto& h = doc["headers"];
  EXPECT_EQ(member_names(h), expected_names);
  EXPECT_EQ(str(h["h7"]), "7, 1007, 2007");
  EXPECT_EQ(str(h["h999"]), "999, 1999, 2999");
  EXPECT_EQ(str(h["cookie"]), "a=1; b=2");
}

TEST(WorkerInput, HeaderNamesKeepUnderscores) {
  http::HeaderList headers{{"x_custom_name", "v"}};
  InputFields in;
  in.headers = &headers;
  EXPECT_THAT(build_input_json(in), HasSubstr(R"("headers":{"x_custom_name":"v"})"));
}

TEST(WorkerInput, ObsTextHeaderValuesBecomeValidUtf8) {
  http::HeaderList headers{{"x-latin1", "caf\xe9"}, {"x-utf8", "caf\xc3\xa9"}, {"x-ctl", "a\tb\x01"}};
  InputFields in;
  in.headers = &headers;
  auto doc = parse_strict(build_input_json(in));
  EXPECT_EQ(str(doc["headers"]["x-latin1"]), "caf\xc3\xa9");
  EXPECT_EQ(str(doc["headers"]["x-utf8"]), "caf\xc3\xa9");
  EXPECT_EQ(str(doc["headers"]["x-ctl"]), "a\tb\x01");
}

TEST(WorkerInput, BodyEscapingQuotesBackslashControlCharsNul) {
  const std::string body = "say \"hi\" \\ path\n\r\t\b\f\x01\x1f end\0tail"s;
  const std::string json = input_with_body(body);
  EXPECT_THAT(json, HasSubstr(R"("body":"say \"hi\" \\ path\n\r\t\b\f\u0001\u001f end\u0000tail")"));
  auto doc = parse_strict(json);
  EXPECT_EQ(str(doc["body"]), body);
  EXPECT_FALSE(doc.HasMember("base64"));
}

TEST(WorkerInput, Utf8BodyIsCopiedAsIs) {
  const std::string body = "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \x7f";
  EXPECT_THAT(input_with_body(body), HasSubstr("\"body\":\"" + body + "\",\"kv\""));
}

TEST(WorkerInput, BinaryBodyIsBase64WithAFlagAfterBody) {
  const std::string body = "\x89PNG\r\n\x1a\n\0\xff\xfe"s;
  const std::string json = input_with_body(body);
  auto doc = parse_strict(json);
  EXPECT_EQ(member_names(doc),
            (std::vector<std::string>{"url", "method", "headers", "body", "base64", "kv", "params"}));
  EXPECT_TRUE(doc["base64"].IsTrue());
  EXPECT_EQ(base64_decode(str(doc["body"])), body);
  EXPECT_THAT(json, HasSubstr(R"("body":"iVBORw0KGgoA//4=","base64":true,"kv":{})"));
}

TEST(WorkerInput, InvalidUtf8LateInALongBodyStillFallsBackCleanly) {
  std::string body(100000, 'a');
  body += "\"\n\xc0\xaf";  // escapes first, then an overlong sequence
  auto doc = parse_strict(input_with_body(body));
  EXPECT_TRUE(doc["base64"].IsTrue());
  EXPECT_EQ(base64_decode(str(doc["body"])), body);
}

TEST(WorkerInput, UrlMethodAndParamsAreEscaped) {
  std::map<std::string, std::string> params{{"path", "a/b\"c"}, {"id", "\xe9"}};
  InputFields in;
  in.url = "http://h/\"x\\";
  in.method = "GET";
  in.params = &params;
  auto doc = parse_strict(build_input_json(in));
  EXPECT_EQ(str(doc["url"]), "http://h/\"x\\");
  EXPECT_EQ(str(doc["params"]["path"]), "a/b\"c");
  EXPECT_EQ(str(doc["params"]["id"]), "\xc3\xa9");
  EXPECT_EQ(member_names(doc["params"]), (std::vector<std::string>{"id", "path"}));
}

TEST(WorkerInput, RandomBytesEverywhereAlwaysGiveValidJson) {
  std::mt19937 rng(1234);
  const auto random_bytes = [&](size_t max) {
    std::string s(rng() % max, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    http::HeaderList headers{{random_bytes(8), random_bytes(40)}, {"x", random_bytes(40)}};
    std::map<std::string, std::string> params{{random_bytes(8), random_bytes(40)}};
    const std::string url = random_bytes(60), method = random_bytes(8), body = random_bytes(200);
    InputFields in;
    in.url = url;
    in.method = method;
    in.headers = &headers;
    in.body = body;
    in.params = &params;
    auto doc = parse_strict(build_input_json(in));
    ASSERT_TRUE(doc.IsObject());
    const std::string sent =
        doc.HasMember("base64") ? base64_decode(str(doc["body"])).value_or("<bad>") : str(doc["body"]);
    EXPECT_EQ(sent, body);  // the body is always lossless
  }
}

TEST(WorkerInput, TenMegabyteBodies) {
  std::string text(10 * 1024 * 1024, 'x');
  for (size_t i = 0; i < text.size(); i += 1000) text[i] = '"';
  auto doc = parse_strict(input_with_body(text));
  EXPECT_EQ(str(doc["body"]), text);

  std::string binary(10 * 1024 * 1024, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  auto doc2 = parse_strict(input_with_body(binary));
  EXPECT_TRUE(doc2["base64"].IsTrue());
  EXPECT_EQ(base64_decode(str(doc2["body"])), binary);
}

// ---------- parse_output: defaults and fields ----------

TEST(WorkerOutput, OnlyDataGivesTheDefaults) {
  auto out = parse_ok(R"({"data":"hello"})");
  EXPECT_EQ(out.status, 200);
  EXPECT_TRUE(out.headers.empty());
  EXPECT_EQ(out.body, "hello");
  EXPECT_FALSE(out.kv);
}

TEST(WorkerOutput, NullOptionalFieldsMeanTheDefaults) {
  auto out = parse_ok(R"({"data":"x","status":null,"headers":null,"kv":null,"base64":null})");
  EXPECT_EQ(out.status, 200);
  EXPECT_TRUE(out.headers.empty());
  EXPECT_FALSE(out.kv);
  EXPECT_EQ(out.body, "x");
}

TEST(WorkerOutput, TheOriginalsFullShape) {
  auto out = parse_ok(
      R"({"data":"<p>hi</p>","headers":{"content-type":"text/html","x_custom":"1"},"status":201,"kv":{"k":"v"},"base64":false})"
      "\n");
  EXPECT_EQ(out.status, 201);
  EXPECT_EQ(out.body, "<p>hi</p>");
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[0], (std::pair<std::string, std::string>{"content-type", "text/html"}));
  EXPECT_EQ(out.headers[1], (std::pair<std::string, std::string>{"x_custom", "1"}));  // no '_' -> '-'
  ASSERT_TRUE(out.kv);
  EXPECT_EQ(*out.kv, (kv::Map{{"k", "v"}}));
}

TEST(WorkerOutput, The2022KitsBodyFieldStandsInForData) {
  // wws 0.5 kits: {"body", "headers", "status", "kv"}, no "data" and no "base64".
  auto out =
      parse_ok(R"({"body":"Hello Wasm!","headers":{"x-generated-by":"wasm-workers-server"},"status":200,"kv":{}})");
  EXPECT_EQ(out.body, "Hello Wasm!");
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.headers[0].second, "wasm-workers-server");
  ASSERT_TRUE(out.kv);
  EXPECT_EQ(parse_ok(R"({"body":"aGk=","base64":true})").body, "hi");
  EXPECT_EQ(parse_error(R"({"body":7})"), "\"body\" must be a string, got 7");
  EXPECT_EQ(parse_error(R"({"body":"a","body":"b"})"), "the \"body\" field appears twice");
  EXPECT_THAT(parse_error(R"({"body":"!","base64":true})"), StartsWith("\"body\" is not valid base64"));
}

TEST(WorkerOutput, DataWinsOverBodyWhateverBodyHolds) {
  // Accepted before "body" meant anything: a current worker with an unrelated "body" field.
  EXPECT_EQ(parse_ok(R"({"body":{"x":1},"data":"new","body":null})").body, "new");
  EXPECT_EQ(parse_ok(R"({"data":"new","body":"old"})").body, "new");
}

TEST(WorkerOutput, FieldOrderDoesNotMatterAndUnknownFieldsAreIgnored) {
  auto out = parse_ok(R"({"extra":{"deep":[1,2]},"status":404,"future":true,"data":"nope"})");
  EXPECT_EQ(out.status, 404);
  EXPECT_EQ(out.body, "nope");
}

TEST(WorkerOutput, EmptyKvObjectIsPresentAndEmpty) {
  auto out = parse_ok(R"({"data":"","kv":{}})");
  ASSERT_TRUE(out.kv);
  EXPECT_TRUE(out.kv->empty());
}

TEST(WorkerOutput, KvRepeatedKeyLastWins) {
  auto out = parse_ok(R"({"data":"","kv":{"a":"1","a":"2"}})");
  EXPECT_EQ(out.kv->at("a"), "2");
}

TEST(WorkerOutput, StatusBounds) {
  EXPECT_EQ(parse_ok(R"({"data":"","status":100})").status, 100);
  EXPECT_EQ(parse_ok(R"({"data":"","status":999})").status, 999);
  EXPECT_EQ(parse_ok(R"({"data":"","status":500})").status, 500);
}

TEST(WorkerOutput, ArrayHeaderValuesGiveOneLineEach) {
  auto out = parse_ok(R"({"data":"","headers":{"set-cookie":["a=1","b=2"],"x-one":"1","x-none":[]}})");
  ASSERT_EQ(out.headers.size(), 3u);
  EXPECT_EQ(out.headers[0], (std::pair<std::string, std::string>{"set-cookie", "a=1"}));
  EXPECT_EQ(out.headers[1], (std::pair<std::string, std::string>{"set-cookie", "b=2"}));
  EXPECT_EQ(out.headers[2], (std::pair<std::string, std::string>{"x-one", "1"}));
}

TEST(WorkerOutput, HeaderNamesAndValuesKeptAsWritten) {
  auto out = parse_ok(R"({"data":"","headers":{"X-Mixed_Case":"Value With Spaces\t and \u00e9"}})");
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.headers[0].first, "X-Mixed_Case");
  EXPECT_EQ(out.headers[0].second, "Value With Spaces\t and \xc3\xa9");
}

TEST(WorkerOutput, EscapesInDataIncludingNul) {
  auto out = parse_ok(R"({"data":"a\u0000b\"c\\d\n\u00e9\ud83d\ude00"})");
  EXPECT_EQ(out.body, "a\0b\"c\\d\n\xc3\xa9\xf0\x9f\x98\x80"s);
}

TEST(WorkerOutput, Base64DataIsDecoded) {
  auto out = parse_ok(R"({"data":"AP8Q","base64":true})");
  EXPECT_EQ(out.body, "\x00\xff\x10"s);
  EXPECT_EQ(parse_ok(R"({"data":"AP8Q","base64":false})").body, "AP8Q");
  EXPECT_EQ(parse_ok(R"({"base64":true,"data":""})").body, "");
}

TEST(WorkerOutput, WhitespaceAroundTheDocumentIsFine) {
  EXPECT_EQ(parse_ok(" \n\t{\"data\":\"x\"}\r\n  \n").body, "x");
}

// RapidJSON's SSE2 whitespace skip reads aligned 16-byte blocks; whitespace near the end of the
// output must not make it read past the buffer (caught by make test-asan).
TEST(WorkerOutput, WhitespaceAtEveryDistanceFromTheEnd) {
  for (size_t spaces = 0; spaces < 48; ++spaces) {
    for (size_t tail = 0; tail < 17; ++tail) {
      const std::string text = R"({"data":"x")" + std::string(spaces, ' ') + "}" + std::string(tail, '\n');
      EXPECT_EQ(parse_ok(text).body, "x") << spaces << " " << tail;
    }
  }
}

TEST(WorkerOutput, TenMegabyteOutputs) {
  std::string big(10 * 1024 * 1024, 'y');
  EXPECT_EQ(parse_ok(R"({"data":")" + big + R"("})").body.size(), big.size());

  std::string binary(10 * 1024 * 1024, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 13);
  auto out = parse_ok(R"({"base64":true,"data":")" + base64_encode(binary) + R"("})");
  EXPECT_EQ(out.body, binary);
}

TEST(WorkerOutput, DeeplyNestedUnknownFieldDoesNotOverflowTheStack) {
  const size_t depth = 2'000'000;
  std::string text = R"({"data":"ok","junk":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  EXPECT_EQ(parse_ok(text).body, "ok");
  EXPECT_THAT(parse_error(std::string(depth, '[')), StartsWith("stdout is not valid JSON: "));
}

TEST(WorkerOutput, NullErrorPointerIsAllowed) {
  EXPECT_FALSE(parse_output("", nullptr));
  EXPECT_FALSE(parse_output("{", nullptr));
  EXPECT_FALSE(parse_output(R"({"data":1})", nullptr));
}

TEST(WorkerOutput, InputIsNotAssumedNulTerminated) {
  const std::string text = R"({"data":"x"}garbage)";
  EXPECT_EQ(parse_ok(std::string_view(text).substr(0, 12)).body, "x");
}

// ---------- parse_output: every error ----------

TEST(WorkerOutputErrors, NothingWritten) {
  EXPECT_EQ(parse_error(""), "the worker wrote nothing to stdout");
  EXPECT_EQ(parse_error(" \n\t\r "), "the worker wrote nothing to stdout");
}

TEST(WorkerOutputErrors, NotJson) {
  EXPECT_THAT(parse_error("Traceback (most recent call last):"), StartsWith("stdout is not valid JSON: "));
  EXPECT_THAT(parse_error(R"({"data":"x")"), StartsWith("stdout is not valid JSON: "));
  EXPECT_THAT(parse_error(R"({"data":"x",})"), StartsWith("stdout is not valid JSON: "));
  EXPECT_THAT(parse_error("{\"data\":\"a\0b\"}"s), StartsWith("stdout is not valid JSON: "));  // raw NUL
  EXPECT_THAT(parse_error(R"({"data":NaN})"), StartsWith("stdout is not valid JSON: "));
  EXPECT_THAT(parse_error(R"({"data":"x"} // comment)"), HasSubstr("after the JSON document"));
}

TEST(WorkerOutputErrors, ContentAfterTheDocument) {
  EXPECT_THAT(parse_error(R"({"data":"a"}{"data":"b"})"), StartsWith("unexpected content after the JSON document"));
  EXPECT_THAT(parse_error("{\"data\":\"a\"}\n{\"data\":\"b\"}\n"),
              StartsWith("unexpected content after the JSON document"));
  EXPECT_THAT(parse_error(R"({"data":"a"} x)"), StartsWith("unexpected content after the JSON document"));
}

TEST(WorkerOutputErrors, RootMustBeAnObject) {
  EXPECT_EQ(parse_error(R"(["data"])"), "stdout must be a JSON object, got an array");
  EXPECT_EQ(parse_error(R"("hello")"), "stdout must be a JSON object, got a string");
  EXPECT_EQ(parse_error("42"), "stdout must be a JSON object, got 42");
  EXPECT_EQ(parse_error("null"), "stdout must be a JSON object, got null");
}

TEST(WorkerOutputErrors, Data) {
  EXPECT_EQ(parse_error(R"({"status":200})"), "missing \"data\" (the response body, a string)");
  EXPECT_EQ(parse_error(R"({})"), "missing \"data\" (the response body, a string)");
  EXPECT_EQ(parse_error(R"({"data":null})"), "\"data\" must be a string, got null");
  EXPECT_EQ(parse_error(R"({"data":12})"), "\"data\" must be a string, got 12");
  EXPECT_EQ(parse_error(R"({"data":["a"]})"), "\"data\" must be a string, got an array");
}

TEST(WorkerOutputErrors, Status) {
  const std::string prefix = "\"status\" must be an integer from 100 to 999, got ";
  EXPECT_EQ(parse_error(R"({"data":"","status":99})"), prefix + "99");
  EXPECT_EQ(parse_error(R"({"data":"","status":1000})"), prefix + "1000");
  EXPECT_EQ(parse_error(R"({"data":"","status":0})"), prefix + "0");
  EXPECT_EQ(parse_error(R"({"data":"","status":-200})"), prefix + "-200");
  EXPECT_EQ(parse_error(R"({"data":"","status":200.5})"), prefix + "200.5");
  EXPECT_EQ(parse_error(R"({"data":"","status":200.0})"), prefix + "200");
  EXPECT_EQ(parse_error(R"({"data":"","status":99999999999})"), prefix + "99999999999");
  EXPECT_EQ(parse_error(R"({"data":"","status":18446744073709551615})"), prefix + "18446744073709551615");
  EXPECT_EQ(parse_error(R"({"data":"","status":"200"})"), prefix + "a string");
  EXPECT_EQ(parse_error(R"({"data":"","status":true})"), prefix + "true");
  EXPECT_EQ(parse_error(R"({"data":"","status":{}})"), prefix + "an object");
}

TEST(WorkerOutputErrors, Headers) {
  EXPECT_EQ(parse_error(R"({"data":"","headers":[]})"), "\"headers\" must be an object, got an array");
  EXPECT_EQ(parse_error(R"({"data":"","headers":"x"})"), "\"headers\" must be an object, got a string");
  EXPECT_EQ(parse_error(R"({"data":"","headers":{"x-n":1}})"),
            "\"headers\" value for \"x-n\" must be a string or an array of strings");
  EXPECT_EQ(parse_error(R"({"data":"","headers":{"x-n":null}})"),
            "\"headers\" value for \"x-n\" must be a string or an array of strings");
  EXPECT_EQ(parse_error(R"({"data":"","headers":{"set-cookie":["a=1",2]}})"),
            "\"headers\" value for \"set-cookie\" must be a string or an array of strings");
  EXPECT_EQ(parse_error(R"({"data":"","headers":{"set-cookie":[["a"]]}})"),
            "\"headers\" value for \"set-cookie\" must be a string or an array of strings");
}

TEST(WorkerOutputErrors, HeaderNames) {
  for (const char* name : {"", "x y", "x:y", "x\\u0000y", "x\\ny", "x\\u00e9", "(x)", "x/y", "x@y", "x\\\"y"}) {
    const std::string text = std::string(R"({"data":"","headers":{")") + name + R"(":"v"}})";
    EXPECT_THAT(parse_error(text), StartsWith("\"headers\" has an invalid HTTP header name \"")) << name;
  }
  // All token characters are accepted.
  auto out = parse_ok(R"({"data":"","headers":{"!#$%&'*+-.^_`|~09azAZ":"v"}})");
  EXPECT_EQ(out.headers.at(0).first, "!#$%&'*+-.^_`|~09azAZ");
}

TEST(WorkerOutputErrors, HeaderNameInErrorsIsSanitisedAndShortened) {
  const std::string long_name(100, ' ');
  const std::string error = parse_error(R"({"data":"","headers":{")" + long_name + R"(":"v"}})");
  EXPECT_THAT(error, HasSubstr("...\""));
  EXPECT_LT(error.size(), 120u);
  EXPECT_EQ(parse_error(R"({"data":"","headers":{"a\nb":"v"}})"),
            "\"headers\" has an invalid HTTP header name \"a?b\"");
}

TEST(WorkerOutputErrors, HeaderValuesWithCrLfOrNul) {
  for (const char* value : {"a\\r\\nInjected: 1", "a\\nb", "a\\rb", "a\\u0000b"}) {
    const std::string text = std::string(R"({"data":"","headers":{"x-v":")") + value + R"("}})";
    EXPECT_EQ(parse_error(text), "\"headers\" value for \"x-v\" contains CR, LF or NUL") << value;
    const std::string in_array = std::string(R"({"data":"","headers":{"set-cookie":["ok",")") + value + R"("]}})";
    EXPECT_EQ(parse_error(in_array), "\"headers\" value for \"set-cookie\" contains CR, LF or NUL") << value;
  }
}

TEST(WorkerOutputErrors, Kv) {
  EXPECT_EQ(parse_error(R"({"data":"","kv":{"counter":1}})"),
            "\"kv\" value for key \"counter\" must be a string, got 1");
  EXPECT_EQ(parse_error(R"({"data":"","kv":{"a":"1","b":null}})"),
            "\"kv\" value for key \"b\" must be a string, got null");
  EXPECT_EQ(parse_error(R"({"data":"","kv":{"o":{}}})"), "\"kv\" value for key \"o\" must be a string, got an object");
  EXPECT_EQ(parse_error(R"({"data":"","kv":[]})"), "\"kv\" must be an object of strings, got an array");
  EXPECT_EQ(parse_error(R"({"data":"","kv":"x"})"), "\"kv\" must be an object of strings, got a string");
}

TEST(WorkerOutput, KvOpsInOrder) {
  auto out = parse_ok(R"({"data":"","kv":{"a":"1"},"kv_ops":[
      {"op":"incr","key":"hits"},{"op":"incr","key":"n","by":-5,"ttl_ms":60000},
      {"op":"cas","key":"lock","expect":null,"value":"me"},{"op":"cas","key":"lock","expect":"me","value":null},
      {"op":"expire","key":"s","ttl_ms":0},{"op":"set","key":"t","value":"v","ttl_ms":10},{"op":"delete","key":"d"}]})");
  ASSERT_EQ(out.kv_ops.size(), 7u);
  EXPECT_EQ(out.kv_ops[0].kind, kv::OpKind::Increment);
  EXPECT_EQ(out.kv_ops[0].delta, 1);  // "by" defaults to 1
  EXPECT_EQ(out.kv_ops[1].delta, -5);
  EXPECT_EQ(out.kv_ops[1].ttl_ms, 60000);
  EXPECT_EQ(out.kv_ops[2].kind, kv::OpKind::CompareAndSwap);
  EXPECT_EQ(out.kv_ops[2].expected, std::nullopt);
  EXPECT_EQ(out.kv_ops[2].value, "me");
  EXPECT_EQ(out.kv_ops[3].expected, "me");
  EXPECT_EQ(out.kv_ops[3].value, std::nullopt);
  EXPECT_EQ(out.kv_ops[4].kind, kv::OpKind::Expire);
  EXPECT_EQ(out.kv_ops[5].kind, kv::OpKind::Set);
  EXPECT_EQ(out.kv_ops[5].value, "v");
  EXPECT_EQ(out.kv_ops[6].kind, kv::OpKind::Delete);
  EXPECT_TRUE(parse_ok(R"({"data":"","kv_ops":null})").kv_ops.empty());
}

TEST(WorkerOutputErrors, KvOps) {
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":{}})"), "\"kv_ops\" must be an array of operations, got an object");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[1]})"), "\"kv_ops\"[0] must be an object, got 1");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[{"key":"k"}]})"),
            "\"kv_ops\"[0] needs \"op\": \"incr\", \"cas\", \"expire\", \"set\" or \"delete\"");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[{"op":"incr"}]})"), "\"kv_ops\"[0] needs \"key\" (a string)");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[{"op":"incr","key":"k"},{"op":"incr","key":"k","by":1.5}]})"),
            "\"kv_ops\"[1] \"by\" must be a 64-bit integer, got 1.5");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[{"op":"cas","key":"k","value":"v"}]})"),
            "\"kv_ops\"[0] needs \"expect\" (a string, or null)");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[{"op":"set","key":"k"}]})"),
            "\"kv_ops\"[0] needs \"value\" (a string)");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[{"op":"swap","key":"k"}]})"),
            "\"kv_ops\"[0] has an unknown \"op\" \"swap\"; use incr, cas, expire, set or delete");
  EXPECT_EQ(parse_error(R"({"data":"","kv_ops":[],"kv_ops":[]})"), "the \"kv_ops\" field appears twice");
}

TEST(WorkerOutputErrors, Base64Flag) {
  EXPECT_EQ(parse_error(R"({"data":"","base64":"true"})"), "\"base64\" must be true or false, got a string");
  EXPECT_EQ(parse_error(R"({"data":"","base64":1})"), "\"base64\" must be true or false, got 1");
  const std::string bad = "\"data\" is not valid base64 (standard alphabet, with padding) but \"base64\" is true";
  EXPECT_EQ(parse_error(R"({"data":"not base64!","base64":true})"), bad);
  EXPECT_EQ(parse_error(R"({"data":"AP8","base64":true})"), bad);   // missing padding
  EXPECT_EQ(parse_error(R"({"data":"AP-_","base64":true})"), bad);  // URL-safe alphabet
}

TEST(WorkerOutputErrors, DuplicateKnownField) {
  EXPECT_EQ(parse_error(R"({"data":"a","data":"b"})"), "the \"data\" field appears twice");
  EXPECT_EQ(parse_error(R"({"data":"a","status":200,"status":201})"), "the \"status\" field appears twice");
  EXPECT_EQ(parse_error(R"({"data":"a","kv":{},"kv":{}})"), "the \"kv\" field appears twice");
  EXPECT_TRUE(parse_ok(R"({"data":"a","other":1,"other":2})").body == "a");
}

// ---------- base64 and UTF-8 ----------

TEST(WorkerBase64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
  EXPECT_EQ(base64_encode("\xfb\xff\xbf"), "+/+/");
}

TEST(WorkerBase64, RoundTripsEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= bytes.size(); ++len) {
    const std::string part = bytes.substr(bytes.size() - len);
    EXPECT_EQ(base64_decode(base64_encode(part)), part) << len;
  }
}

TEST(WorkerBase64, RejectsMalformed) {
  for (const char* bad :
       {"A", "AB", "ABC", "ABCDE", "====", "A===", "AB=C", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v=", "Zg=\0"}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
  EXPECT_FALSE(base64_decode("Zm\0v"s));
}

TEST(WorkerUtf8, ForwardsTheStrictCheck) {
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
}

}  // namespace
}  // namespace wws::worker
