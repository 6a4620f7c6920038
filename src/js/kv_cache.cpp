#include "js/kv_cache.h"

#include <cmath>

#include "js/v8_util.h"

namespace wws::js {
namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

constexpr size_t kDefaultListLimit = 1000;
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

kv::RunView* view_of(const Info& info) {
  auto* slot = static_cast<KvSlot*>(info.Data().As<v8::External>()->Value());
  if (!slot->view) throw_type_error(info.GetIsolate(), "Cache is only available while a request runs");
  return slot->view;
}

void throw_status(v8::Isolate* isolate, const char* function, const kv::Status& s) {
  auto message = v8_str(isolate, std::string(function) + ": " + s.message());
  switch (s.code()) {
    case kv::Code::Invalid: isolate->ThrowException(v8::Exception::TypeError(message)); break;
    case kv::Code::Quota:
    case kv::Code::NotANumber: isolate->ThrowException(v8::Exception::RangeError(message)); break;
    default: isolate->ThrowException(v8::Exception::Error(message));
  }
}

// Keys are converted to strings (as property keys would be); false if that threw.
bool key_of(const Info& info, const char* function, std::string* key) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || info[0]->IsUndefined() || info[0]->IsNull()) {
    throw_type_error(isolate, std::string(function) + ": a key is required");
    return false;
  }
  v8::Local<v8::String> text;
  if (!info[0]->ToString(isolate->GetCurrentContext()).ToLocal(&text)) return false;
  *key = to_std(isolate, text);
  return true;
}

// A string value, or null/undefined (nullopt) when `nullable`.
bool string_arg(const Info& info, int i, const char* function, const char* what, bool nullable,
                std::optional<std::string>* out) {
  v8::Isolate* isolate = info.GetIsolate();
  if (nullable && (info[i]->IsNull() || info[i]->IsUndefined())) return out->reset(), true;
  if (!info[i]->IsString()) {
    std::string type = info[i]->IsNull() ? "null" : to_std(isolate, info[i]->TypeOf(isolate));
    throw_type_error(isolate, std::string(function) + ": " + what + " must be a string" + (nullable ? " or null" : "") +
                                  ", got " + type + " (store objects with JSON.stringify)");
    return false;
  }
  *out = to_std(isolate, info[i]);
  return true;
}

// A whole number of milliseconds (a Number or BigInt), >= 0.
bool millis(v8::Isolate* isolate, v8::Local<v8::Value> v, const char* function, int64_t* out) {
  if (v->IsBigInt()) {
    bool lossless = true;
    *out = v.As<v8::BigInt>()->Int64Value(&lossless);
    if (lossless && *out >= 0) return true;
  } else if (v->IsNumber()) {
    double d = v.As<v8::Number>()->Value();
    if (std::isfinite(d) && d >= 0 && d <= static_cast<double>(kMaxSafeInteger) && d == std::floor(d)) {
      *out = static_cast<int64_t>(d);
      return true;
    }
  }
  throw_type_error(isolate, std::string(function) + ": ttl must be a whole number of milliseconds >= 0");
  return false;
}

// The `ttl` of an options object at info[i] (absent/undefined: 0).
bool ttl_option(const Info& info, int i, const char* function, int64_t* ttl) {
  *ttl = 0;
  if (info.Length() <= i || info[i]->IsUndefined() || info[i]->IsNull()) return true;
  v8::Isolate* isolate = info.GetIsolate();
  if (!info[i]->IsObject()) {
    throw_type_error(isolate, std::string(function) + ": options must be an object such as {ttl: 60000}");
    return false;
  }
  v8::Local<v8::Value> v;
  if (!info[i].As<v8::Object>()->Get(isolate->GetCurrentContext(), v8_str(isolate, "ttl")).ToLocal(&v)) return false;
  if (v->IsUndefined()) return true;
  return millis(isolate, v, function, ttl);
}

void cache_get(const Info& info) {
  kv::RunView* view = view_of(info);
  std::string key;
  if (!view || !key_of(info, "Cache.get", &key)) return;
  std::optional<std::string> value;
  if (kv::Status s = view->get(key, &value); !s) return throw_status(info.GetIsolate(), "Cache.get", s);
  if (value) info.GetReturnValue().Set(v8_str(info.GetIsolate(), *value));
  else info.GetReturnValue().SetNull();
}

void cache_set(const Info& info) {
  kv::RunView* view = view_of(info);
  std::string key;
  std::optional<std::string> value;
  int64_t ttl = 0;
  if (!view || !key_of(info, "Cache.set", &key) || !string_arg(info, 1, "Cache.set", "value", false, &value) ||
      !ttl_option(info, 2, "Cache.set", &ttl))
    return;
  if (kv::Status s = view->set(std::move(key), std::move(*value), ttl); !s)
    throw_status(info.GetIsolate(), "Cache.set", s);
}

void cache_delete(const Info& info) {
  kv::RunView* view = view_of(info);
  std::string key;
  if (!view || !key_of(info, "Cache.delete", &key)) return;
  if (kv::Status s = view->erase(std::move(key)); !s) throw_status(info.GetIsolate(), "Cache.delete", s);
}

