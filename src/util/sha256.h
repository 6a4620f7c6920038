// SHA-256 as lower-case hex: worker ids (the original's management API ids) and cache keys.
#pragma once
#include <string>
#include <string_view>

namespace wws::util {

std::string sha256_hex(std::string_view data);

}  // namespace wws::util
