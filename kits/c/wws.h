/* wws.h: a single-header C SDK for Wasm Workers Server (wws) workers.
 *
 * A wws worker is a WASI preview1 command: each HTTP request runs the module once, with the
 * request as one JSON document on stdin; the worker writes one JSON document to stdout.
 * This header hides that protocol. Build a worker with:
 *
 *     clang --target=wasm32-wasi --sysroot=/usr -O2 -I kits/c -o hello.wasm hello.c
 *
 * Example:
 *
 *     #include "wws.h"
 *     int main(void) {
 *       const char *name = wws_request_param("id");          // from a route like [id].wasm
 *       wws_response_header("content-type", "text/plain");
 *       wws_response_printf("Hello, %s!\n", name ? name : "world");
 *       return wws_respond();
 *     }
 *
 * Request (read lazily from stdin on first use; every string is NUL-terminated and owned by the kit):
 *   wws_request_url()              full URL, "http://host/path?query"
 *   wws_request_method()           "GET", "POST", ...
 *   wws_request_header(name)       case-insensitive; repeated headers arrive joined with ", "
 *   wws_request_param(name)        route parameter ([id] or [...rest]); NULL when absent
 *   wws_request_body()             body bytes (base64 bodies are decoded; may contain NUL)
 *   wws_request_body_length()      number of body bytes
 *   wws_request_body_was_base64()  1 when the server sent the body base64-encoded (binary body)
 *   wws_request_query(name)        query-string parameter, percent-decoded; NULL when absent
 *   wws_request_headers() / wws_request_params()   whole maps, for iteration
 *   wws_request_error()            non-NULL when stdin could not be read or parsed
 *
 * Response (built up, then written by wws_respond()):
 *   wws_response_status(code)                 default 200
 *   wws_response_header(name, value)          repeatable; the same name twice sends two header lines
 *   wws_response_body(text) / wws_response_printf(fmt, ...)   text body (printf appends)
 *   wws_response_body_bytes(bytes, length)    binary body; sent base64-encoded when it is not UTF-8 text
 *   wws_respond()                             writes the JSON to stdout; returns 0 (use as main's result)
 *   wws_fail(fmt, ...)                        ends the run as a 500 with the message in the server log
 *
 * K/V (the worker's [data.kv] namespace; see the K/V section below for modes and error codes):
 *   wws_kv_get(key)                           the value, or NULL when absent
 *   wws_kv_set(key, value) / wws_kv_set_ttl(key, value, ttl_ms) / wws_kv_delete(key)
 *   wws_kv_increment(key, delta, &result)     atomic; an absent key counts as 0
 *   wws_kv_compare_and_swap(key, expected, value)   atomic; 1 swapped, 0 not
 *   wws_kv_expire(key, ttl_ms)                1 done, 0 no such key
 *   wws_kv_list(prefix, after, limit, &keys)  keys in byte order (wws_kv_keys_free)
 *   wws_kv_get_n / wws_kv_set_n / wws_kv_delete_n   binary keys and values
 *   wws_request_kv()                          the whole namespace as a map (costly for big ones)
 *
 * Outbound HTTP (allowed by the worker's [features.http_requests]):
 *   wws_http_send(method, url, headers, header_count, body, body_len, &res)   1 when a response came
 *   wws_http_response_header(&res, name) / wws_http_response_free(&res)
 * Environment ([vars] of the worker's TOML): getenv(name).
 *
 * Helpers worker authors often want: wws_buf (a growable byte buffer), wws_buf_json_string()
 * (appends a JSON-escaped string), wws_base64_encode/decode().
 *
 * Everything is static inline (quiet under -Wall -Wextra), so the header is meant for one
 * translation unit per worker; only canonical_abi_realloc/free are real (weak) symbols.
 * Allocation failures abort the worker (the server then answers 500), since a worker cannot
 * produce a meaningful response without memory.
 */
#ifndef WWS_H
#define WWS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- growable buffer */

typedef struct {
  char *data; /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
} wws_buf;

static inline void wws_buf_reserve(wws_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  char *grown = (char *)realloc(b->data, cap);
  if (!grown) abort();
  b->data = grown;
  b->cap = cap;
}

static inline void wws_buf_append(wws_buf *b, const void *bytes, size_t n) {
  wws_buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, bytes, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static inline void wws_buf_puts(wws_buf *b, const char *s) { wws_buf_append(b, s, strlen(s)); }

static inline void wws_buf_putc(wws_buf *b, char c) { wws_buf_append(b, &c, 1); }

static inline void wws_buf_vprintf(wws_buf *b, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0) return;
  wws_buf_reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

static inline void wws_buf_printf(wws_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wws_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

static inline void wws_buf_free(wws_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* Appends `s` (n bytes) as a quoted JSON string. Bytes >= 0x80 are copied as is, so the result is
 * valid JSON only when `s` is valid UTF-8 (see wws_is_utf8). */
static inline void wws_buf_json_string_n(wws_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  wws_buf_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': wws_buf_puts(b, "\\\""); break;
      case '\\': wws_buf_puts(b, "\\\\"); break;
      case '\n': wws_buf_puts(b, "\\n"); break;
      case '\r': wws_buf_puts(b, "\\r"); break;
      case '\t': wws_buf_puts(b, "\\t"); break;
      case '\b': wws_buf_puts(b, "\\b"); break;
      case '\f': wws_buf_puts(b, "\\f"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
          wws_buf_puts(b, esc);
        } else {
          wws_buf_putc(b, (char)c);
        }
    }
  }
  wws_buf_putc(b, '"');
}

static inline void wws_buf_json_string(wws_buf *b, const char *s) {
  if (!s) {
    wws_buf_puts(b, "null");
    return;
  }
  wws_buf_json_string_n(b, s, strlen(s));
}

/* ---------------------------------------------------------------- UTF-8 and base64 */

/* Names that start with wws_p_ are the kit's own, not its API (not wws__: C++, which includes
 * this header through wws.hpp, reserves every name with a double underscore). */

/* The length of the well-formed UTF-8 sequence at s[i] (s holds n bytes); 0 when it is not one. */
static inline size_t wws_p_utf8_length(const unsigned char *s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t extra;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    cp = c & 0x07;
  } else return 0;
  if (i + extra >= n) return 0;
  for (size_t k = 1; k <= extra; k++) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return extra + 1;
}

