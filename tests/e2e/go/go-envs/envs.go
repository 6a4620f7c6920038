// Mirrors the original's examples/go-envs (os.Getenv of a [vars] entry); like the original it
// has no go.mod of its own and builds inside the repository's module.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-generated-by", "wasm-workers-server")
		w.Write([]byte(fmt.Sprintf("MESSAGE=%s", os.Getenv("MESSAGE"))))
	})
}
