// Test worker: answers a fixed PNG-like byte sequence with NUL and 0xFF bytes (not UTF-8), which
// the kit must send base64-encoded. The tests hold the same bytes.
#include "wws.h"

int main(void) {
  static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0x00, 0x00, 0x00, 0x0D,
                                      'I',  'H', 'D', 'R', 0xFF, 0x00, 0xFF, 0xFE, 0x80, 0x7F, 0x00, 0xC0};
  wws_response_header("content-type", "image/png");
  wws_response_body_bytes(png, sizeof png);
  return wws_respond();
}
