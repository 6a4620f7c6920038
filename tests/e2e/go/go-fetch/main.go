// Mirrors the original's examples/go-fetch (sjson builds a JSON body, http.NewRequest POST,
// worker.SendHttpRequest, io.ReadAll(res.Body)); the upstream URL comes from the UPSTREAM var
// instead of a public API.
package main

import (
	"bytes"
	"io"
	"net/http"
	"os"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"

	"github.com/tidwall/sjson"
)

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := sjson.Set("", "title", "from go-fetch")
		body, _ = sjson.Set(body, "userId", 7)
		req, err := http.NewRequest(http.MethodPost, os.Getenv("UPSTREAM"), bytes.NewBufferString(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := worker.SendHttpRequest(req)
		if err != nil {
			panic(err)
		}
		answer, err := io.ReadAll(res.Body)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
		w.Header().Set("x-generated-by", "wasm-workers-server")
		w.Write(answer)
	})
}
