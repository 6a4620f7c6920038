//go:build !wasip1

package worker

// Outside wasip1 there is no wws host: an in-process store with the host's semantics (TTLs
// accepted and ignored) lets the package build and be tried natively.

import (
	"sort"
	"strconv"
	"strings"
)

var nativeStore = map[string]string{}

func kvGet(key string) ([]byte, bool, int64) {
	v, ok := nativeStore[key]
	return []byte(v), ok, 0
}

func kvSet(key string, value []byte, ttlMs int64) int64 {
	if ttlMs < 0 {
		return kvInvalid
	}
	nativeStore[key] = string(value)
	return 0
}

func kvDelete(key string) int64 {
	delete(nativeStore, key)
	return 0
}

func kvIncrement(key string, delta, ttlMs int64) (int64, int64) {
	old := int64(0)
	if v, ok := nativeStore[key]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, kvNotANumber
		}
		old = n
	}
	nativeStore[key] = strconv.FormatInt(old+delta, 10)
	return old + delta, 0
}

func kvCompareAndSwap(key string, expected, value *string, ttlMs int64) (bool, int64) {
	cur, ok := nativeStore[key]
	if (expected == nil) != !ok || (expected != nil && *expected != cur) {
		return false, 0
	}
	if value == nil {
		delete(nativeStore, key)
	} else {
		nativeStore[key] = *value
	}
	return true, 0
}

func kvExpire(key string, ttlMs int64) (bool, int64) {
	_, ok := nativeStore[key]
	return ok, 0
}

func kvList(prefix, after string, limit int) ([]string, int64) {
	var keys []string
	for k := range nativeStore {
		if strings.HasPrefix(k, prefix) && (after == "" || k > after) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > limit {
		keys = keys[:limit]
	}
	return keys, 0
}
