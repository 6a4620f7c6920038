// Reads the request document itself, reads one key through the kit's key-by-key K/V and
// answers "sent=<keys in the request's kv> value=<the key's value>": a module that imports
// wws_kv (as every module built with the kit does) must be sent "kv":{}.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	raw, _ := io.ReadAll(os.Stdin)
	var in struct {
		URL string            `json:"url"`
		KV  map[string]string `json:"kv"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	u, _ := url.Parse(in.URL)
	value, ok := worker.KV(nil).Get(u.Query().Get("key"))
	if !ok {
		value = "(none)"
	}
	out, _ := json.Marshal(map[string]any{"data": fmt.Sprintf("sent=%d value=%s", len(in.KV), value), "status": 200,
		"headers": map[string]string{}})
	os.Stdout.Write(out)
}
