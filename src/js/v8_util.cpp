#include "js/v8_util.h"

namespace wws::js {

std::string describe_exception(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> exception) {
  if (exception.IsEmpty()) return "unknown error";
  v8::TryCatch guard(isolate);  // a throwing toString or stack getter must not escape
  if (exception->IsObject()) {
    v8::Local<v8::Value> stack;
    if (exception.As<v8::Object>()->Get(context, v8_str(isolate, "stack")).ToLocal(&stack) && stack->IsString()) {
      std::string text = to_std(isolate, stack);
      if (!text.empty()) return text;
    }
  }
  v8::Local<v8::String> text;
  if (exception->ToString(context).ToLocal(&text)) return to_std(isolate, text);
  return "an exception that cannot be shown as text";
}

}  // namespace wws::js