/* 1 when bytes are well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static inline int wws_is_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t length = wws_p_utf8_length(s, n, i);
    if (!length) return 0;
    i += length;
  }
  return 1;
}

static inline void wws_base64_encode(wws_buf *out, const unsigned char *s, size_t n) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  wws_buf_reserve(out, (n + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    uint32_t v = ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8) | s[i + 2];
    char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], tbl[v & 63]};
    wws_buf_append(out, q, 4);
  }
  if (i < n) {
    uint32_t v = (uint32_t)s[i] << 16;
    if (i + 1 < n) v |= (uint32_t)s[i + 1] << 8;
    char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], i + 1 < n ? tbl[(v >> 6) & 63] : '=', '='};
    wws_buf_append(out, q, 4);
  }
}

static inline int wws_p_b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Standard base64 with optional padding. Returns 0 on success, -1 on malformed input. */
static inline int wws_base64_decode(wws_buf *out, const char *s, size_t n) {
  while (n > 0 && s[n - 1] == '=') n--;
  if (n % 4 == 1) return -1;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = wws_p_b64_value((unsigned char)s[i]);
    if (v < 0) return -1;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      wws_buf_putc(out, (char)((acc >> bits) & 0xFF));
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- string maps */

typedef struct {
  size_t count;
  char **keys;
  char **values;
  size_t *value_lengths; /* values may contain NUL (a JSON "\u0000") */
} wws_map;

/* Exact-match lookup (or case-insensitive when `nocase`); returns the index or -1. */
static inline long wws_p_map_find(const wws_map *m, const char *key, int nocase) {
  for (size_t i = 0; i < m->count; i++) {
    if (nocase ? strcasecmp(m->keys[i], key) == 0 : strcmp(m->keys[i], key) == 0) return (long)i;
  }
  return -1;
}

static inline void wws_p_map_put(wws_map *m, char *key, char *value, size_t value_len) {
  long at = wws_p_map_find(m, key, 0);
  if (at >= 0) { /* JSON allows duplicate keys; the last one wins, as in most parsers */
    free(m->keys[at]);
    free(m->values[at]);
    m->keys[at] = key;
    m->values[at] = value;
    m->value_lengths[at] = value_len;
    return;
  }
  m->keys = (char **)realloc(m->keys, (m->count + 1) * sizeof(char *));
  m->values = (char **)realloc(m->values, (m->count + 1) * sizeof(char *));
  m->value_lengths = (size_t *)realloc(m->value_lengths, (m->count + 1) * sizeof(size_t));
  if (!m->keys || !m->values || !m->value_lengths) abort();
  m->keys[m->count] = key;
  m->values[m->count] = value;
  m->value_lengths[m->count] = value_len;
  m->count++;
}

static inline void wws_p_map_remove(wws_map *m, const char *key) {
  long at = wws_p_map_find(m, key, 0);
  if (at < 0) return;
  free(m->keys[at]);
  free(m->values[at]);
  for (size_t i = (size_t)at + 1; i < m->count; i++) {
    m->keys[i - 1] = m->keys[i];
    m->values[i - 1] = m->values[i];
    m->value_lengths[i - 1] = m->value_lengths[i];
  }
  m->count--;
}

static inline char *wws_p_strdup(const char *s) {
  size_t n = strlen(s);
  char *copy = (char *)malloc(n + 1);
  if (!copy) abort();
  memcpy(copy, s, n + 1);
  return copy;
}

/* ---------------------------------------------------------------- JSON input parser */

/* A small recursive-descent parser for the one document wws sends. Only what the protocol needs
 * is kept (strings, string maps, booleans); every other JSON value is validated and skipped. */
typedef struct {
  const char *p;
  const char *end;
  const char *error;
} wws_p_json;

static inline void wws_p_skip_ws(wws_p_json *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static inline int wws_p_fail(wws_p_json *j, const char *why) {
  if (!j->error) j->error = why;
  return -1;
}

static inline int wws_p_hex4(wws_p_json *j, uint32_t *out) {
  if (j->end - j->p < 4) return wws_p_fail(j, "truncated \\u escape");
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = j->p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
    else return wws_p_fail(j, "bad hex digit in \\u escape");
  }
  j->p += 4;
  *out = v;
  return 0;
}

static inline void wws_p_put_utf8(wws_buf *b, uint32_t cp) {
  char u[4];
  if (cp < 0x80) {
    u[0] = (char)cp;
    wws_buf_append(b, u, 1);
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    wws_buf_append(b, u, 2);
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    wws_buf_append(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    wws_buf_append(b, u, 4);
  }
}

/* A \u escape (j->p past the "\u"), a surrogate pair taking two, appended to `out` as UTF-8. */
static inline int wws_p_unicode_escape(wws_p_json *j, wws_buf *out) {
  uint32_t cp;
  if (wws_p_hex4(j, &cp)) return -1;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t low;
    if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u') return wws_p_fail(j, "lone high surrogate");
    j->p += 2;
    if (wws_p_hex4(j, &low)) return -1;
    if (low < 0xDC00 || low > 0xDFFF) return wws_p_fail(j, "bad low surrogate");
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    return wws_p_fail(j, "lone low surrogate");
  }
  wws_p_put_utf8(out, cp);
  return 0;
}

/* The escape after a backslash in a string (j->p past the backslash), appended to `out`. */
static inline int wws_p_escape(wws_p_json *j, wws_buf *out) {
  if (j->p >= j->end) return wws_p_fail(j, "unterminated escape");
  char e = *j->p++;
  switch (e) {
    case '"': wws_buf_putc(out, '"'); break;
    case '\\': wws_buf_putc(out, '\\'); break;
    case '/': wws_buf_putc(out, '/'); break;
    case 'b': wws_buf_putc(out, '\b'); break;
    case 'f': wws_buf_putc(out, '\f'); break;
    case 'n': wws_buf_putc(out, '\n'); break;
    case 'r': wws_buf_putc(out, '\r'); break;
    case 't': wws_buf_putc(out, '\t'); break;
    case 'u': return wws_p_unicode_escape(j, out);
    default: return wws_p_fail(j, "unknown escape");
  }
  return 0;
}

/* Parses a JSON string at j->p into `out` (unescaped, NUL-terminated). */
static inline int wws_p_string(wws_p_json *j, wws_buf *out) {
  wws_p_skip_ws(j);
  if (j->p >= j->end || *j->p != '"') return wws_p_fail(j, "expected a string");
  j->p++;
  wws_buf_reserve(out, 0);
  for (;;) {
    if (j->p >= j->end) return wws_p_fail(j, "unterminated string");
    const char *run = j->p;
    while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20) j->p++;
    wws_buf_append(out, run, (size_t)(j->p - run));
    if (j->p >= j->end) return wws_p_fail(j, "unterminated string");
    char c = *j->p++;
    if (c == '"') return 0;
    if (c != '\\') return wws_p_fail(j, "control character in string");
    if (wws_p_escape(j, out)) return -1;
  }
}

/* Skips the ':' after an object's key. */
static inline int wws_p_colon(wws_p_json *j) {
  wws_p_skip_ws(j);
  if (j->p >= j->end || *j->p != ':') return wws_p_fail(j, "expected ':'");
  j->p++;
  return 0;
}

/* After a member or element: 1 past a ',' (another follows), 0 past `close` (the end), and -1
 * with `why` at anything else. */
static inline int wws_p_next(wws_p_json *j, char close, const char *why) {
  wws_p_skip_ws(j);
  if (j->p < j->end && *j->p == ',') {
    j->p++;
    return 1;
  }
  if (j->p < j->end && *j->p == close) {
    j->p++;
    return 0;
  }
  return wws_p_fail(j, why);
}

static inline int wws_p_skip_value(wws_p_json *j, int depth);

