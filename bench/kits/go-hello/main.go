// The same answer as the C hello worker (text/plain "Hello from wws"), with the Go kit.
package main

import (
	"net/http"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "text/plain")
		w.Write([]byte("Hello from wws"))
	})
}
