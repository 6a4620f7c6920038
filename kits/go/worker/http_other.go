//go:build !wasip1

package worker

import "net/http"

// SendHttpRequest needs the wws host, which only a wasip1 build has.
func SendHttpRequest(req *http.Request) (*http.Response, error) {
	return nil, &HttpRequestError{InternalError, "SendHttpRequest needs the wws host: build with GOOS=wasip1 GOARCH=wasm"}
}