static inline int wws_p_literal(wws_p_json *j, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return wws_p_fail(j, "unexpected token");
  j->p += n;
  return 0;
}

/* Skips the rest of an object or array, j->p past its opening bracket `open`. */
static inline int wws_p_skip_container(wws_p_json *j, char open, int depth) {
  char close = open == '{' ? '}' : ']';
  wws_p_skip_ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
    return 0;
  }
  for (;;) {
    if (open == '{') {
      wws_buf key = {NULL, 0, 0};
      int r = wws_p_string(j, &key);
      wws_buf_free(&key);
      if (r || wws_p_colon(j)) return -1;
    }
    if (wws_p_skip_value(j, depth + 1)) return -1;
    int more = wws_p_next(j, close, "expected ',' or a closing bracket");
    if (more <= 0) return more;
  }
}

static inline int wws_p_skip_value(wws_p_json *j, int depth) {
  if (depth > 64) return wws_p_fail(j, "JSON nested too deeply");
  wws_p_skip_ws(j);
  if (j->p >= j->end) return wws_p_fail(j, "unexpected end of JSON");
  char c = *j->p;
  if (c == '"') {
    wws_buf tmp = {NULL, 0, 0};
    int r = wws_p_string(j, &tmp);
    wws_buf_free(&tmp);
    return r;
  }
  if (c == '{' || c == '[') {
    j->p++;
    return wws_p_skip_container(j, c, depth);
  }
  if (c == 't') return wws_p_literal(j, "true");
  if (c == 'f') return wws_p_literal(j, "false");
  if (c == 'n') return wws_p_literal(j, "null");
  if (c == '-' || (c >= '0' && c <= '9')) {
    const char *start = j->p;
    if (*j->p == '-') j->p++;
    while (j->p < j->end && strchr("0123456789.eE+-", *j->p)) j->p++;
    return j->p > start ? 0 : wws_p_fail(j, "bad number");
  }
  return wws_p_fail(j, "unexpected character");
}

/* Parses {"k":"v",...} into `m`; non-string values are skipped. */
static inline int wws_p_string_map(wws_p_json *j, wws_map *m) {
  wws_p_skip_ws(j);
  if (j->p < j->end && *j->p == 'n') return wws_p_literal(j, "null");
  if (j->p >= j->end || *j->p != '{') return wws_p_fail(j, "expected an object");
  j->p++;
  wws_p_skip_ws(j);
  if (j->p < j->end && *j->p == '}') {
    j->p++;
    return 0;
  }
  for (;;) {
    wws_buf key = {NULL, 0, 0}, value = {NULL, 0, 0};
    if (wws_p_string(j, &key) || wws_p_colon(j)) {
      wws_buf_free(&key);
      return -1;
    }
    wws_p_skip_ws(j);
    if (j->p < j->end && *j->p == '"') {
      if (wws_p_string(j, &value)) {
        wws_buf_free(&key);
        wws_buf_free(&value);
        return -1;
      }
      wws_p_map_put(m, key.data, value.data, value.len);
    } else {
      wws_buf_free(&key);
      if (wws_p_skip_value(j, 1)) return -1;
    }
    int more = wws_p_next(j, '}', "expected ',' or '}'");
    if (more <= 0) return more;
  }
}

/* ---------------------------------------------------------------- request */

typedef struct {
  int loaded;
  const char *error;
  char *url;
  char *method;
  wws_buf body;
  int body_was_base64;
  wws_map headers;
  wws_map params;
  wws_map kv;
} wws_p_request_state;

/* The kit's statics have initialisers: without one, clang-tidy (bugprone-dynamic-static-
 * initializers) takes a zero-initialised static in a C++ includer for a dynamically initialised
 * one. In full, so that neither C nor C++ warns of a missing field. */
static wws_p_request_state wws_p_req = {
    0, NULL, NULL, NULL, {NULL, 0, 0}, 0, {0, NULL, NULL, NULL}, {0, NULL, NULL, NULL}, {0, NULL, NULL, NULL}};

static inline int wws_p_read_all(FILE *f, wws_buf *out) {
  char chunk[16384];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) wws_buf_append(out, chunk, n);
  wws_buf_reserve(out, 0);
  return ferror(f) ? -1 : 0;
}

/* The value of one member of the request object, into wws_p_req (the body, still perhaps
 * base64, into raw_body). */
static inline int wws_p_request_member(wws_p_json *j, const char *key, wws_buf *raw_body, int *body_is_base64,
                                       int *have_body) {
  if (!strcmp(key, "url") || !strcmp(key, "method")) {
    wws_buf value = {NULL, 0, 0};
    int r = wws_p_string(j, &value);
    char **slot = key[0] == 'u' ? &wws_p_req.url : &wws_p_req.method;
    free(*slot);
    *slot = value.data;
    return r;
  }
  if (!strcmp(key, "body")) {
    raw_body->len = 0;
    *have_body = 1;
    return wws_p_string(j, raw_body);
  }
  if (!strcmp(key, "base64")) {
    *body_is_base64 = j->p < j->end && *j->p == 't';
    return wws_p_skip_value(j, 1);
  }
  if (!strcmp(key, "headers")) return wws_p_string_map(j, &wws_p_req.headers);
  if (!strcmp(key, "params")) return wws_p_string_map(j, &wws_p_req.params);
  if (!strcmp(key, "kv")) return wws_p_string_map(j, &wws_p_req.kv);
  return wws_p_skip_value(j, 1);
}

static inline int wws_p_parse_input(const char *text, size_t len) {
  wws_p_json j = {text, text + len, NULL};
  wws_buf raw_body = {NULL, 0, 0};
  int body_is_base64 = 0, have_body = 0;
  wws_p_skip_ws(&j);
  if (j.p >= j.end || *j.p != '{') {
    wws_p_req.error = "stdin is not a JSON object";
    return -1;
  }
  j.p++;
  wws_p_skip_ws(&j);
  if (j.p < j.end && *j.p == '}') j.p++;
  else
    for (;;) {
      wws_buf key = {NULL, 0, 0};
      if (wws_p_string(&j, &key) || wws_p_colon(&j)) {
        wws_buf_free(&key);
        break;
      }
      wws_p_skip_ws(&j);
      int r = wws_p_request_member(&j, key.data, &raw_body, &body_is_base64, &have_body);
      wws_buf_free(&key);
      if (r || wws_p_next(&j, '}', "expected ',' or '}' in the request object") <= 0) break;
    }
  if (j.error) {
    wws_p_req.error = j.error;
    wws_buf_free(&raw_body);
    return -1;
  }
  if (have_body && body_is_base64) {
    if (wws_base64_decode(&wws_p_req.body, raw_body.data, raw_body.len)) {
      wws_p_req.error = "request body is not valid base64";
      wws_buf_free(&raw_body);
      return -1;
    }
    wws_buf_free(&raw_body);
    wws_p_req.body_was_base64 = 1;
  } else {
    wws_p_req.body = raw_body;
  }
  wws_buf_reserve(&wws_p_req.body, 0);
  return 0;
}

