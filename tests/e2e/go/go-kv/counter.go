// Mirrors the original's examples/go-kv (r.Context().Value(worker.CacheKey) as a
// map[string]string, changed in place): a counter.
package main

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		cache, _ := r.Context().Value(worker.CacheKey).(map[string]string)
		var seen uint64
		if count, ok := cache["counter"]; ok {
			seen, _ = strconv.ParseUint(count, 10, 32)
		}
		cache["counter"] = fmt.Sprintf("%d", seen+1)
		w.Header().Set("x-generated-by", "wasm-workers-server")
		w.Write([]byte(fmt.Sprintf("counter=%d", seen)))
	})
}
