// Tests for kv/json: string escaping, UTF-8 validation and map serialisation.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "json_test_support.h"
#include "kv/json.h"

namespace wws::kv::json {
namespace {

using namespace std::string_literals;

std::string escaped(std::string_view s) {
  std::string out;
  append_escaped(out, s);
  return out;
}

// Parses `json` as a JSON string literal with RapidJSON and returns its bytes.
std::string reparse_string(const std::string& literal) {
  rapidjson::Document doc;
  wws::test::parse_json(doc, literal);
  EXPECT_FALSE(doc.HasParseError()) << literal;
  if (doc.HasParseError() || !doc.IsString()) return "<invalid>";
  return {doc.GetString(), doc.GetStringLength()};
}

TEST(KvJsonEscape, PlainTextIsCopied) { EXPECT_EQ(escaped("hello world /path?x=1"), "hello world /path?x=1"); }

TEST(KvJsonEscape, QuoteAndBackslash) { EXPECT_EQ(escaped(R"(a"b\c)"), R"(a\"b\\c)"); }

TEST(KvJsonEscape, ShortControlEscapes) { EXPECT_EQ(escaped("\b\f\n\r\t"), R"(\b\f\n\r\t)"); }

TEST(KvJsonEscape, OtherControlCharsUseUnicodeEscapes) {
  EXPECT_EQ(escaped("\x01\x1f"), R"(\u0001\u001f)");
  EXPECT_EQ(escaped("a\0b"s), R"(a\u0000b)");
  EXPECT_EQ(escaped("\x7f"), "\x7f");  // DEL is allowed raw in JSON
}

TEST(KvJsonEscape, EveryByteBelow0x20IsEscaped) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string e = escaped(std::string(1, static_cast<char>(c)));
    EXPECT_EQ(e[0], '\\') << c;
    EXPECT_EQ(reparse_string("\"" + e + "\""), std::string(1, static_cast<char>(c))) << c;
  }
}

TEST(KvJsonEscape, ValidUtf8IsCopied) {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf";
  EXPECT_EQ(escaped(text), text);
}

TEST(KvJsonEscape, InvalidBytesAreReadAsLatin1) {
  EXPECT_EQ(escaped("caf\xe9"), "caf\xc3\xa9");
  EXPECT_EQ(escaped("\xff\x80"), "\xc3\xbf\xc2\x80");
  // Valid sequences next to invalid bytes are kept.
  EXPECT_EQ(escaped("\xe9\xc3\xa9"), "\xc3\xa9\xc3\xa9");
  EXPECT_TRUE(is_valid_utf8(escaped("\xed\xa0\x80\xc0\xaf\xf8")));
}

TEST(KvJsonEscape, StrictVariantStopsAtInvalidUtf8) {
  std::string out;
  EXPECT_TRUE(append_escaped_utf8(out, "ok \xc3\xa9 \"q\""));
  EXPECT_EQ(out, "ok \xc3\xa9 \\\"q\\\"");
  out.clear();
  EXPECT_FALSE(append_escaped_utf8(out, "ok \xe9"));
  out.clear();
  EXPECT_FALSE(append_escaped_utf8(out, "\xc3"));  // truncated sequence
}

TEST(KvJsonEscape, RoundTripsArbitraryUtf8ThroughRapidJson) {
  std::string text;
  for (int c = 0; c < 0x80; ++c) text.push_back(static_cast<char>(c));
  text += "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  EXPECT_EQ(reparse_string("\"" + escaped(text) + "\""), text);
}

TEST(KvUtf8, AcceptsWellFormed) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("\0"s));
  EXPECT_TRUE(is_valid_utf8("\xc2\x80"));          // U+0080
  EXPECT_TRUE(is_valid_utf8("\xdf\xbf"));          // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xe0\xa0\x80"));      // U+0800
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));      // U+E000
  EXPECT_TRUE(is_valid_utf8("\xf0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(
      is_valid_utf8("12345678\xc3\xa9"
                    "abcdefgh"));
}

TEST(KvUtf8, RejectsMalformed) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x9f\xbf"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));      // U+DFFF surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));                  // truncated
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xc3\x28"));              // bad continuation
  EXPECT_FALSE(is_valid_utf8("abcdefghijklmnop\xff"));  // after the ASCII fast path
}

TEST(KvUtf8, SequenceLength) {
  const auto len = [](std::string_view s) {
    return utf8_sequence_length(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  EXPECT_EQ(len("a"), 1u);
  EXPECT_EQ(len("\xc3\xa9x"), 2u);
  EXPECT_EQ(len("\xe2\x82\xac"), 3u);
  EXPECT_EQ(len("\xf0\x9f\x98\x80"), 4u);
  EXPECT_EQ(len(""), 0u);
  EXPECT_EQ(len("\xf0\x9f\x98"), 0u);
}

TEST(KvJsonSerialise, EmptyMap) { EXPECT_EQ(serialise({}), "{}"); }

TEST(KvJsonSerialise, KeysInOrderAndEscaped) {
  Map map{{"b", "2"}, {"a", "say \"hi\"\n"}, {"k\0ey"s, "v\0al"s}};
  const std::string json = serialise(map);
  EXPECT_EQ(json, "{\"a\":\"say \\\"hi\\\"\\n\",\"b\":\"2\",\"k\\u0000ey\":\"v\\u0000al\"}");
  rapidjson::Document doc;
  wws::test::parse_json(doc, json);
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_EQ(doc.MemberCount(), 3u);
  const auto& v = doc["k\0ey"s];  // RapidJSON looks up by length, embedded NUL included
  EXPECT_EQ(std::string(v.GetString(), v.GetStringLength()), "v\0al"s);
}

}  // namespace
}  // namespace wws::kv::json
