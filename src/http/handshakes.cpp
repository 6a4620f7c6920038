#include "http/handshakes.h"

#include <linux/filter.h>
#include <sys/socket.h>

#include <cstdint>
#include <iterator>

namespace wws::http {

bool refuse_new_handshakes(int fd) {
  // A socket filter on a TCP socket sees each segment from its TCP header (IPv4 and IPv6 alike):
  // byte 13 holds the flags.
  constexpr uint8_t kSyn = 0x02, kAck = 0x10;
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),          BPF_STMT(BPF_ALU | BPF_AND | BPF_K, kSyn | kAck),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kSyn, 0, 1), BPF_STMT(BPF_RET | BPF_K, 0),  // a new handshake: dropped
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),                                          // anything else: let in whole
  };
  const sock_fprog program{static_cast<unsigned short>(std::size(code)), code};
  return ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) == 0;
}

}  // namespace wws::http