/* Reads and parses stdin once. Returns 0, or -1 with wws_request_error() set. Accessors call it. */
static inline int wws_request_load(void) {
  if (wws_p_req.loaded) return wws_p_req.error ? -1 : 0;
  wws_p_req.loaded = 1;
  wws_buf input = {NULL, 0, 0};
  int r;
  if (wws_p_read_all(stdin, &input)) {
    wws_p_req.error = "cannot read stdin";
    r = -1;
  } else {
    r = wws_p_parse_input(input.data, input.len);
  }
  wws_buf_free(&input);
  if (!wws_p_req.url) wws_p_req.url = wws_p_strdup("");
  if (!wws_p_req.method) wws_p_req.method = wws_p_strdup("GET");
  wws_buf_reserve(&wws_p_req.body, 0);
  return r;
}

static inline const char *wws_request_error(void) {
  wws_request_load();
  return wws_p_req.error;
}
static inline const char *wws_request_url(void) {
  wws_request_load();
  return wws_p_req.url;
}
static inline const char *wws_request_method(void) {
  wws_request_load();
  return wws_p_req.method;
}
static inline const char *wws_request_body(void) {
  wws_request_load();
  return wws_p_req.body.data;
}
static inline size_t wws_request_body_length(void) {
  wws_request_load();
  return wws_p_req.body.len;
}
static inline int wws_request_body_was_base64(void) {
  wws_request_load();
  return wws_p_req.body_was_base64;
}
static inline const wws_map *wws_request_headers(void) {
  wws_request_load();
  return &wws_p_req.headers;
}
static inline const wws_map *wws_request_params(void) {
  wws_request_load();
  return &wws_p_req.params;
}

static inline const char *wws_request_header(const char *name) {
  wws_request_load();
  long at = wws_p_map_find(&wws_p_req.headers, name, 1);
  return at < 0 ? NULL : wws_p_req.headers.values[at];
}

static inline const char *wws_request_param(const char *name) {
  wws_request_load();
  long at = wws_p_map_find(&wws_p_req.params, name, 0);
  return at < 0 ? NULL : wws_p_req.params.values[at];
}

static inline int wws_p_hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes n bytes of a query component ('+' is a space) into a new string. */
static inline char *wws_p_url_decode(const char *s, size_t n) {
  wws_buf out = {NULL, 0, 0};
  wws_buf_reserve(&out, n);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+') {
      wws_buf_putc(&out, ' ');
    } else if (s[i] == '%' && i + 2 < n && wws_p_hexval(s[i + 1]) >= 0 && wws_p_hexval(s[i + 2]) >= 0) {
      wws_buf_putc(&out, (char)(wws_p_hexval(s[i + 1]) * 16 + wws_p_hexval(s[i + 2])));
      i += 2;
    } else {
      wws_buf_putc(&out, s[i]);
    }
  }
  return out.data;
}

static wws_map wws_p_query = {0, NULL, NULL, NULL};
static int wws_p_query_parsed = 0;

/* Query-string parameter of the request URL, percent-decoded; NULL when absent. */
static inline const char *wws_request_query(const char *name) {
  wws_request_load();
  if (!wws_p_query_parsed) {
    wws_p_query_parsed = 1;
    const char *q = strchr(wws_p_req.url, '?');
    while (q && *q) {
      q++;
      const char *end = q + strcspn(q, "&#");
      const char *eq = (const char *)memchr(q, '=', (size_t)(end - q));
      const char *key_end = eq ? eq : end;
      if (key_end > q) {
        char *key = wws_p_url_decode(q, (size_t)(key_end - q));
        char *value = eq ? wws_p_url_decode(eq + 1, (size_t)(end - eq - 1)) : wws_p_strdup("");
        if (wws_p_map_find(&wws_p_query, key, 0) >= 0) {
          free(key);
          free(value);
        } /* first one wins */
        else
          wws_p_map_put(&wws_p_query, key, value, strlen(value));
      }
      q = *end == '&' ? end : NULL;
    }
  }
  long at = wws_p_map_find(&wws_p_query, name, 0);
  return at < 0 ? NULL : wws_p_query.values[at];
}

/* ---------------------------------------------------------------- K/V
 *
 * By default the kit reads and writes the worker's namespace key by key through the server's
 * `wws_kv` host functions, so a worker touching one key pays for one key, however big the
 * namespace. Define WWS_KV_SNAPSHOT before including this header to use the snapshot protocol
 * instead (the whole namespace on stdin, changes in the output): that also runs on the original
 * wws, where atomic operations are then not available (wws's "kv_ops" extension is ignored).
 *
 * Every function returns 0 (or a documented non-negative result) on success and a negative
 * WWS_KV_* code on failure. Strings the kit returns stay valid until the worker exits.
 * Writes (set, delete) apply when the worker's run succeeds, all in one transaction; increment,
 * compare-and-swap and expire apply at once and are atomic across every server sharing the store. */

#define WWS_KV_NOT_FOUND (-1)     /* wws_kv_get_n: no such key */
#define WWS_KV_UNAVAILABLE (-2)   /* the store cannot be reached; the server answers 503 anyway */
#define WWS_KV_QUOTA (-3)         /* a [data.kv] limit (value size, keys, namespace size) */
#define WWS_KV_NOT_A_NUMBER (-4)  /* increment of a value that is not a decimal int64, or overflow */
#define WWS_KV_INVALID (-5)       /* key over 4096 bytes, negative TTL */
#define WWS_KV_NOT_SUPPORTED (-7) /* snapshot mode: not possible without the host functions */

static inline const char *wws_kv_error_name(int code) {
  switch (code) {
    case WWS_KV_NOT_FOUND: return "not found";
    case WWS_KV_UNAVAILABLE: return "K/V store unavailable";
    case WWS_KV_QUOTA: return "K/V quota exceeded";
    case WWS_KV_NOT_A_NUMBER: return "not a number";
    case WWS_KV_INVALID: return "invalid argument";
    case WWS_KV_NOT_SUPPORTED: return "not supported in snapshot mode";
    default: return code >= 0 ? "ok" : "K/V error";
  }
}

/* A list of keys (wws_kv_list); free it with wws_kv_keys_free. */
typedef struct {
  size_t count;
  char **keys; /* NUL-terminated (a key may also contain NUL: see key_lengths) */
  size_t *key_lengths;
} wws_kv_keys;

static inline void wws_kv_keys_free(wws_kv_keys *k) {
  for (size_t i = 0; i < k->count; i++) free(k->keys[i]);
  free(k->keys);
  free(k->key_lengths);
  k->count = 0;
  k->keys = NULL;
  k->key_lengths = NULL;
}

static inline void wws_p_keys_push(wws_kv_keys *k, const char *key, size_t len) {
  k->keys = (char **)realloc(k->keys, (k->count + 1) * sizeof(char *));
  k->key_lengths = (size_t *)realloc(k->key_lengths, (k->count + 1) * sizeof(size_t));
  if (!k->keys || !k->key_lengths) abort();
  char *copy = (char *)malloc(len + 1);
  if (!copy) abort();
  memcpy(copy, key, len);
  copy[len] = '\0';
  k->keys[k->count] = copy;
  k->key_lengths[k->count] = len;
  k->count++;
}

