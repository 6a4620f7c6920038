// A Go worker with K/V: counts its requests in the namespace of index.toml.
package main

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		cache := r.Context().Value(worker.CacheKey).(map[string]string)
		count, _ := strconv.Atoi(cache["count"])
		cache["count"] = strconv.Itoa(count + 1)
		w.Header().Set("content-type", "text/plain")
		fmt.Fprintf(w, "This Go worker has answered %d times.\n", count+1)
	})
}