void cache_increment(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  kv::RunView* view = view_of(info);
  std::string key;
  if (!view || !key_of(info, "Cache.increment", &key)) return;
  int64_t by = 1;
  bool big = false;
  if (info.Length() > 1 && !info[1]->IsUndefined()) {
    if (info[1]->IsBigInt()) {
      bool lossless = true;
      by = info[1].As<v8::BigInt>()->Int64Value(&lossless);
      big = true;
      if (!lossless) return throw_type_error(isolate, "Cache.increment: by must fit in 64 bits");
    } else {
      double d = info[1]->IsNumber() ? info[1].As<v8::Number>()->Value() : NAN;
      if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > static_cast<double>(kMaxSafeInteger))
        return throw_type_error(isolate, "Cache.increment: by must be a safe integer or a BigInt");
      by = static_cast<int64_t>(d);
    }
  }
  int64_t ttl = 0;
  if (!ttl_option(info, 2, "Cache.increment", &ttl)) return;
  int64_t value = 0;
  if (kv::Status s = view->increment(key, by, ttl, &value); !s) return throw_status(isolate, "Cache.increment", s);
  if (big || value > kMaxSafeInteger || value < -kMaxSafeInteger)
    info.GetReturnValue().Set(v8::BigInt::New(isolate, value));
  else info.GetReturnValue().Set(v8::Number::New(isolate, static_cast<double>(value)));
}

void cache_compare_and_swap(const Info& info) {
  kv::RunView* view = view_of(info);
  std::string key;
  std::optional<std::string> expected, value;
  int64_t ttl = 0;
  if (!view || !key_of(info, "Cache.compareAndSwap", &key) ||
      !string_arg(info, 1, "Cache.compareAndSwap", "expected", true, &expected) ||
      !string_arg(info, 2, "Cache.compareAndSwap", "value", true, &value) ||
      !ttl_option(info, 3, "Cache.compareAndSwap", &ttl))
    return;
  bool swapped = false;
  if (kv::Status s = view->compare_and_swap(key, std::move(expected), std::move(value), ttl, &swapped); !s)
    return throw_status(info.GetIsolate(), "Cache.compareAndSwap", s);
  info.GetReturnValue().Set(swapped);
}

void cache_expire(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  kv::RunView* view = view_of(info);
  std::string key;
  int64_t ttl = 0;
  if (!view || !key_of(info, "Cache.expire", &key)) return;
  if (info.Length() < 2) return throw_type_error(isolate, "Cache.expire: a ttl in milliseconds is required");
  if (!millis(isolate, info[1], "Cache.expire", &ttl)) return;
  bool existed = false;
  if (kv::Status s = view->expire(key, ttl, &existed); !s) return throw_status(isolate, "Cache.expire", s);
  info.GetReturnValue().Set(existed);
}

struct ListOptions {
  std::string prefix;
  std::string after;
  size_t limit = kDefaultListLimit;
};

// Reads Cache.list's options object ({prefix, after, limit}, each optional) into `out`; false
// when it is malformed (a TypeError is then pending) or a getter threw.
bool list_options(const Info& info, ListOptions* out) {
  if (info.Length() == 0 || info[0]->IsUndefined() || info[0]->IsNull()) return true;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (!info[0]->IsObject()) {
    throw_type_error(isolate, "Cache.list: options must be an object such as {prefix: \"user:\"}");
    return false;
  }
  auto options = info[0].As<v8::Object>();
  for (auto [name, field] : {std::pair{"prefix", &out->prefix}, std::pair{"after", &out->after}}) {
    v8::Local<v8::Value> v;
    if (!options->Get(context, v8_str(isolate, name)).ToLocal(&v)) return false;
    if (v->IsUndefined()) continue;
    if (!v->IsString()) {
      throw_type_error(isolate, std::string("Cache.list: ") + name + " must be a string");
      return false;
    }
    *field = to_std(isolate, v);
  }
  v8::Local<v8::Value> v;
  if (!options->Get(context, v8_str(isolate, "limit")).ToLocal(&v)) return false;
  if (v->IsUndefined()) return true;
  double d = v->IsNumber() ? v.As<v8::Number>()->Value() : -1;
  if (!(d >= 1 && d <= 1e9) || d != std::floor(d)) {
    throw_type_error(isolate, "Cache.list: limit must be a whole number from 1");
    return false;
  }
  out->limit = static_cast<size_t>(d);
  return true;
}

void cache_list(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  kv::RunView* view = view_of(info);
  ListOptions options;
  if (!view || !list_options(info, &options)) return;
  std::vector<std::string> keys;
  if (kv::Status s = view->list(options.prefix, options.after, options.limit, &keys); !s)
    return throw_status(isolate, "Cache.list", s);
  v8::Local<v8::Array> array = v8::Array::New(isolate, static_cast<int>(keys.size()));
  for (size_t i = 0; i < keys.size(); ++i)
    if (array->Set(context, static_cast<uint32_t>(i), v8_str(isolate, keys[i])).IsNothing()) return;
  info.GetReturnValue().Set(array);
}

}  // namespace

v8::Local<v8::ObjectTemplate> make_cache_template(v8::Isolate* isolate, KvSlot* slot) {
  v8::Local<v8::ObjectTemplate> cache = v8::ObjectTemplate::New(isolate);
  v8::Local<v8::External> data = v8::External::New(isolate, slot);
  auto add = [&](const char* name, v8::FunctionCallback fn, int length) {
    cache->Set(v8_str(isolate, name),
               v8::FunctionTemplate::New(isolate, fn, data, {}, length, v8::ConstructorBehavior::kThrow));
  };
  add("get", cache_get, 1);
  add("set", cache_set, 2);
  add("delete", cache_delete, 1);
  add("increment", cache_increment, 1);
  add("compareAndSwap", cache_compare_and_swap, 3);
  add("expire", cache_expire, 2);
  add("list", cache_list, 0);
  return cache;
}

}  // namespace wws::js
