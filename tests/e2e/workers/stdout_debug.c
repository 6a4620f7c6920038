// Test worker: prints debugging text to stdout around its response, as a developer might with
// println!. ?where=after prints it after the JSON instead of before.
#include <string.h>
#include "wws.h"

int main(void) {
  const char *where = wws_request_query("where");
  int after = where && strcmp(where, "after") == 0;
  if (!after) printf("value of x is 42\n");
  wws_response_body("never seen");
  wws_respond();
  if (after) printf("\ndone handling the request\n");
  return 0;
}