/* Keys in byte order, starting with `prefix`, after `after` (NULL or "": from the first). */
static inline int wws_kv_list(const char *prefix, const char *after, size_t limit, wws_kv_keys *out);

#if !defined(WWS_KV_SNAPSHOT) && !defined(__wasm__)
#define WWS_KV_SNAPSHOT /* a native build (the kit's own tests) has no host to import from */
#endif

#ifndef WWS_KV_SNAPSHOT

#define WWS_P_KV_IMPORT(name) __attribute__((import_module("wws_kv"), import_name(name)))
WWS_P_KV_IMPORT("get") int64_t wws_p_kv_host_get(const char *key, size_t key_len, char *buf, size_t cap);
WWS_P_KV_IMPORT("take") int64_t wws_p_kv_host_take(char *buf, size_t cap);
WWS_P_KV_IMPORT("set")
int32_t wws_p_kv_host_set(const char *key, size_t key_len, const char *value, size_t value_len, int64_t ttl_ms);
WWS_P_KV_IMPORT("delete") int32_t wws_p_kv_host_delete(const char *key, size_t key_len);
WWS_P_KV_IMPORT("increment")
int32_t wws_p_kv_host_increment(const char *key, size_t key_len, int64_t delta, int64_t ttl_ms, int64_t *result);
WWS_P_KV_IMPORT("compare_and_swap")
int32_t wws_p_kv_host_cas(const char *key, size_t key_len, const char *expected, size_t expected_len, const char *value,
                          size_t value_len, int64_t ttl_ms);
WWS_P_KV_IMPORT("expire") int32_t wws_p_kv_host_expire(const char *key, size_t key_len, int64_t ttl_ms);
WWS_P_KV_IMPORT("list")
int64_t wws_p_kv_host_list(const char *prefix, size_t prefix_len, const char *after, size_t after_len, uint32_t limit,
                           char *buf, size_t cap);
#undef WWS_P_KV_IMPORT
#define WWS_P_KV_NO_VALUE ((size_t)0xFFFFFFFFu)

/* Reads a result of `length` bytes: from `small` when it fitted, else through take(). The
 * returned buffer is malloc'ed and NUL-terminated. */
static inline char *wws_p_kv_collect(int64_t length, const char *small, size_t small_cap) {
  char *value = (char *)malloc((size_t)length + 1);
  if (!value) abort();
  if ((size_t)length <= small_cap) memcpy(value, small, (size_t)length);
  else if (wws_p_kv_host_take(value, (size_t)length) != length) abort();
  value[length] = '\0';
  return value;
}

/* The value of a binary key; *value_len gets its length (values may contain NUL). NULL if absent
 * or on error (then *error, if given, gets the code). */
static inline const char *wws_kv_get_n(const char *key, size_t key_len, size_t *value_len, int *error) {
  char small[512];
  int64_t n = wws_p_kv_host_get(key, key_len, small, sizeof small);
  if (error) *error = n < 0 ? (int)n : 0;
  if (n < 0) return NULL;
  if (value_len) *value_len = (size_t)n;
  return wws_p_kv_collect(n, small, sizeof small);
}

static inline int wws_kv_set_n(const char *key, size_t key_len, const void *value, size_t value_len, int64_t ttl_ms) {
  return wws_p_kv_host_set(key, key_len, (const char *)value, value_len, ttl_ms);
}

static inline int wws_kv_delete_n(const char *key, size_t key_len) { return wws_p_kv_host_delete(key, key_len); }

static inline int wws_kv_increment_ttl(const char *key, int64_t delta, int64_t ttl_ms, int64_t *result) {
  int64_t value = 0;
  int r = wws_p_kv_host_increment(key, strlen(key), delta, ttl_ms, &value);
  if (r == 0 && result) *result = value;
  return r;
}

static inline int wws_kv_compare_and_swap_ttl(const char *key, const char *expected, const char *value,
                                              int64_t ttl_ms) {
  return wws_p_kv_host_cas(key, strlen(key), expected, expected ? strlen(expected) : WWS_P_KV_NO_VALUE, value,
                           value ? strlen(value) : WWS_P_KV_NO_VALUE, ttl_ms);
}

static inline int wws_kv_expire(const char *key, int64_t ttl_ms) {
  return wws_p_kv_host_expire(key, strlen(key), ttl_ms);
}

static inline int wws_kv_list(const char *prefix, const char *after, size_t limit, wws_kv_keys *out) {
  char small[1024];
  if (!prefix) prefix = "";
  if (!after) after = "";
  if (limit > 0xFFFFFFFFu) limit = 0xFFFFFFFFu;
  int64_t n = wws_p_kv_host_list(prefix, strlen(prefix), after, strlen(after), (uint32_t)limit, small, sizeof small);
  if (n < 0) return (int)n;
  char *encoded = wws_p_kv_collect(n, small, sizeof small);
  for (size_t at = 0; at + 4 <= (size_t)n;) {
    uint32_t len;
    memcpy(&len, encoded + at, 4);
    wws_p_keys_push(out, encoded + at + 4, len);
    at += 4 + len;
  }
  free(encoded);
  return 0;
}

/* The whole namespace as a map, for code written for the snapshot protocol: one list and one get
 * per key, so prefer wws_kv_get / wws_kv_list. */
static inline const wws_map *wws_request_kv(void) {
  static wws_map all = {0, NULL, NULL, NULL};
  static int built = 0;
  if (built) return &all;
  built = 1;
  wws_kv_keys keys = {0, NULL, NULL};
  const char *after = "";
  for (;;) {
    size_t before = keys.count;
    if (wws_kv_list("", after, 1000, &keys) < 0) break;
    if (keys.count - before < 1000) break;
    after = keys.keys[keys.count - 1];
  }
  for (size_t i = 0; i < keys.count; i++) {
    size_t len = 0;
    const char *value = wws_kv_get_n(keys.keys[i], keys.key_lengths[i], &len, NULL);
    if (value) wws_p_map_put(&all, wws_p_strdup(keys.keys[i]), (char *)value, len);
  }
  wws_kv_keys_free(&keys);
  return &all;
}

static inline void wws_p_kv_ops_json(wws_buf *out) { (void)out; }

#else /* WWS_KV_SNAPSHOT: the namespace arrives on stdin; changes go back in the output */

static int wws_p_kv_changed;
static int wws_p_kv_loaded;
static wws_map wws_p_kv_original; /* the snapshot as it came, for keys atomic ops touched */
static wws_map wws_p_kv_op_keys;  /* keys whose writes travel as "kv_ops" (values unused) */
static wws_buf wws_p_kv_ops;      /* the "kv_ops" array's items, comma-separated */

