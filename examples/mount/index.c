// examples/mount: reads a file from a folder mounted into the worker (index.toml [[folders]]
// maps ./_data to /data). Folders starting with '_' are never served or loaded as workers.
#include "wws.h"

int main(void) {
  FILE *f = fopen("/data/quote.txt", "r");
  if (!f) {
    wws_response_status(500);
    wws_response_body("cannot open /data/quote.txt");
    return wws_respond();
  }
  char line[512];
  wws_response_header("content-type", "text/plain; charset=utf-8");
  wws_response_body("This page was loaded from a mounted file:\n\n");
  while (fgets(line, sizeof line, f)) wws_response_printf("%s", line);
  fclose(f);
  return wws_respond();
}
