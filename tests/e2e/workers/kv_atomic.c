// Test worker: every K/V call of the C kit, one per request. ?op= picks it:
//   get&key=K            the value, or "(none)"
//   set&key=K&value=V[&ttl=MS]   del&key=K
//   incr&key=K[&by=N][&ttl=MS]   "K=<new value>"
//   cas&key=K[&expect=E][&value=V]   "swapped=1|0" (no expect: must be absent; no value: delete)
//   expire&key=K&ttl=MS  "1|0"
//   list[&prefix=P][&after=A][&limit=N]   keys joined with ","
//   fill&prefix=P&count=N[&size=S]   sets N keys of S bytes
// A K/V error answers 422 with its name; &fail=500 answers 500 after the call.
#include <stdlib.h>
#include "wws.h"

static const char *q(const char *name, const char *fallback) {
  const char *v = wws_request_query(name);
  return v ? v : fallback;
}

static int report(int rc) {
  if (rc < 0) {
    wws_response_status(422);
    wws_response_printf("error: %s", wws_kv_error_name(rc));
  }
  return rc;
}

int main(void) {
  const char *op = q("op", "get"), *key = q("key", "k");
  long long ttl = atoll(q("ttl", "0"));
  wws_response_header("content-type", "text/plain");
  if (!strcmp(op, "get")) {
    const char *v = wws_kv_get(key);
    wws_response_printf("%s", v ? v : "(none)");
  } else if (!strcmp(op, "set")) {
    if (report(wws_kv_set_ttl(key, q("value", ""), ttl)) >= 0) wws_response_printf("ok");
  } else if (!strcmp(op, "del")) {
    if (report(wws_kv_delete(key)) >= 0) wws_response_printf("ok");
  } else if (!strcmp(op, "incr")) {
    int64_t value = 0;
    if (report(wws_kv_increment_ttl(key, atoll(q("by", "1")), ttl, &value)) >= 0)
      wws_response_printf("%s=%lld", key, (long long)value);
  } else if (!strcmp(op, "cas")) {
    int r = report(wws_kv_compare_and_swap(key, wws_request_query("expect"), wws_request_query("value")));
    if (r >= 0) wws_response_printf("swapped=%d", r);
  } else if (!strcmp(op, "expire")) {
    int r = report(wws_kv_expire(key, ttl));
    if (r >= 0) wws_response_printf("%d", r);
  } else if (!strcmp(op, "list")) {
    wws_kv_keys keys = {0};
    if (report(wws_kv_list(q("prefix", ""), q("after", ""), (size_t)atoll(q("limit", "1000")), &keys)) >= 0) {
      for (size_t i = 0; i < keys.count; i++) wws_response_printf("%s%s", i ? "," : "", keys.keys[i]);
    }
    wws_kv_keys_free(&keys);
  } else if (!strcmp(op, "fill")) {
    long count = atol(q("count", "1")), size = atol(q("size", "1"));
    char *value = (char *)malloc((size_t)size + 1);
    memset(value, 'v', (size_t)size);
    value[size] = '\0';
    int rc = 0;
    for (long i = 0; i < count && rc >= 0; i++) {
      char name[64];
      snprintf(name, sizeof name, "%s%ld", q("prefix", "fill-"), i);
      rc = report(wws_kv_set(name, value));
    }
    if (rc >= 0) wws_response_printf("ok");
  } else {
    wws_response_status(400);
    wws_response_printf("unknown op %s", op);
  }
  if (!strcmp(q("fail", ""), "500")) wws_response_status(500);
  return wws_respond();
}
