package worker

// The worker's K/V namespace, key by key through wws's `wws_kv` host functions.
//
//	kv := worker.KV(r)
//	count, err := kv.Increment("visits", 1)          // atomic
//	name, ok := kv.Get("user:42")                    // one key, whatever the namespace's size
//	err = kv.Set("user:42", "Ada")                   // stored when the run succeeds
//
// Set and Delete are held by the host until the handler returns without panicking, then stored
// in one transaction; Increment, CompareAndSwap and Expire are decided by the store at once.
// The original kit's map, r.Context().Value(CacheKey).(map[string]string), still works: it is
// read from the host (every key) the first time the handler asks for it, and what the handler
// changed in it is written back key by key when it returns.

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Error codes of the host functions.
const (
	kvNotFound      = -1
	kvUnavailable   = -2
	kvQuota         = -3
	kvNotANumber    = -4
	kvInvalid       = -5
	kvNothingToTake = -6
)

// KVError is a K/V operation the store refused or could not do.
type KVError struct {
	Op, Key string
	Code    int64 // the host's code: -2 unavailable, -3 quota, -4 not a number, -5 invalid
}

func (e *KVError) Error() string {
	reason := "unexpected error from the host"
	switch e.Code {
	case kvUnavailable:
		reason = "the K/V store is unavailable"
	case kvQuota:
		reason = "a [data.kv] quota is exceeded"
	case kvNotANumber:
		reason = "the value is not a decimal 64-bit integer, or the result overflows"
	case kvInvalid:
		reason = "invalid argument (a key over 4096 bytes, or a negative TTL)"
	}
	return fmt.Sprintf("K/V %s of %q: %s (code %d)", e.Op, e.Key, reason, e.Code)
}

// KVKey gives the run's *Cache in the request context (KV(r) is shorter).
const KVKey ContextKey = "KV"

// Cache is the worker's K/V namespace, read and written key by key. Each key read is remembered
// for the rest of the run, so reading it again costs nothing.
type Cache struct {
	known   map[string]*string // nil: absent
	failure error              // the first error of a call that could not return it
}

func newCache() *Cache { return &Cache{known: map[string]*string{}} }

// KV is the run's K/V namespace (r may be nil: a module serves one request, one namespace).
func KV(r *http.Request) *Cache {
	if r != nil {
		if c, ok := r.Context().Value(KVKey).(*Cache); ok {
			return c
		}
	}
	return theCache
}

// theCache is the one namespace of the run (a module serves one request).
var theCache = newCache()

func ttlMillis(ttl time.Duration) int64 {
	if ttl <= 0 {
		return 1
	}
	ms := ttl.Milliseconds()
	if ms == 0 {
		ms = 1
	}
	return ms
}

func (c *Cache) note(err error) {
	if c.failure == nil {
		c.failure = err
	}
}

// Get returns the value of key and whether it exists. One host call the first time.
func (c *Cache) Get(key string) (string, bool) {
	v, err := c.Lookup(key)
	if err != nil {
		c.note(err)
	}
	if v == nil {
		return "", false
	}
	return *v, true
}

// Lookup is Get that reports a failed read (nil, nil: absent).
func (c *Cache) Lookup(key string) (*string, error) {
	if v, ok := c.known[key]; ok {
		return v, nil
	}
	b, found, code := kvGet(key)
	if code != 0 {
		return nil, &KVError{"get", key, code}
	}
	var v *string
	if found {
		s := string(b)
		v = &s
	}
	c.known[key] = v
	return v, nil
}

// Set sets key to value (stored when the run succeeds).
func (c *Cache) Set(key, value string) error { return c.set(key, value, 0) }

// SetWithTTL sets key to value, expiring after ttl.
func (c *Cache) SetWithTTL(key, value string, ttl time.Duration) error {
	return c.set(key, value, ttlMillis(ttl))
}

func (c *Cache) set(key, value string, ttlMs int64) error {
	if r := kvSet(key, []byte(value), ttlMs); r < 0 {
		return &KVError{"set", key, r}
	}
	c.known[key] = &value
	return nil
}

// Delete deletes key (when the run succeeds); an absent key is not an error.
func (c *Cache) Delete(key string) error {
	if r := kvDelete(key); r < 0 {
		return &KVError{"delete", key, r}
	}
	c.known[key] = nil
	return nil
}

