// The wasm fixtures of the unit tests (tests/unit/wasm/*.wat, built into WWS_UNIT_WASM), read by name.
#pragma once
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace wws::test {

inline std::vector<uint8_t> fixture(const std::string& name) {
  std::ifstream in(std::string(WWS_UNIT_WASM) + "/" + name + ".wasm", std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace wws::test
