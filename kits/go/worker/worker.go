// Package worker is the Go kit for Wasm Workers Server (wws) workers, built with the standard Go
// toolchain (GOOS=wasip1 GOARCH=wasm, Go 1.21 or later). It keeps the API and import path of
// the original wws Go kit, so workers written for it build unchanged:
//
//	func main() {
//		worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
//			w.Header().Set("x-generated-by", "wasm-workers-server")
//			w.Write([]byte("Hello from " + r.URL.String()))
//		})
//	}
//
// wws runs the module once per request: the request arrives as JSON on stdin and the response
// leaves as JSON on stdout; this package turns them into a *http.Request and a
// http.ResponseWriter. KV(r) is the worker's K/V namespace, key by key through the host (Get,
// Set, Delete, atomic Increment and CompareAndSwap, TTLs; see kv.go);
// r.Context().Value(CacheKey) is the original kit's view of it, a map[string]string to set,
// change or delete keys in (it reads every key). r.Context().Value(ParamsKey) gives the route
// parameters. SendHttpRequest makes outbound requests through the host.
//
// Unlike the original kit, several Write calls append to one body, every value of a repeated
// header is sent, binary request bodies arrive intact, and K/V is read and written key by key
// (a worker touching one key pays for one key, whatever the namespace's size). A panic in the
// handler becomes a 500 with the panic in the server log, and no K/V change is stored.
package worker

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ContextKey is the type of the request context keys this package sets.
type ContextKey string

const (
	// CacheKey gives the worker's K/V namespace, a map[string]string the handler may change
	// (read whole from the host when first asked for; KV(r) reads key by key).
	CacheKey ContextKey = "CACHE"
	// ParamsKey gives the route parameters, a map[string]string ("[id].wasm" -> "id").
	ParamsKey ContextKey = "PARAMS"
)

// input is the request document wws writes to stdin ("kv", the namespace old kits got, is
// empty for a module built with this kit: see kv.go).
type input struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Base64  bool              `json:"base64"`
	Params  map[string]string `json:"params"`
}

// responseWriter collects the response; it is written once, after the handler returns.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) Write(data []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(data)
}

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 { // as in net/http, the first status counts
		w.status = status
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func readRequest() (*http.Request, *kitContext) {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("worker: cannot read the request from stdin: %v", err)
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		fail("worker: the request is not valid JSON: %v", err)
	}
	body := []byte(in.Body)
	if in.Base64 {
		if body, err = base64.StdEncoding.DecodeString(in.Body); err != nil {
			fail("worker: the request body is not valid base64: %v", err)
		}
	}
	if in.Method == "" {
		in.Method = http.MethodGet
	}
	req, err := http.NewRequest(in.Method, in.URL, bytes.NewReader(body))
	if err != nil {
		fail("worker: cannot build the request: %v", err)
	}
	for name, value := range in.Headers {
		req.Header.Set(name, value)
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host
	}
	req.RequestURI = req.URL.RequestURI()
	if in.Params == nil {
		in.Params = map[string]string{}
	}
	// This module imports wws_kv, so wws sends no namespace ("kv" is {}): K/V goes through the host.
	ctx := &kitContext{Context: req.Context(), cache: theCache, params: in.Params}
	return req.WithContext(ctx), ctx
}

// appendJSONString appends s as a quoted JSON string. Bytes >= 0x80 are copied, so the result
// is valid JSON when s is valid UTF-8; header values that are not become U+FFFD first.
func appendJSONString(out []byte, s string) []byte {
	const hex = "0123456789abcdef"
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}

func writeResponse(w *responseWriter) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	data := w.body.Bytes()
	binary := !utf8.Valid(data)
	out := make([]byte, 0, len(data)+256)
	out = append(out, `{"data":`...)
	if binary {
		out = append(out, '"')
		out = append(out, base64.StdEncoding.EncodeToString(data)...)
		out = append(out, '"')
	} else {
		out = appendJSONString(out, string(data))
	}
	out = append(out, `,"status":`...)
	out = strconv.AppendInt(out, int64(status), 10)
	out = append(out, `,"headers":{`...)
	first := true
	for name, values := range w.header {
		if len(values) == 0 {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendJSONString(out, name)
		out = append(out, ':')
		if len(values) == 1 {
			out = appendJSONString(out, values[0])
			continue
		}
		out = append(out, '[')
		for i, v := range values {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendJSONString(out, v)
		}
		out = append(out, ']')
	}
	out = append(out, '}')
	out = append(out, `,"base64":`...)
	out = strconv.AppendBool(out, binary)
	out = append(out, '}')
	if _, err := os.Stdout.Write(out); err != nil {
		fail("worker: cannot write the response: %v", err)
	}
}

// Serve runs handler for the request wws sent and writes its response. The handler's K/V
// writes are stored only if it returns (a panic is a 500 that stores none) and none failed.
func Serve(handler http.Handler) {
	req, ctx := readRequest()
	w := &responseWriter{header: http.Header{}}
	handler.ServeHTTP(w, req)
	if err := ctx.finish(); err != nil {
		fail("worker: the handler's K/V writes failed: %v", err)
	}
	writeResponse(w)
}

// ServeFunc is Serve for a handler function.
func ServeFunc(handler http.HandlerFunc) {
	Serve(handler)
}
