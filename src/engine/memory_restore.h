// engine/memory_restore.h: putting a guest's linear memory back to its initial content after a
// run (zeros, plus the data segments for a kept instance), at a cost proportional to what the
// run touched rather than to the memory's size.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "engine/instance_reset.h"

namespace wws::engine {

// Makes every byte of `memory` zero. `memory` must be (part of) an anonymous private mapping
// whose start is page-aligned, as wasm memories are; anything else is cleared with a plain fill.
//
// Why: a module's initial memory is mostly untouched by a request (Rust reserves a 1 MiB stack
// in it, a hello request writes a few dozen of its 272 pages), yet a fill writes all of it.
// Pages the process never touched are not resident and already read as zero, so only resident
// pages need clearing: mincore() says which (on machines without swap, where "not resident"
// can only mean "never touched"). When most pages are resident, or with swap, the memory is
// handed back with madvise(MADV_DONTNEED) instead, which leaves it sparse for the next runs.
void zero_guest_memory(std::span<uint8_t> memory);

// Makes `memory` hold exactly what a new instance's memory holds: `data` (the active segments,
// in order) over zeros. Bytes outside the segments are zeroed as above; a segment is copied
// only where the memory differs from it, in 4 KiB pieces, so read-only data (most of a Rust
// module's 30 KiB of segments) is compared, never rewritten. False when a segment does not
// fit (then nothing is guaranteed and the caller must drop the instance).
bool restore_initial_memory(std::span<uint8_t> memory, const std::vector<DataSegment>& data);

}  // namespace wws::engine
