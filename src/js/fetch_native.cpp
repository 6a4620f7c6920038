#include "js/fetch_native.h"

#include <string>
#include <string_view>

#include "http/client.h"
#include "js/limited_allocator.h"
#include "js/v8_util.h"
#include "util/blocking.h"

namespace wws::js {
namespace {

using Clock = std::chrono::steady_clock;

// The tags of the original JS kit's rejections ("[Not allowed] The host ...").
std::string_view error_tag(http::OutboundError error) {
  switch (error) {
    case http::OutboundError::InvalidRequest: return "Invalid request";
    case http::OutboundError::InvalidRequestBody: return "Invalid request body";
    case http::OutboundError::InvalidResponseBody: return "Invalid response body";
    case http::OutboundError::NotAllowed: return "Not allowed";
    case http::OutboundError::InternalError: return "Internal error";
    case http::OutboundError::Timeout: return "Timeout";
    case http::OutboundError::RedirectLoop: return "Redirect loop";
  }
  return "Internal error";
}

void throw_error(v8::Isolate* isolate, http::OutboundError error, std::string_view message) {
  std::string text = "[" + std::string(error_tag(error)) + "] " + std::string(message);
  isolate->ThrowException(v8::Exception::Error(v8_str(isolate, text)));
}

bool read_header_pairs(v8::Isolate* isolate, v8::Local<v8::Value> value,
                       std::vector<std::pair<std::string, std::string>>& out) {
  if (value->IsNullOrUndefined()) return true;
  if (!value->IsArray()) return false;
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  auto list = value.As<v8::Array>();
  for (uint32_t i = 0; i < list->Length(); ++i) {
    v8::Local<v8::Value> pair, name, val;
    if (!list->Get(context, i).ToLocal(&pair) || !pair->IsArray() || pair.As<v8::Array>()->Length() != 2) return false;
    if (!pair.As<v8::Array>()->Get(context, 0).ToLocal(&name) || !pair.As<v8::Array>()->Get(context, 1).ToLocal(&val))
      return false;
    if (!name->IsString() || !val->IsString()) return false;
    out.emplace_back(to_std(isolate, name), to_std(isolate, val));
  }
  return true;
}

bool read_body(v8::Local<v8::Value> value, std::string& out) {
  if (value->IsNullOrUndefined()) return true;
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    out.resize(view->ByteLength());
    if (!out.empty()) view->CopyContents(out.data(), out.size());
    return true;
  }
  if (value->IsArrayBuffer()) {
    auto buffer = value.As<v8::ArrayBuffer>();
    out.assign(static_cast<const char*>(buffer->Data()), buffer->ByteLength());
    return true;
  }
  return false;
}

// The body counts against the worker's memory limit like any ArrayBuffer: a response past it
// is a RangeError in the worker.
v8::MaybeLocal<v8::Uint8Array> body_bytes(v8::Isolate* isolate, std::string_view bytes) {
  v8::Local<v8::ArrayBuffer> buffer;
  if (!copy_to_array_buffer(isolate, bytes).ToLocal(&buffer)) return {};
  return v8::Uint8Array::New(buffer, 0, bytes.size());
}

void native_fetch(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  auto* target = static_cast<FetchTarget*>(info.Data().As<v8::External>()->Value());
  if (!info[0]->IsString() || !info[1]->IsString())
    return throw_type_error(isolate, "fetch: expected (method, url, headerPairs, body)");
  http::OutboundRequest request;
  request.method = to_std(isolate, info[0]);
  request.uri = to_std(isolate, info[1]);
  if (!read_header_pairs(isolate, info[2], request.headers))
    return throw_type_error(isolate, "fetch: the headers must be an array of [name, value] string pairs");
  if (!read_body(info[3], request.body)) return throw_type_error(isolate, "fetch: the body must be bytes or null");

  // Without permissions the defaults apply: no allowed host, so every request is refused.
  static const config::HttpRequestsFeature kNothingAllowed;
  const config::HttpRequestsFeature& permissions = target->permissions ? *target->permissions : kNothingAllowed;
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(target->deadline - Clock::now());
  if (remaining.count() <= 0)
    return throw_error(isolate, http::OutboundError::Timeout, "the worker's time limit was reached");
  if (!util::begin_blocking_wait()) {  // on an I/O thread: stop the run, it is redone on the run pool
    isolate->TerminateExecution();
    return;
  }
  http::OutboundResponse response = http::send_outbound(permissions, request, remaining);
  if (!response.ok) return throw_error(isolate, response.error, response.message);

  v8::Local<v8::Array> headers = v8::Array::New(isolate, static_cast<int>(response.headers.size()));
  for (size_t i = 0; i < response.headers.size(); ++i) {
    v8::Local<v8::Value> pair[] = {v8_str(isolate, response.headers[i].first),
                                   v8_str(isolate, response.headers[i].second)};
    if (headers->Set(context, static_cast<uint32_t>(i), v8::Array::New(isolate, pair, 2)).IsNothing()) return;
  }
  v8::Local<v8::Uint8Array> body;
  if (!body_bytes(isolate, response.body).ToLocal(&body)) return;
  std::string().swap(response.body);
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  if (out->Set(context, v8_str(isolate, "status"), v8::Integer::New(isolate, response.status)).IsNothing() ||
      out->Set(context, v8_str(isolate, "headers"), headers).IsNothing() ||
      out->Set(context, v8_str(isolate, "url"), v8_str(isolate, response.url)).IsNothing() ||
      out->Set(context, v8_str(isolate, "redirected"), v8::Boolean::New(isolate, response.redirected)).IsNothing() ||
      out->Set(context, v8_str(isolate, "body"), body).IsNothing())
    return;
  info.GetReturnValue().Set(out);
}

}  // namespace

void add_fetch_native(v8::Isolate* isolate, v8::Local<v8::ObjectTemplate> natives, FetchTarget* target) {
  natives->Set(v8_str(isolate, "fetch"),
               v8::FunctionTemplate::New(isolate, native_fetch, v8::External::New(isolate, target), {}, 0,
                                         v8::ConstructorBehavior::kThrow));
}

}  // namespace wws::js
