//go:build wasip1

package worker

// Outbound HTTP through the host: the `http.send-http-request` import wws provides to wasm
// workers, in the wit-bindgen 0.2 canonical ABI of the original kits. The host checks every
// request against the worker's [features.http_requests] and writes the result into guest
// memory it obtains from canonical_abi_realloc.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"unsafe"
)

// hostAllocations keeps what the host allocated during one call alive until it is copied out.
var hostAllocations [][]uint64

//go:wasmexport canonical_abi_realloc
func canonicalAbiRealloc(ptr, oldSize, align, newSize uint32) uint32 {
	if newSize == 0 {
		return align
	}
	block := make([]uint64, (newSize+7)/8) // 8-aligned, whatever the requested alignment
	if ptr != 0 && oldSize != 0 {
		keep := oldSize
		if newSize < keep {
			keep = newSize
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&block[0])), newSize),
			unsafe.Slice((*byte)(unsafe.Pointer(uintptr(ptr))), keep))
	}
	hostAllocations = append(hostAllocations, block)
	return uint32(uintptr(unsafe.Pointer(&block[0])))
}

//go:wasmexport canonical_abi_free
func canonicalAbiFree(ptr, size, align uint32) {}

//go:wasmimport http send-http-request
func hostSendHttpRequest(bodyIsSome, bodyPtr, bodyLen, headersPtr, headersLen, method,
	paramsPtr, paramsLen, uriPtr, uriLen, ret uint32)

// The 28-byte return area (4-aligned); a global so no stack move can invalidate it.
var retArea [8]uint32

func address(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

func guestBytes(ptr, length uint32) []byte {
	if length == 0 {
		return nil
	}
	return bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(ptr))), length))
}

// SendHttpRequest sends req through the host and returns its response. Methods other than GET,
// POST, PUT, PATCH, DELETE, OPTIONS and HEAD are refused (the host interface has no others).
func SendHttpRequest(req *http.Request) (*http.Response, error) {
	method, ok := methodCodes[req.Method]
	if req.Method == "" {
		method, ok = 0, true
	}
	if !ok {
		return nil, &HttpRequestError{InvalidRequest, "the method " + req.Method + " is not supported by the host"}
	}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	// list<tuple<string,string>>: ptr, len, ptr, len per header value.
	var strs [][]byte
	var words []uint32
	for name, values := range req.Header {
		for _, value := range values {
			n, v := []byte(name), []byte(value)
			strs = append(strs, n, v)
			words = append(words, address(n), uint32(len(n)), address(v), uint32(len(v)))
		}
	}
	uri := []byte(req.URL.String())
	var wordsPtr uint32
	if len(words) > 0 {
		wordsPtr = uint32(uintptr(unsafe.Pointer(&words[0])))
	}
	hostAllocations = hostAllocations[:0]
	retArea = [8]uint32{}
	hostSendHttpRequest(1, address(body), uint32(len(body)), wordsPtr, uint32(len(words)/4), method,
		0, 0, address(uri), uint32(len(uri)), uint32(uintptr(unsafe.Pointer(&retArea[0]))))
	runtime.KeepAlive(body)
	runtime.KeepAlive(strs)
	runtime.KeepAlive(words)
	runtime.KeepAlive(uri)
	defer func() { hostAllocations = hostAllocations[:0] }()

	r := retArea
	if r[0]&0xff != 0 {
		return nil, &HttpRequestError{HttpError(r[1] & 0xff), string(guestBytes(r[2], r[3]))}
	}
	res := &http.Response{
		Status:     fmt.Sprintf("%d %s", r[6]&0xffff, http.StatusText(int(r[6]&0xffff))),
		StatusCode: int(r[6] & 0xffff),
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{},
		Request: req,
	}
	var resBody []byte
	if r[1]&0xff != 0 {
		resBody = guestBytes(r[2], r[3])
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	res.ContentLength = int64(len(resBody))
	if r[5] > 0 {
		list := unsafe.Slice((*uint32)(unsafe.Pointer(uintptr(r[4]))), r[5]*4)
		for i := uint32(0); i < r[5]; i++ {
			f := list[i*4 : i*4+4]
			res.Header.Add(string(guestBytes(f[0], f[1])), string(guestBytes(f[2], f[3])))
		}
	}
	return res, nil
}
