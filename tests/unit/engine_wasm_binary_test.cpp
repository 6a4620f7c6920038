// The LEB128 reader under modules' hostile bytes (found by tests/fuzz wasm_module): encodings
// longer than their type allows are refused, never shifted past 64 bits.
#include <gtest/gtest.h>

#include <vector>

#include "engine/module_info.h"
#include "engine/wasm_binary.h"

namespace wws::engine::wasm {
namespace {

uint64_t read(std::vector<uint8_t> bytes, unsigned bits, bool* ok) {
  Reader r(bytes);
  const uint64_t v = r.leb(bits);
  *ok = r.ok();
  return v;
}

TEST(WasmLeb, LongestValidEncodingsAreRead) {
  bool ok = false;
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0x0f}, 32, &ok), 0xffffffffu);
  EXPECT_TRUE(ok);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 64, &ok), UINT64_MAX);
  EXPECT_TRUE(ok);
  EXPECT_EQ(read({0x80, 0x80, 0x00}, 32, &ok), 0u);  // padded, still valid
  EXPECT_TRUE(ok);
}

TEST(WasmLeb, TooLongEncodingsAreRefused) {
  bool ok = true;
  read({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, &ok);  // 6 bytes for a u32
  EXPECT_FALSE(ok);
  read(std::vector<uint8_t>(10, 0xc4), 64, &ok);  // never ends within 10 bytes
  EXPECT_FALSE(ok);
  std::vector<uint8_t> eleven(10, 0x80);
  eleven.push_back(0x00);
  read(eleven, 64, &ok);  // an 11th byte would be shifted by 70
  EXPECT_FALSE(ok);
}

// The module the fuzzer found: a memory section whose limits are an endless LEB.
TEST(WasmLeb, FuzzerFoundMemoryLimitsAreARefusalNotUndefinedBehaviour) {
  std::vector<uint8_t> wasm = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x13, 0x02};
  wasm.insert(wasm.end(), 16, 0xc4);
  wasm.push_back(0x08);
  std::string error;
  EXPECT_FALSE(inspect_module(wasm, &error));
  EXPECT_FALSE(error.empty());
}

// Also found by the fuzzer: an import section with bytes after its declared entries parsed, and
// import_memory appended wws.memory after those bytes, giving a module that no longer parsed.
// (Engines inspect a module before rewriting it: check_module refuses it first.)
TEST(WasmSections, BytesAfterTheDeclaredImportsOrExportsAreRefused) {
  const std::vector<uint8_t> header = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto module = [&](std::vector<uint8_t> sections) {
    std::vector<uint8_t> w = header;
    w.insert(w.end(), sections.begin(), sections.end());
    return w;
  };
  std::string error;
  // import section: 0 entries, then 3 stray bytes; a memory section (min 1)
  EXPECT_FALSE(inspect_module(module({0x02, 0x04, 0x00, 0x50, 0x50, 0x50, 0x05, 0x03, 0x01, 0x00, 0x01}), &error));
  // export section: 0 entries, then a stray byte
  EXPECT_FALSE(inspect_module(module({0x07, 0x02, 0x00, 0x00}), &error));
  // the same without the stray bytes is fine, and import_memory's output parses
  auto clean = module({0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01});
  ASSERT_TRUE(inspect_module(clean, &error)) << error;
  auto imported = import_memory(clean, 256, &error);
  ASSERT_TRUE(imported) << error;
  EXPECT_TRUE(inspect_module(*imported, &error)) << error;
}

}  // namespace
}  // namespace wws::engine::wasm
