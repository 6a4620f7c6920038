// Small V8 helpers shared by the JS runtime: strings both ways and readable exception text.
#pragma once
#include <string>
#include <string_view>

#include <v8.h>

namespace wws::js {

inline v8::Local<v8::String> v8_str(v8::Isolate* isolate, std::string_view s) {
  return v8::String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, static_cast<int>(s.size()))
      .ToLocalChecked();
}

inline std::string to_std(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value.IsEmpty()) return {};
  v8::String::Utf8Value text(isolate, value);
  return *text ? std::string(*text, text.length()) : std::string();
}

// "<Error>: <message>" plus the stack trace when the value is an Error with one; for other thrown
// values their string form.
std::string describe_exception(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> exception);

// Throws a JS TypeError with `message` in the current context.
inline void throw_type_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8_str(isolate, message)));
}

}  // namespace wws::js
