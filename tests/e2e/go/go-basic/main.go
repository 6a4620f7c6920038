// Mirrors the original's examples/go-basic (worker.ServeFunc, io.ReadAll(r.Body),
// r.URL.String(), r.Method, r.UserAgent(), w.Header().Set, w.Write): echoes the request.
package main

import (
	"fmt"
	"io"
	"net/http"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, err := io.ReadAll(r.Body)
		if err != nil {
			panic(err)
		}
		r.Body.Close()
		if len(payload) == 0 {
			payload = []byte("-")
		}
		w.Header().Set("x-generated-by", "wasm-workers-server")
		w.Write([]byte(fmt.Sprintf("url=%s\nmethod=%s\nagent=%s\nbody=%s", r.URL.String(), r.Method, r.UserAgent(), payload)))
	})
}
