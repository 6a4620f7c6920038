//go:build wasip1

package worker

// The `wws_kv` host functions (ABI version 1): K/V key by key, so a worker touching one key pays
// for one key whatever the size of its namespace. A module that imports them (every module
// built with this kit: Serve uses them) is not sent its namespace on stdin. Buffers are passed
// as unsafe.Pointer so the Go runtime keeps them alive and tracks them across the call.

import "unsafe"

//go:wasmimport wws_kv get
func hostKvGet(key unsafe.Pointer, keyLen uint32, buf unsafe.Pointer, bufCap uint32) int64

//go:wasmimport wws_kv take
func hostKvTake(buf unsafe.Pointer, bufCap uint32) int64

//go:wasmimport wws_kv set
func hostKvSet(key unsafe.Pointer, keyLen uint32, val unsafe.Pointer, valLen uint32, ttlMs int64) int32

//go:wasmimport wws_kv delete
func hostKvDelete(key unsafe.Pointer, keyLen uint32) int32

//go:wasmimport wws_kv increment
func hostKvIncrement(key unsafe.Pointer, keyLen uint32, delta int64, ttlMs int64, out unsafe.Pointer) int32

//go:wasmimport wws_kv compare_and_swap
func hostKvCompareAndSwap(key unsafe.Pointer, keyLen uint32, exp unsafe.Pointer, expLen uint32,
	val unsafe.Pointer, valLen uint32, ttlMs int64) int32

//go:wasmimport wws_kv expire
func hostKvExpire(key unsafe.Pointer, keyLen uint32, ttlMs int64) int32

//go:wasmimport wws_kv list
func hostKvList(prefix unsafe.Pointer, prefixLen uint32, after unsafe.Pointer, afterLen uint32, limit uint32,
	buf unsafe.Pointer, bufCap uint32) int64

const noValue = 0xFFFFFFFF

// ptr is the address of b's bytes (a 1-byte buffer for an empty one: the host only reads
// len bytes, and a nil pointer would still have to be inside memory).
func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return unsafe.Pointer(&one[0])
	}
	return unsafe.Pointer(&b[0])
}

var one = make([]byte, 1)

// collect returns the n bytes the host answered: in small if they fit, else through take().
func collect(small []byte, n int64) ([]byte, int64) {
	if n < 0 {
		return nil, n
	}
	if n <= int64(len(small)) {
		return small[:n], 0
	}
	big := make([]byte, n)
	if got := hostKvTake(ptr(big), uint32(n)); got != n {
		if got >= 0 {
			got = kvNothingToTake
		}
		return nil, got
	}
	return big, 0
}

func kvGet(key string) (value []byte, found bool, code int64) {
	k := []byte(key)
	small := make([]byte, 1024)
	n := hostKvGet(ptr(k), uint32(len(k)), ptr(small), uint32(len(small)))
	if n == kvNotFound {
		return nil, false, 0
	}
	v, code := collect(small, n)
	return v, code == 0, code
}

func kvSet(key string, value []byte, ttlMs int64) int64 {
	k := []byte(key)
	return int64(hostKvSet(ptr(k), uint32(len(k)), ptr(value), uint32(len(value)), ttlMs))
}

func kvDelete(key string) int64 {
	k := []byte(key)
	return int64(hostKvDelete(ptr(k), uint32(len(k))))
}

var incrementResult = new(int64)

func kvIncrement(key string, delta, ttlMs int64) (int64, int64) {
	k := []byte(key)
	*incrementResult = 0
	if r := hostKvIncrement(ptr(k), uint32(len(k)), delta, ttlMs, unsafe.Pointer(incrementResult)); r < 0 {
		return 0, int64(r)
	}
	return *incrementResult, 0
}

// kvCompareAndSwap: expected/value nil mean "must be absent" / "delete the key".
func kvCompareAndSwap(key string, expected, value *string, ttlMs int64) (bool, int64) {
	k := []byte(key)
	ep, el := unsafe.Pointer(&one[0]), uint32(noValue)
	if expected != nil {
		e := []byte(*expected)
		ep, el = ptr(e), uint32(len(e))
	}
	vp, vl := unsafe.Pointer(&one[0]), uint32(noValue)
	if value != nil {
		v := []byte(*value)
		vp, vl = ptr(v), uint32(len(v))
	}
	r := hostKvCompareAndSwap(ptr(k), uint32(len(k)), ep, el, vp, vl, ttlMs)
	if r < 0 {
		return false, int64(r)
	}
	return r == 1, 0
}

func kvExpire(key string, ttlMs int64) (bool, int64) {
	k := []byte(key)
	r := hostKvExpire(ptr(k), uint32(len(k)), ttlMs)
	if r < 0 {
		return false, int64(r)
	}
	return r == 1, 0
}

func kvList(prefix, after string, limit int) ([]string, int64) {
	p, a := []byte(prefix), []byte(after)
	small := make([]byte, 16*1024)
	n := hostKvList(ptr(p), uint32(len(p)), ptr(a), uint32(len(a)), uint32(limit), ptr(small), uint32(len(small)))
	encoded, code := collect(small, n)
	if code != 0 {
		return nil, code
	}
	var keys []string
	for len(encoded) >= 4 {
		l := int(uint32(encoded[0]) | uint32(encoded[1])<<8 | uint32(encoded[2])<<16 | uint32(encoded[3])<<24)
		if len(encoded) < 4+l {
			break
		}
		keys = append(keys, string(encoded[4:4+l]))
		encoded = encoded[4+l:]
	}
	return keys, 0
}