// Increment adds delta to the decimal integer in key atomically (an absent key counts as 0)
// and returns the new value.
func (c *Cache) Increment(key string, delta int64) (int64, error) { return c.increment(key, delta, 0) }

// IncrementWithTTL is Increment; a key it creates expires after ttl.
func (c *Cache) IncrementWithTTL(key string, delta int64, ttl time.Duration) (int64, error) {
	return c.increment(key, delta, ttlMillis(ttl))
}

func (c *Cache) increment(key string, delta, ttlMs int64) (int64, error) {
	n, code := kvIncrement(key, delta, ttlMs)
	if code != 0 {
		return 0, &KVError{"increment", key, code}
	}
	s := fmt.Sprint(n)
	c.known[key] = &s
	return n, nil
}

// CompareAndSwap sets key to value only if it now holds expected, atomically. expected nil:
// only if absent; value nil: delete the key. True if it swapped.
func (c *Cache) CompareAndSwap(key string, expected, value *string) (bool, error) {
	return c.compareAndSwap(key, expected, value, 0)
}

// CompareAndSwapWithTTL is CompareAndSwap whose new value expires after ttl.
func (c *Cache) CompareAndSwapWithTTL(key string, expected *string, value string, ttl time.Duration) (bool, error) {
	return c.compareAndSwap(key, expected, &value, ttlMillis(ttl))
}

func (c *Cache) compareAndSwap(key string, expected, value *string, ttlMs int64) (bool, error) {
	swapped, code := kvCompareAndSwap(key, expected, value, ttlMs)
	if code != 0 {
		return false, &KVError{"compare_and_swap", key, code}
	}
	if swapped {
		c.known[key] = value
	} else {
		delete(c.known, key) // someone else changed it: read it again if asked
	}
	return swapped, nil
}

// Expire makes an existing key expire after ttl (0: never). False: no such key.
func (c *Cache) Expire(key string, ttl time.Duration) (bool, error) {
	ms := int64(0)
	if ttl > 0 {
		ms = ttlMillis(ttl)
	}
	ok, code := kvExpire(key, ms)
	if code != 0 {
		return false, &KVError{"expire", key, code}
	}
	return ok, nil
}

// Keys returns the keys that start with prefix, in byte order, including this run's own
// pending writes (the host lists them 1,000 at a time).
func (c *Cache) Keys(prefix string) ([]string, error) {
	var keys []string
	after := ""
	for {
		page, code := kvList(prefix, after, 1000)
		if code != 0 {
			return nil, &KVError{"list", prefix, code}
		}
		keys = append(keys, page...)
		if len(page) < 1000 {
			return keys, nil
		}
		after = page[len(page)-1]
	}
}

// Map reads the whole namespace into a map (what the original kit's CacheKey gave).
func (c *Cache) Map() (map[string]string, error) {
	keys, err := c.Keys("")
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		v, err := c.Lookup(k)
		if err != nil {
			return nil, err
		}
		if v != nil {
			m[k] = *v
		}
	}
	return m, nil
}

// kitContext serves the kit's context values; the CacheKey map is read only when asked for.
type kitContext struct {
	context.Context
	cache  *Cache
	params map[string]string
	m      map[string]string // the map handed out (nil until asked for)
	before map[string]string // its content when handed out
}

func (k *kitContext) Value(key any) any {
	switch key {
	case CacheKey:
		if k.m == nil {
			m, err := k.cache.Map()
			if err != nil {
				k.cache.note(err)
				m = map[string]string{}
			}
			k.m = m
			k.before = make(map[string]string, len(m))
			for key, v := range m {
				k.before[key] = v
			}
		}
		return k.m
	case ParamsKey:
		return k.params
	case KVKey:
		return k.cache
	}
	return k.Context.Value(key)
}

// finish writes back what the handler changed in the CacheKey map and reports the first K/V
// error the handler was not told about.
func (k *kitContext) finish() error {
	for key, v := range k.m {
		if old, ok := k.before[key]; !ok || old != v {
			if err := k.cache.Set(key, v); err != nil {
				return err
			}
		}
	}
	for key := range k.before {
		if _, ok := k.m[key]; !ok {
			if err := k.cache.Delete(key); err != nil {
				return err
			}
		}
	}
	return k.cache.failure
}
