#include "js/natives.h"
#include "util/text.h"

#include <sys/random.h>

#include <cstring>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "js/limited_allocator.h"
#include "js/v8_util.h"

namespace wws::js {
namespace {

constexpr size_t kMaxRandomBytes = 65536;  // the Web's getRandomValues quota

// The bytes a Uint8Array (or any ArrayBufferView / ArrayBuffer) covers; false if it is neither.
bool view_bytes(v8::Local<v8::Value> value, unsigned char** data, size_t* size) {
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    auto buffer = view->Buffer();
    *data = static_cast<unsigned char*>(buffer->Data()) + view->ByteOffset();
    *size = view->ByteLength();
    return true;
  }
  if (value->IsArrayBuffer()) {
    auto buffer = value.As<v8::ArrayBuffer>();
    *data = static_cast<unsigned char*>(buffer->Data());
    *size = buffer->ByteLength();
    return true;
  }
  return false;
}

void native_log(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto* target = static_cast<LogTarget*>(info.Data().As<v8::External>()->Value());
  std::string level = to_std(isolate, info[0]);
  std::string message = to_std(isolate, info[1]);
  auto lvl = level == "error"   ? spdlog::level::err
             : level == "warn"  ? spdlog::level::warn
             : level == "debug" ? spdlog::level::debug
                                : spdlog::level::info;
  const auto shown = target->budget.admit(message);
  if (!shown) return;
  if (shown->size() < message.size())
    spdlog::log(lvl, "[{}] {}... ({} bytes)", target->worker_name, *shown, message.size());
  else spdlog::log(lvl, "[{}] {}", target->worker_name, message);
}

void native_random_fill(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  unsigned char* data;
  size_t size;
  if (!info[0]->IsArrayBufferView() || !view_bytes(info[0], &data, &size))
    return throw_type_error(isolate, "randomFill: expected a typed array");
  if (size > kMaxRandomBytes) return throw_type_error(isolate, "randomFill: at most 65536 bytes at a time");
  size_t done = 0;
  while (done < size) {
    ssize_t n = getrandom(data + done, size - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return throw_type_error(isolate, "randomFill: the system has no randomness available");
    }
    done += static_cast<size_t>(n);
  }
  info.GetReturnValue().Set(info[0]);
}

void native_digest(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string name = to_std(isolate, info[0]);
  const EVP_MD* md = name == "SHA-1"     ? EVP_sha1()
                     : name == "SHA-256" ? EVP_sha256()
                     : name == "SHA-384" ? EVP_sha384()
                     : name == "SHA-512" ? EVP_sha512()
                                         : nullptr;
  if (!md)
    return throw_type_error(isolate,
                            "digest: unsupported algorithm \"" + name + "\" (SHA-1, SHA-256, SHA-384, SHA-512)");
  unsigned char* data;
  size_t size;
  if (!view_bytes(info[1], &data, &size)) return throw_type_error(isolate, "digest: expected bytes");
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_size = 0;
  if (!EVP_Digest(data, size, out, &out_size, md, nullptr)) return throw_type_error(isolate, "digest: failed");
  v8::Local<v8::ArrayBuffer> buffer;
  if (!copy_to_array_buffer(isolate, std::string_view(reinterpret_cast<const char*>(out), out_size)).ToLocal(&buffer))
    return;
  info.GetReturnValue().Set(buffer);
}

void native_utf8_encode(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::String> text;
  if (!info[0]->ToString(isolate->GetCurrentContext()).ToLocal(&text)) return;
  int length = text->Utf8Length(isolate);
  v8::Local<v8::ArrayBuffer> buffer;
  if (!new_array_buffer(isolate, static_cast<size_t>(length)).ToLocal(&buffer)) return;  // a RangeError
  text->WriteUtf8(isolate, static_cast<char*>(buffer->Data()), length, nullptr,
                  v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, static_cast<size_t>(length)));
}

void native_utf8_decode(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  unsigned char* data;
  size_t size;
  if (!view_bytes(info[0], &data, &size)) return throw_type_error(isolate, "utf8Decode: expected bytes");
  bool fatal = info[1]->BooleanValue(isolate);
  if (fatal && !util::is_valid_utf8(std::string_view(reinterpret_cast<const char*>(data), size)))
    return throw_type_error(isolate, "The encoded data was not valid utf-8");
  if (size > static_cast<size_t>(v8::String::kMaxLength))
    return throw_type_error(isolate, "utf8Decode: the text is too long for a string");
  v8::Local<v8::String> text;
  // V8 turns invalid sequences into U+FFFD, as the Web's non-fatal decoder does.
  if (!v8::String::NewFromUtf8(isolate, reinterpret_cast<const char*>(data), v8::NewStringType::kNormal,
                               static_cast<int>(size))
           .ToLocal(&text))
    return throw_type_error(isolate, "utf8Decode: the text is too long for a string");
  info.GetReturnValue().Set(text);
}

void native_structured_clone(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::ValueSerializer serializer(isolate);
  serializer.WriteHeader();
  if (!serializer.WriteValue(context, info[0]).FromMaybe(false)) return;  // it threw a DataCloneError
  std::pair<uint8_t*, size_t> bytes = serializer.Release();
  std::unique_ptr<uint8_t, void (*)(void*)> owned(bytes.first, std::free);
  v8::ValueDeserializer deserializer(isolate, bytes.first, bytes.second);
  if (!deserializer.ReadHeader(context).FromMaybe(false)) return;
  v8::Local<v8::Value> copy;
  if (deserializer.ReadValue(context).ToLocal(&copy)) info.GetReturnValue().Set(copy);
}

void add(v8::Isolate* isolate, v8::Local<v8::ObjectTemplate> target, const char* name, v8::FunctionCallback fn,
         v8::Local<v8::Value> data = {}) {
  target->Set(v8_str(isolate, name),
              v8::FunctionTemplate::New(isolate, fn, data, {}, 0, v8::ConstructorBehavior::kThrow));
}

}  // namespace

v8::Local<v8::ObjectTemplate> make_native_template(v8::Isolate* isolate, LogTarget* log_target) {
  v8::Local<v8::ObjectTemplate> natives = v8::ObjectTemplate::New(isolate);
  add(isolate, natives, "log", native_log, v8::External::New(isolate, log_target));
  add(isolate, natives, "randomFill", native_random_fill);
  add(isolate, natives, "digest", native_digest);
  add(isolate, natives, "utf8Encode", native_utf8_encode);
  add(isolate, natives, "utf8Decode", native_utf8_decode);
  add(isolate, natives, "structuredClone", native_structured_clone);
  return natives;
}

}  // namespace wws::js
