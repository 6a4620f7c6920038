// Decoding one WebAssembly instruction: its opcode, the sub-opcode of a prefixed family (0xfc
// bulk memory and saturating conversions, 0xfd SIMD, 0xfe atomics) and where its immediates lie.
// Every pass of engine/ and preinit/ that walks function bodies decodes with this, so that they
// agree on the encoding and an opcode one of them does not know is refused, never misread.
#pragma once
#include <cstdint>

#include "engine/wasm_binary.h"

namespace wws::engine::wasm {

struct Instruction {
  uint8_t op = 0;
  uint32_t sub = 0;                // the sub-opcode after a 0xfc, 0xfd or 0xfe prefix
  size_t imm_at = 0, imm_end = 0;  // the bytes of the immediates, after the opcode (and sub-opcode)
  // The first immediate of a branch, call, local, global, table access or ref.func: the index
  // the Go capture retargets. 0 for other instructions.
  uint64_t imm = 0;
};

// A load's or store's alignment (with the multi-memory index bit), optional memory index and offset.
inline void skip_memarg(Reader& r) {
  uint64_t align = r.leb(32);
  if (align & 0x40) r.leb(32);
  r.leb(64);
}

// Decodes the instruction at the cursor: the MVP, sign extension, saturating conversions, bulk
// memory, reference types, tail calls, multi-memory, SIMD, threads and legacy exception handling.
// False for an opcode outside these or immediates that run past the body.
bool decode_instruction(Reader& r, Instruction& in);

}  // namespace wws::engine::wasm
