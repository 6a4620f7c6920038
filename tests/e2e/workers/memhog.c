// Test worker: allocates (and touches) 1 MiB blocks until malloc fails, then reports how many it
// got. Under a memory limit the server must either stop it (500) or make malloc fail within the limit.
#include "wws.h"

struct block {
  struct block *next;
  char bytes[(1 << 20) - sizeof(void *)];
};

int main(void) {
  // The blocks stay linked and the total is printed, so the compiler cannot drop the allocations.
  struct block *head = NULL;
  size_t mib = 0;
  for (;;) {
    struct block *b = malloc(sizeof *b);
    if (!b) break;
    memset(b->bytes, (int)mib, sizeof b->bytes);
    b->next = head;
    head = b;
    mib++;
  }
  unsigned long checksum = 0;
  for (struct block *b = head; b; b = b->next) checksum += (unsigned char)b->bytes[mib % 4096];
  wws_response_header("content-type", "text/plain");
  wws_response_printf("allocated %zu MiB (checksum %lu)", mib, checksum);
  return wws_respond();
}
