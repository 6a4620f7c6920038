#include "js/kv_overlay.h"

#include "js/v8_util.h"

namespace wws::js {
namespace {

KvOverlay& overlay_of(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return *static_cast<KvOverlay*>(info.Data().As<v8::External>()->Value());
}

// Keys are converted to strings (as property keys would be); false if that threw.
bool key_of(const v8::FunctionCallbackInfo<v8::Value>& info, std::string* key) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || info[0]->IsUndefined() || info[0]->IsNull()) {
    throw_type_error(isolate, "Cache: a key is required");
    return false;
  }
  v8::Local<v8::String> text;
  if (!info[0]->ToString(isolate->GetCurrentContext()).ToLocal(&text)) return false;
  *key = to_std(isolate, text);
  return true;
}

void throw_over_limit(v8::Isolate* isolate, std::string_view what) {
  isolate->ThrowException(v8::Exception::RangeError(
      v8_str(isolate, std::string(what) + ": this request's K/V writes would go past the worker's memory limit")));
}

void cache_get(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::string key;
  if (!key_of(info, &key)) return;
  auto value = overlay_of(info).get(key);
  if (value)
    info.GetReturnValue().Set(v8_str(info.GetIsolate(), *value));
  else
    info.GetReturnValue().SetNull();
}

void cache_set(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string key;
  if (!key_of(info, &key)) return;
  if (!info[1]->IsString()) {
    std::string type = info[1]->IsNull() ? "null" : to_std(isolate, info[1]->TypeOf(isolate));
    return throw_type_error(isolate, "Cache.set: value must be a string, got " + type +
                                         " (store objects with JSON.stringify)");
  }
  if (!overlay_of(info).set(std::move(key), to_std(isolate, info[1]))) throw_over_limit(isolate, "Cache.set");
}

void cache_delete(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::string key;
  if (!key_of(info, &key)) return;
  if (!overlay_of(info).erase(std::move(key))) throw_over_limit(info.GetIsolate(), "Cache.delete");
}

}  // namespace

std::optional<std::string> KvOverlay::get(const std::string& key) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  if (snapshot_ && snapshot_->data) {
    auto found = snapshot_->data->find(key);
    if (found != snapshot_->data->end()) return found->second;
  }
  return std::nullopt;
}

bool KvOverlay::set(std::string key, std::optional<std::string> value) {
  auto it = writes_.find(key);
  const uint64_t old_bytes = it == writes_.end() ? 0 : key.size() + (it->second ? it->second->size() : 0);
  const uint64_t new_bytes = key.size() + (value ? value->size() : 0);
  if (bytes_ - old_bytes + new_bytes > byte_limit_ && new_bytes > old_bytes) return false;
  bytes_ = bytes_ - old_bytes + new_bytes;
  if (it == writes_.end())
    writes_.emplace(std::move(key), std::move(value));
  else
    it->second = std::move(value);
  return true;
}

std::vector<kv::Change> KvOverlay::changes() const {
  std::vector<kv::Change> out;
  out.reserve(writes_.size());
  for (const auto& [key, value] : writes_) out.push_back({key, value});
  return out;
}

v8::Local<v8::ObjectTemplate> make_cache_template(v8::Isolate* isolate, KvOverlay* overlay) {
  v8::Local<v8::ObjectTemplate> cache = v8::ObjectTemplate::New(isolate);
  v8::Local<v8::External> data = v8::External::New(isolate, overlay);
  auto add = [&](const char* name, v8::FunctionCallback fn, int length) {
    cache->Set(v8_str(isolate, name),
               v8::FunctionTemplate::New(isolate, fn, data, {}, length, v8::ConstructorBehavior::kThrow));
  };
  add("get", cache_get, 1);
  add("set", cache_set, 2);
  add("delete", cache_delete, 1);
  return cache;
}

}  // namespace wws::js
