// Shows where a Go worker's state comes from: `boot` is computed by package initialisation
// (the clock and the runtime's random source), `count` and the URI by each request, MESSAGE by
// the worker's [vars]. Pre-initialised, `boot` is the same on every request and `count` is 1.
package main

import (
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"time"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

var boot = fmt.Sprintf("%d-%d", time.Now().UnixNano(), rand.Int63())
var count int

func main() {
	worker.ServeFunc(func(w http.ResponseWriter, r *http.Request) {
		count++
		fmt.Fprintf(w, "boot=%s count=%d message=%s uri=%s", boot, count, os.Getenv("MESSAGE"), r.URL.RequestURI())
	})
}
