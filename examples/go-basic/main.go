// A Go worker (standard Go, GOOS=wasip1): built into index.wasm, so it answers /go-basic.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "text/plain")
		w.Header().Set("x-generated-by", "wasm-workers-server")
		fmt.Fprintf(w, "%s You asked for %s with %s.\n", os.Getenv("MESSAGE"), r.URL, r.Method)
	})
}
