// Mirrors the original's examples/go-params (r.Context().Value(worker.ParamsKey), served as
// [id].wasm).
package main

import (
	"fmt"
	"net/http"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		params, _ := r.Context().Value(worker.ParamsKey).(map[string]string)
		id := "(no id)"
		if val, ok := params["id"]; ok {
			id = val
		}
		w.Header().Set("x-generated-by", "wasm-workers-server")
		w.Write([]byte(fmt.Sprintf("id=%s", id)))
	})
}
