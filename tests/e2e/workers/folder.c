// Test worker: file access inside a mounted folder. ?op=read&path=P answers the file's content;
// ?op=write&path=P&data=D writes D to P. Failures answer 403 "ERR: <reason>", so the tests can
// prove that escapes (../, absolute paths, symlinks out of the mount) are refused.
#include <errno.h>
#include "wws.h"

int main(void) {
  const char *op = wws_request_query("op");
  const char *path = wws_request_query("path");
  wws_response_header("content-type", "text/plain");
  if (!op || !path) {
    wws_response_status(400);
    wws_response_body("ERR: give op and path");
    return wws_respond();
  }
  if (!strcmp(op, "write")) {
    const char *data = wws_request_query("data");
    FILE *f = fopen(path, "wb");
    if (!f || fputs(data ? data : "", f) < 0 || fclose(f) != 0) {
      wws_response_status(403);
      wws_response_printf("ERR: %s", strerror(errno));
    } else {
      wws_response_body("written");
    }
    return wws_respond();
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    wws_response_status(403);
    wws_response_printf("ERR: %s", strerror(errno));
    return wws_respond();
  }
  wws_buf content = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) wws_buf_append(&content, chunk, n);
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    wws_response_status(403);
    wws_response_printf("ERR: %s", strerror(errno));
  } else {
    wws_response_body_bytes(content.data ? content.data : "", content.len);
  }
  return wws_respond();
}
