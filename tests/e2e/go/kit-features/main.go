// The Go kit's features beyond the original examples, served through worker.Serve with a
// standard http.ServeMux (the worker is mounted as <folder>/[...rest].wasm; the mux sees the path
// without <folder>):
// several Write calls, WriteHeader, repeated headers, exact binary bodies both ways, K/V set and
// delete, a panic as a 500, and SendHttpRequest with a method, headers, a body and an error.
package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/vmware-labs/wasm-workers-server/kits/go/worker"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/writes", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, "one,")
		fmt.Fprint(w, "two,")
		w.Write([]byte("three"))
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %d bytes: %s host=%s ct=%s", r.Method, len(body), hex.EncodeToString(body), r.Host, r.Header.Get("Content-Type"))
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte{0, 0xff, 0x80, 'A'})
	})
	mux.HandleFunc("/kv", func(w http.ResponseWriter, r *http.Request) {
		cache := r.Context().Value(worker.CacheKey).(map[string]string)
		if set := r.URL.Query().Get("set"); set != "" {
			k, v, _ := strings.Cut(set, ":")
			cache[k] = v
		}
		if del := r.URL.Query().Get("del"); del != "" {
			delete(cache, del)
		}
		var pairs []string
		for k, v := range cache {
			pairs = append(pairs, k+"="+v)
		}
		sort.Strings(pairs)
		w.Write([]byte(strings.Join(pairs, ",")))
	})
	mux.HandleFunc("/params", func(w http.ResponseWriter, r *http.Request) {
		params := r.Context().Value(worker.ParamsKey).(map[string]string)
		fmt.Fprintf(w, "rest=%s", params["rest"])
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		r.Context().Value(worker.CacheKey).(map[string]string)["panic-ran"] = "yes" // must not be stored
		w.Write([]byte("partial"))
		panic("the database is down")
	})
	mux.HandleFunc("/fetch", func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequest(http.MethodPut, os.Getenv("UPSTREAM")+r.URL.Query().Get("path"), r.Body)
		req.Header.Set("x-from", "go-kit")
		res, err := worker.SendHttpRequest(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "%v %s", err.(*worker.HttpRequestError).Kind, err)
			return
		}
		body, _ := io.ReadAll(res.Body)
		fmt.Fprintf(w, "%d %s %s", res.StatusCode, res.Header.Get("x-upstream"), body)
	})
	worker.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		r.URL.Path = "/" + rest
		mux.ServeHTTP(w, r)
	}))
}