static inline void wws_p_kv_load(void) {
  wws_request_load();
  if (wws_p_kv_loaded) return;
  wws_p_kv_loaded = 1;
  for (size_t i = 0; i < wws_p_req.kv.count; i++) {
    char *v = (char *)malloc(wws_p_req.kv.value_lengths[i] + 1);
    if (!v) abort();
    memcpy(v, wws_p_req.kv.values[i], wws_p_req.kv.value_lengths[i] + 1);
    wws_p_map_put(&wws_p_kv_original, wws_p_strdup(wws_p_req.kv.keys[i]), v, wws_p_req.kv.value_lengths[i]);
  }
}

static inline void wws_p_kv_op(const char *op, const char *key) {
  if (wws_p_kv_ops.len) wws_buf_putc(&wws_p_kv_ops, ',');
  wws_buf_printf(&wws_p_kv_ops, "{\"op\":\"%s\",\"key\":", op);
  wws_buf_json_string(&wws_p_kv_ops, key);
  if (wws_p_map_find(&wws_p_kv_op_keys, key, 0) < 0)
    wws_p_map_put(&wws_p_kv_op_keys, wws_p_strdup(key), wws_p_strdup(""), 0);
}

static inline const wws_map *wws_request_kv(void) {
  wws_p_kv_load();
  return &wws_p_req.kv;
}

static inline const char *wws_kv_get_n(const char *key, size_t key_len, size_t *value_len, int *error) {
  wws_p_kv_load();
  long at = key_len == strlen(key) ? wws_p_map_find(&wws_p_req.kv, key, 0) : -1;
  if (error) *error = at < 0 ? WWS_KV_NOT_FOUND : 0;
  if (at < 0) return NULL;
  if (value_len) *value_len = wws_p_req.kv.value_lengths[at];
  return wws_p_req.kv.values[at];
}

static inline int wws_kv_set_n(const char *key, size_t key_len, const void *value, size_t value_len, int64_t ttl_ms) {
  wws_p_kv_load();
  if (key_len != strlen(key)) return WWS_KV_NOT_SUPPORTED;
  char *copy = (char *)malloc(value_len + 1);
  if (!copy) abort();
  memcpy(copy, value, value_len);
  copy[value_len] = '\0';
  if (ttl_ms > 0 || wws_p_map_find(&wws_p_kv_op_keys, key, 0) >= 0) {
    wws_p_kv_op("set", key);
    wws_buf_puts(&wws_p_kv_ops, ",\"value\":");
    wws_buf_json_string_n(&wws_p_kv_ops, copy, value_len);
    wws_buf_printf(&wws_p_kv_ops, ",\"ttl_ms\":%lld}", (long long)ttl_ms);
  }
  wws_p_map_put(&wws_p_req.kv, wws_p_strdup(key), copy, value_len);
  wws_p_kv_changed = 1;
  return 0;
}

static inline int wws_kv_delete_n(const char *key, size_t key_len) {
  wws_p_kv_load();
  if (key_len != strlen(key)) return WWS_KV_NOT_SUPPORTED;
  if (wws_p_map_find(&wws_p_kv_op_keys, key, 0) >= 0) {
    wws_p_kv_op("delete", key);
    wws_buf_putc(&wws_p_kv_ops, '}');
  }
  wws_p_map_remove(&wws_p_req.kv, key);
  wws_p_kv_changed = 1;
  return 0;
}

/* Snapshot mode: the server applies the increment atomically after the run; *result is the value
 * this run sees (its snapshot's value plus its own increments), which concurrent runs may share. */
static inline int wws_kv_increment_ttl(const char *key, int64_t delta, int64_t ttl_ms, int64_t *result) {
  wws_p_kv_load();
  long at = wws_p_map_find(&wws_p_req.kv, key, 0);
  long long current = 0;
  if (at >= 0) {
    char *end = NULL;
    current = strtoll(wws_p_req.kv.values[at], &end, 10);
    if (!*wws_p_req.kv.values[at] || *end) return WWS_KV_NOT_A_NUMBER;
  }
  char text[24];
  snprintf(text, sizeof text, "%lld", current + delta);
  wws_p_kv_op("incr", key);
  wws_buf_printf(&wws_p_kv_ops, ",\"by\":%lld,\"ttl_ms\":%lld}", (long long)delta, (long long)ttl_ms);
  wws_p_map_put(&wws_p_req.kv, wws_p_strdup(key), wws_p_strdup(text), strlen(text));
  if (result) *result = current + delta;
  return 0;
}

/* Snapshot mode: checked against this run's snapshot now (1 or 0), and again by the server at
 * commit; if another run changed the key meanwhile the request answers 409 and writes nothing. */
static inline int wws_kv_compare_and_swap_ttl(const char *key, const char *expected, const char *value,
                                              int64_t ttl_ms) {
  wws_p_kv_load();
  long at = wws_p_map_find(&wws_p_req.kv, key, 0);
  int matches = expected ? at >= 0 && !strcmp(wws_p_req.kv.values[at], expected) : at < 0;
  if (!matches) return 0;
  wws_p_kv_op("cas", key);
  wws_buf_puts(&wws_p_kv_ops, ",\"expect\":");
  wws_buf_json_string(&wws_p_kv_ops, expected);
  wws_buf_puts(&wws_p_kv_ops, ",\"value\":");
  wws_buf_json_string(&wws_p_kv_ops, value);
  wws_buf_printf(&wws_p_kv_ops, ",\"ttl_ms\":%lld}", (long long)ttl_ms);
  if (value) wws_p_map_put(&wws_p_req.kv, wws_p_strdup(key), wws_p_strdup(value), strlen(value));
  else wws_p_map_remove(&wws_p_req.kv, key);
  return 1;
}

static inline int wws_kv_expire(const char *key, int64_t ttl_ms) {
  wws_p_kv_load();
  if (wws_p_map_find(&wws_p_req.kv, key, 0) < 0) return 0;
  wws_p_kv_op("expire", key);
  wws_buf_printf(&wws_p_kv_ops, ",\"ttl_ms\":%lld}", (long long)ttl_ms);
  return 1;
}

static inline int wws_p_key_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static inline int wws_kv_list(const char *prefix, const char *after, size_t limit, wws_kv_keys *out) {
  wws_p_kv_load();
  size_t n = wws_p_req.kv.count, plen = prefix ? strlen(prefix) : 0;
  char **sorted = (char **)malloc((n ? n : 1) * sizeof(char *));
  if (!sorted) abort();
  memcpy(sorted, wws_p_req.kv.keys, n * sizeof(char *));
  qsort(sorted, n, sizeof(char *), wws_p_key_cmp);
  for (size_t i = 0; i < n && out->count < limit; i++) {
    if (plen && strncmp(sorted[i], prefix, plen) != 0) continue;
    if (after && *after && strcmp(sorted[i], after) <= 0) continue;
    wws_p_keys_push(out, sorted[i], strlen(sorted[i]));
  }
  free(sorted);
  return 0;
}

