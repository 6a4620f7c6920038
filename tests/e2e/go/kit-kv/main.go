// The Go kit's K/V calls (worker.KV, through the wws_kv host functions), one per request,
// chosen by ?op= (the same routes as the Rust kit's kit-kv and the C kit's kv_atomic):
//
//	get&key=K                       the value, or "(none)"
//	set&key=K&value=V[&ttl=MS]      del&key=K
//	incr&key=K[&by=N][&ttl=MS]      "K=<new value>"
//	cas&key=K[&expect=E][&value=V]  "swapped=1|0" (no expect: must be absent; no value: delete)
//	expire&key=K&ttl=MS             "1|0"
//	list[&prefix=P]                 keys joined with ","
//	len                             how many keys (through the original kit's CacheKey map)
//
// A K/V error answers 422 with its text; &fail=500 panics after the call.
package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func optional(q map[string][]string, name string) *string {
	if v, ok := q[name]; ok {
		return &v[0]
	}
	return nil
}

func answer(r *http.Request) (string, error) {
	q := r.URL.Query()
	kv := worker.KV(r)
	key := q.Get("key")
	ms, _ := strconv.ParseInt(q.Get("ttl"), 10, 64)
	ttl := time.Duration(ms) * time.Millisecond
	switch q.Get("op") {
	case "", "get":
		if v, ok := kv.Get(key); ok {
			return v, nil
		}
		return "(none)", nil
	case "set":
		if ttl > 0 {
			return "ok", kv.SetWithTTL(key, q.Get("value"), ttl)
		}
		return "ok", kv.Set(key, q.Get("value"))
	case "del":
		return "ok", kv.Delete(key)
	case "incr":
		by := int64(1)
		if b := q.Get("by"); b != "" {
			by, _ = strconv.ParseInt(b, 10, 64)
		}
		var n int64
		var err error
		if ttl > 0 {
			n, err = kv.IncrementWithTTL(key, by, ttl)
		} else {
			n, err = kv.Increment(key, by)
		}
		return fmt.Sprintf("%s=%d", key, n), err
	case "cas":
		swapped, err := kv.CompareAndSwap(key, optional(q, "expect"), optional(q, "value"))
		if swapped {
			return "swapped=1", err
		}
		return "swapped=0", err
	case "expire":
		ok, err := kv.Expire(key, ttl)
		if ok {
			return "1", err
		}
		return "0", err
	case "list":
		keys, err := kv.Keys(q.Get("prefix"))
		return strings.Join(keys, ","), err
	case "len":
		return strconv.Itoa(len(r.Context().Value(worker.CacheKey).(map[string]string))), nil
	}
	return "unknown op", nil
}

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "text/plain")
		body, err := answer(r)
		if err != nil {
			w.WriteHeader(422)
			fmt.Fprintf(w, "error: %v", err)
			return
		}
		if r.URL.Query().Get("fail") == "500" {
			panic("failing on purpose after " + body)
		}
		w.Write([]byte(body))
	})
}
