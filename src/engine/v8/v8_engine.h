// The V8 implementation of engine::Engine: modules compiled once (Liftoff first, tier-up in
// the background) and shared across threads' isolates; a fresh instance per run.
#pragma once
#include <memory>

#include "engine/engine.h"

namespace wws::engine {

std::unique_ptr<Engine> make_v8_engine();

}  // namespace wws::engine