/* "kv" with the keys atomic ops touched left as the snapshot had them (the ops change them). */
static inline void wws_p_kv_json(wws_buf *out) {
  int first = 1;
  wws_buf_puts(out, ",\"kv\":{");
  for (size_t i = 0; i < wws_p_req.kv.count; i++) {
    if (wws_p_map_find(&wws_p_kv_op_keys, wws_p_req.kv.keys[i], 0) >= 0) continue;
    if (!first) wws_buf_putc(out, ',');
    first = 0;
    wws_buf_json_string(out, wws_p_req.kv.keys[i]);
    wws_buf_putc(out, ':');
    wws_buf_json_string_n(out, wws_p_req.kv.values[i], wws_p_req.kv.value_lengths[i]);
  }
  for (size_t i = 0; i < wws_p_kv_op_keys.count; i++) {
    long at = wws_p_map_find(&wws_p_kv_original, wws_p_kv_op_keys.keys[i], 0);
    if (at < 0) continue;
    if (!first) wws_buf_putc(out, ',');
    first = 0;
    wws_buf_json_string(out, wws_p_kv_original.keys[at]);
    wws_buf_putc(out, ':');
    wws_buf_json_string_n(out, wws_p_kv_original.values[at], wws_p_kv_original.value_lengths[at]);
  }
  wws_buf_putc(out, '}');
}

static inline void wws_p_kv_ops_json(wws_buf *out) {
  if (wws_p_kv_changed) wws_p_kv_json(out);
  if (!wws_p_kv_ops.len) return;
  wws_buf_puts(out, ",\"kv_ops\":[");
  wws_buf_append(out, wws_p_kv_ops.data, wws_p_kv_ops.len);
  wws_buf_putc(out, ']');
}

#endif /* WWS_KV_SNAPSHOT */

/* The common API, on top of either mode. */
static inline const char *wws_kv_get(const char *key) { return wws_kv_get_n(key, strlen(key), NULL, NULL); }
static inline int wws_kv_set(const char *key, const char *value) {
  return wws_kv_set_n(key, strlen(key), value, strlen(value), 0);
}
static inline int wws_kv_set_ttl(const char *key, const char *value, int64_t ttl_ms) {
  return wws_kv_set_n(key, strlen(key), value, strlen(value), ttl_ms);
}
static inline int wws_kv_delete(const char *key) { return wws_kv_delete_n(key, strlen(key)); }
static inline int wws_kv_increment(const char *key, int64_t delta, int64_t *result) {
  return wws_kv_increment_ttl(key, delta, 0, result);
}
/* 1 swapped, 0 the value was not `expected` (NULL: must be absent); `value` NULL deletes. */
static inline int wws_kv_compare_and_swap(const char *key, const char *expected, const char *value) {
  return wws_kv_compare_and_swap_ttl(key, expected, value, 0);
}

/* ---------------------------------------------------------------- response */

static struct {
  int status;
  size_t header_count; /* headers in insertion order; a name may repeat */
  char **header_names;
  char **header_values;
  wws_buf body;
} wws_p_res = {200, 0, NULL, NULL, {NULL, 0, 0}};

static inline void wws_response_status(int code) { wws_p_res.status = code; }

static inline void wws_response_header(const char *name, const char *value) {
  size_t n = wws_p_res.header_count + 1;
  wws_p_res.header_names = (char **)realloc(wws_p_res.header_names, n * sizeof(char *));
  wws_p_res.header_values = (char **)realloc(wws_p_res.header_values, n * sizeof(char *));
  if (!wws_p_res.header_names || !wws_p_res.header_values) abort();
  wws_p_res.header_names[n - 1] = wws_p_strdup(name);
  wws_p_res.header_values[n - 1] = wws_p_strdup(value);
  wws_p_res.header_count = n;
}

static inline void wws_response_body_bytes(const void *bytes, size_t length) {
  wws_p_res.body.len = 0;
  wws_buf_append(&wws_p_res.body, bytes, length);
}

static inline void wws_response_body(const char *text) { wws_response_body_bytes(text, strlen(text)); }

static inline void wws_response_append(const void *bytes, size_t length) {
  wws_buf_append(&wws_p_res.body, bytes, length);
}

static inline void wws_response_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wws_buf_vprintf(&wws_p_res.body, fmt, ap);
  va_end(ap);
}

/* Serialises the response to the protocol's JSON (exposed for tests and for workers that want to
 * post-process it). The caller frees `out`. */
static inline void wws_response_json(wws_buf *out) {
  const unsigned char *body = (const unsigned char *)wws_p_res.body.data;
  size_t body_len = wws_p_res.body.len;
  int as_base64 = !wws_is_utf8(body, body_len) || (body_len && memchr(body, 0, body_len));

  wws_buf_puts(out, "{\"data\":");
  if (as_base64) {
    wws_buf_putc(out, '"');
    wws_base64_encode(out, body, body_len);
    wws_buf_putc(out, '"');
  } else {
    wws_buf_json_string_n(out, (const char *)body, body_len);
  }
  wws_buf_printf(out, ",\"status\":%d,\"headers\":{", wws_p_res.status);
  /* One JSON key per distinct name (case-insensitive); repeated names become an array. */
  int first = 1;
  for (size_t i = 0; i < wws_p_res.header_count; i++) {
    int seen = 0;
    for (size_t k = 0; k < i && !seen; k++) seen = !strcasecmp(wws_p_res.header_names[k], wws_p_res.header_names[i]);
    if (seen) continue;
    size_t repeats = 0;
    for (size_t k = i; k < wws_p_res.header_count; k++)
      repeats += !strcasecmp(wws_p_res.header_names[k], wws_p_res.header_names[i]);
    if (!first) wws_buf_putc(out, ',');
    first = 0;
    wws_buf_json_string(out, wws_p_res.header_names[i]);
    wws_buf_putc(out, ':');
    if (repeats == 1) {
      wws_buf_json_string(out, wws_p_res.header_values[i]);
      continue;
    }
    wws_buf_putc(out, '[');
    int first_value = 1;
    for (size_t k = i; k < wws_p_res.header_count; k++) {
      if (strcasecmp(wws_p_res.header_names[k], wws_p_res.header_names[i]) != 0) continue;
      if (!first_value) wws_buf_putc(out, ',');
      first_value = 0;
      wws_buf_json_string(out, wws_p_res.header_values[k]);
    }
    wws_buf_putc(out, ']');
  }
  wws_buf_putc(out, '}');
  wws_p_kv_ops_json(out);
  wws_buf_puts(out, as_base64 ? ",\"base64\":true}" : ",\"base64\":false}");
}

/* Writes the response JSON to stdout. Returns 0 on success, 1 when stdout failed (return it from
 * main: a non-zero exit makes the server answer 500). */
static inline int wws_respond(void) {
  wws_buf out = {NULL, 0, 0};
  wws_response_json(&out);
  size_t written = fwrite(out.data, 1, out.len, stdout);
  int ok = written == out.len && fflush(stdout) == 0;
  wws_buf_free(&out);
  return ok ? 0 : 1;
}

/* Ends the run as a failure: the message goes to the server log (stderr), the server answers
 * 500 and stores none of this run's K/V changes. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void wws_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

/* ---------------------------------------------------------------- outbound HTTP */

