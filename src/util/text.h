// util/: small text checks shared by several concerns (HTTP, routing, the worker protocol,
// K/V JSON, JS natives), kept in one place so they cannot drift apart.
#pragma once
#include <cstddef>
#include <string_view>

namespace wws::util {

// Length of the well-formed UTF-8 sequence at p (1-4), or 0 if it is not one: overlong forms,
// UTF-16 surrogates and code points past U+10FFFF are rejected.
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t remaining);

bool is_valid_utf8(std::string_view bytes);

// An RFC 9110 token character (header names, methods).
bool is_http_token_char(unsigned char c);
bool is_http_token(std::string_view s);

}  // namespace wws::util
