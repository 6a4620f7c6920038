#include "engine/wasm_instruction.h"

namespace wws::engine::wasm {
namespace {

bool decode_misc(Reader& r, uint32_t sub) {  // 0xfc
  switch (sub) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7: return true;  // trunc_sat
    case 8:               // memory.init data memory
    case 10:              // memory.copy dst src
    case 12:              // table.init elem table
    case 14:              // table.copy dst src
      r.leb(32);
      r.leb(32);
      return true;
    case 9:   // data.drop
    case 11:  // memory.fill
    case 13:  // elem.drop
    case 15:  // table.grow
    case 16:  // table.size
    case 17:  // table.fill
      r.leb(32);
      return true;
    default: return false;
  }
}

bool decode_simd(Reader& r, uint32_t sub) {  // 0xfd
  if (sub <= 11 || sub == 92 || sub == 93) skip_memarg(r);
  else if (sub == 12 || sub == 13) r.skip(16);  // v128.const, i8x16.shuffle
  else if (sub >= 21 && sub <= 34) r.byte();    // extract/replace lane
  else if (sub >= 84 && sub <= 91) skip_memarg(r), r.byte();
  else if (sub > 0x113) return false;  // past relaxed SIMD
  return true;
}

bool decode_atomic(Reader& r, uint32_t sub) {  // 0xfe
  if (sub == 3) r.byte();                      // atomic.fence
  else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) skip_memarg(r);
  else return false;
  return true;
}

bool has_no_immediates(uint8_t op) {
  // Control (unreachable, nop, else, end, return, catch_all), drop, select, numeric, ref.is_null.
  return op <= 0x01 || op == 0x05 || op == 0x0b || op == 0x0f || op == 0x19 || op == 0x1a || op == 0x1b ||
         (op >= 0x45 && op <= 0xc4) || op == 0xd1;
}

}  // namespace

bool decode_instruction(Reader& r, Instruction& in) {
  in = Instruction{};
  in.op = r.byte();
  in.imm_at = r.pos();
  const uint8_t op = in.op;
  bool known = true;
  switch (op) {
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x06:  // block, loop, if, try: a block type (s33)
    case 0x41:
    case 0x42: r.leb(64); break;  // i32.const, i64.const
    case 0x07:                    // catch
    case 0x08:                    // throw
    case 0x09:                    // rethrow
    case 0x0c:                    // br
    case 0x0d:                    // br_if
    case 0x10:                    // call
    case 0x12:                    // return_call
    case 0x18:                    // delegate
    case 0x20:
    case 0x21:
    case 0x22:  // local.get/set/tee
    case 0x23:
    case 0x24:  // global.get/set
    case 0x25:
    case 0x26:  // table.get/set
    case 0xd2:  // ref.func
      in.imm = r.leb(32);
      break;
    case 0x0e: {  // br_table: n labels and a default
      uint64_t n = r.leb(32);
      for (uint64_t i = 0; i <= n && r.ok(); ++i) r.leb(32);
      break;
    }
    case 0x11:
    case 0x13:  // call_indirect, return_call_indirect: type, table
      r.leb(32);
      r.leb(32);
      break;
    case 0x1c: {  // select t*
      uint64_t n = r.leb(32);
      for (uint64_t i = 0; i < n && r.ok(); ++i) r.byte();
      break;
    }
    case 0x3f:
    case 0x40: r.leb(32); break;  // memory.size/grow: a memory index
    case 0x43: r.skip(4); break;
    case 0x44: r.skip(8); break;
    case 0xd0: r.byte(); break;  // ref.null t
    case 0xfc:
    case 0xfd:
    case 0xfe: {
      uint64_t sub = r.leb(32);
      in.sub = static_cast<uint32_t>(sub);
      in.imm_at = r.pos();
      known = op == 0xfc ? decode_misc(r, in.sub) : op == 0xfd ? decode_simd(r, in.sub) : decode_atomic(r, in.sub);
      break;
    }
    default:
      if (op >= 0x28 && op <= 0x3e) skip_memarg(r);  // loads and stores
      else known = has_no_immediates(op);
  }
  in.imm_end = r.pos();
  return known && r.ok();
}

}  // namespace wws::engine::wasm
