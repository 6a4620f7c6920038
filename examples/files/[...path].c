// examples/files/[...path]: a catch-all route. GET /files/a/b/c gets params {"path": "a/b/c"}.
#include "wws.h"

int main(void) {
  const char *path = wws_request_param("path");
  wws_response_header("content-type", "text/plain; charset=utf-8");
  wws_response_printf("You asked for the file path: %s\n", path && *path ? path : "(nothing)");
  int depth = 0;
  for (const char *c = path; c && *c; c++) depth += *c == '/';
  wws_response_printf("It is %d folder(s) deep.\n", path && *path ? depth : 0);
  return wws_respond();
}
