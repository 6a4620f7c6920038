// Every wasm engine of the process, made once at start-up, and the one that serves .wasm
// workers unless a worker's TOML picks another ([wasm] engine). JS always runs on V8.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "engine/engine.h"

namespace wws::engine {

struct EngineSet {
  std::unique_ptr<Engine> wasmtime;
  std::unique_ptr<Engine> v8;
  Engine* default_wasm = nullptr;

  // The engine called `name` ("wasmtime", "v8"), or null.
  Engine* find(std::string_view name) const {
    if (wasmtime && name == wasmtime->name()) return wasmtime.get();
    if (v8 && name == v8->name()) return v8.get();
    return nullptr;
  }
};

// Names accepted by --engine and [wasm] engine.
constexpr std::string_view kEngineNames = "wasmtime, v8";

}  // namespace wws::engine