/* The host's `http.send-http-request` import (the wit-bindgen 0.2 canonical ABI of the original
 * wws kits). The host checks the worker's [features.http_requests] and places its results in
 * memory it gets from canonical_abi_realloc, which the kit exports (define
 * WWS_NO_CANONICAL_ABI_EXPORTS before including this header to export your own instead). */
#ifdef __wasm__
__attribute__((import_module("http"), import_name("send-http-request"))) void wws_p_host_send_http_request(
    int32_t body_is_some, const void *body, size_t body_len, const void *headers, size_t headers_len, int32_t method,
    const void *params, size_t params_len, const char *uri, size_t uri_len, void *ret);

#ifndef WWS_NO_CANONICAL_ABI_EXPORTS
__attribute__((weak, export_name("canonical_abi_realloc"))) void *canonical_abi_realloc(void *ptr, size_t old_size,
                                                                                        size_t align, size_t new_size) {
  (void)old_size;
  (void)align; /* malloc's 16-byte alignment covers every request of the ABI */
  void *grown = realloc(ptr, new_size ? new_size : 1);
  if (!grown) abort();
  return grown;
}

__attribute__((weak, export_name("canonical_abi_free"))) void canonical_abi_free(void *ptr, size_t size, size_t align) {
  (void)size;
  (void)align;
  free(ptr);
}
#endif /* WWS_NO_CANONICAL_ABI_EXPORTS */
#endif /* __wasm__ */

/* Why a request got no response (the host interface's http-error enum). */
enum {
  WWS_HTTP_INVALID_REQUEST = 0,
  WWS_HTTP_INVALID_REQUEST_BODY = 1,
  WWS_HTTP_INVALID_RESPONSE_BODY = 2,
  WWS_HTTP_NOT_ALLOWED = 3,
  WWS_HTTP_INTERNAL_ERROR = 4,
  WWS_HTTP_TIMEOUT = 5,
  WWS_HTTP_REDIRECT_LOOP = 6
};

typedef struct {
  int ok; /* 1: a response arrived; 0: see error and message */
  int status;
  size_t header_count; /* response headers in order; a name may repeat */
  char **header_names;
  char **header_values;
  wws_buf body;  /* the exact bytes (may contain NUL) */
  int error;     /* WWS_HTTP_* when !ok */
  char *message; /* the host's reason when !ok, e.g. "The host 'x' is not allowed ..." */
} wws_http_response;

/* The host answers with guest addresses as i32 words: this turns one back into a pointer. */
static inline void *wws_p_guest_pointer(uint32_t address) {
  return (void *)(uintptr_t)address; /* NOLINT(performance-no-int-to-ptr): the ABI passes addresses as integers */
}

/* Sends a request; `headers` holds header_count (name, value) pairs as a flat array
 * {"name1", "value1", "name2", "value2", ...}. Methods: GET, POST, PUT, PATCH, DELETE, OPTIONS,
 * HEAD (anything else is refused). Returns res->ok. Free the result with wws_http_response_free. */
static inline int wws_http_send(const char *method, const char *url, const char *const *headers, size_t header_count,
                                const void *body, size_t body_len, wws_http_response *res) {
  static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"};
  memset(res, 0, sizeof *res);
  int32_t code = -1;
  for (int32_t i = 0; i < 7; i++)
    if (!strcasecmp(method, methods[i])) code = i;
  if (code < 0) {
    res->error = WWS_HTTP_INVALID_REQUEST;
    res->message = wws_p_strdup("the host supports only GET, POST, PUT, PATCH, DELETE, OPTIONS and HEAD");
    return 0;
  }
  uint32_t *words = (uint32_t *)calloc(header_count * 4 + 1, sizeof(uint32_t));
  if (!words) abort();
  for (size_t i = 0; i < header_count; i++) {
    words[i * 4] = (uint32_t)(uintptr_t)headers[i * 2];
    words[i * 4 + 1] = (uint32_t)strlen(headers[i * 2]);
    words[i * 4 + 2] = (uint32_t)(uintptr_t)headers[i * 2 + 1];
    words[i * 4 + 3] = (uint32_t)strlen(headers[i * 2 + 1]);
  }
  uint32_t ret[7] = {0}; /* the 28-byte return area */
#ifdef __wasm__
  wws_p_host_send_http_request(1, body, body_len, words, header_count, code, NULL, 0, url, strlen(url), ret);
#else
  (void)body;
  (void)body_len;
  (void)url;
  free(words);
  res->error = WWS_HTTP_INTERNAL_ERROR;
  res->message = wws_p_strdup("wws_http_send needs the wws host: build for wasm32-wasi");
  return 0;
#endif
  free(words);
  const unsigned char *tag = (const unsigned char *)ret;
  if (tag[0] != 0) {
    res->error = tag[4];
    res->message = (char *)malloc(ret[3] + 1);
    if (!res->message) abort();
    memcpy(res->message, wws_p_guest_pointer(ret[2]), ret[3]);
    res->message[ret[3]] = '\0';
    free(wws_p_guest_pointer(ret[2]));
    return 0;
  }
  res->ok = 1;
  res->status = (int)(ret[6] & 0xFFFF);
  if (tag[4]) {
    wws_buf_append(&res->body, wws_p_guest_pointer(ret[2]), ret[3]);
    free(wws_p_guest_pointer(ret[2]));
  }
  wws_buf_reserve(&res->body, 0);
  const uint32_t *list = (const uint32_t *)wws_p_guest_pointer(ret[4]);
  res->header_count = ret[5];
  res->header_names = (char **)calloc(ret[5] + 1, sizeof(char *));
  res->header_values = (char **)calloc(ret[5] + 1, sizeof(char *));
  if (!res->header_names || !res->header_values) abort();
  for (size_t i = 0; i < res->header_count; i++) {
    for (int k = 0; k < 2; k++) {
      char *text = (char *)malloc(list[i * 4 + k * 2 + 1] + 1);
      if (!text) abort();
      memcpy(text, wws_p_guest_pointer(list[i * 4 + k * 2]), list[i * 4 + k * 2 + 1]);
      text[list[i * 4 + k * 2 + 1]] = '\0';
      free(wws_p_guest_pointer(list[i * 4 + k * 2]));
      (k ? res->header_values : res->header_names)[i] = text;
    }
  }
  free(wws_p_guest_pointer(ret[4]));
  return 1;
}

/* The first value of a response header (case-insensitive), or NULL. */
static inline const char *wws_http_response_header(const wws_http_response *res, const char *name) {
  for (size_t i = 0; i < res->header_count; i++)
    if (!strcasecmp(res->header_names[i], name)) return res->header_values[i];
  return NULL;
}

static inline void wws_http_response_free(wws_http_response *res) {
  for (size_t i = 0; i < res->header_count; i++) {
    free(res->header_names[i]);
    free(res->header_values[i]);
  }
  free(res->header_names);
  free(res->header_values);
  wws_buf_free(&res->body);
  free(res->message);
  memset(res, 0, sizeof *res);
}

#endif /* WWS_H */
