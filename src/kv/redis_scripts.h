// kv/redis_scripts.h: the Lua scripts the Redis backend runs. Redis runs a script atomically, so
// a commit is evaluated and applied in one step on the server: no retries under contention and
// nothing half-applied. The rules are batch.cpp's (plan_batch), written a second time in Lua; the
// conformance suite holds both to the same tests. Time is the Redis server's (TIME), so every wws
// node sharing the server agrees on when a key expires.
//
// A namespace NS is four Redis keys: <p>d:NS a hash (key -> value), <p>x:NS a sorted set of the
// keys that expire (score = Unix ms), <p>i:NS a sorted set of every key with score 0 (so
// ZRANGEBYLEX lists by prefix in byte order), <p>m:NS a hash {version, bytes}. <p>namespaces is
// the set of namespace names. <p> is "wws:" by default.
#pragma once

namespace wws::kv::redis_lua {

// Shared head: `now` in ms from the server's clock.
#define WWS_REDIS_NOW              \
  "local t = redis.call('TIME')\n" \
  "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"

// KEYS: data, expiries. ARGV: key. Returns the value, or nil when absent or expired.
inline constexpr const char* kGet = R"lua(
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
local e = redis.call('ZSCORE', KEYS[2], ARGV[1])
if e then
)lua" WWS_REDIS_NOW R"lua(
  if tonumber(e) <= now then return false end
end
return v
)lua";

// KEYS: data, expiries, meta. ARGV: the caller's known version or "". Returns {version, 1} when
// unchanged, else {version, 0, now, {k, v, ...}, {expiring key, ms, ...}}.
inline constexpr const char* kRead = R"lua(
local version = redis.call('HGET', KEYS[3], 'version') or '0'
if ARGV[1] ~= '' and ARGV[1] == version then return {version, 1} end
)lua" WWS_REDIS_NOW R"lua(
return {version, 0, string.format('%.0f', now), redis.call('HGETALL', KEYS[1]),
        redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '+inf', 'WITHSCORES')}
)lua";

// KEYS: index, expiries. ARGV: first key (inclusive), end (exclusive; "" = none), limit.
// Live keys in byte order.
inline constexpr const char* kList = R"lua(
)lua" WWS_REDIS_NOW R"lua(
local out = {}
local limit = tonumber(ARGV[3])
local lo = '[' .. ARGV[1]
local hi = '+'
if ARGV[2] ~= '' then hi = '(' .. ARGV[2] end
while #out < limit do
  local keys = redis.call('ZRANGEBYLEX', KEYS[1], lo, hi, 'LIMIT', 0, limit - #out)
  if #keys == 0 then break end
  for _, k in ipairs(keys) do
    local e = redis.call('ZSCORE', KEYS[2], k)
    if not e or tonumber(e) > now then out[#out + 1] = k end
  end
  lo = '(' .. keys[#keys]
end
return out
)lua";

// KEYS: the namespaces set. ARGV: key prefix. Names of namespaces with at least one live key.
inline constexpr const char* kNamespaces = R"lua(
)lua" WWS_REDIS_NOW R"lua(
local out = {}
for _, ns in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local live = redis.call('HLEN', ARGV[1] .. 'd:' .. ns) - redis.call('ZCOUNT', ARGV[1] .. 'x:' .. ns, '-inf', now)
  if live > 0 then out[#out + 1] = ns end
end
return out
)lua";

// KEYS: the namespaces set, then per batch its namespace's data, expiries, index and meta keys.
// ARGV: the batch count, then per batch: namespace, if_version ("" = none), max_keys,
// max_namespace_bytes, op count, then per op 8 fields: kind (s d i c e), key, has value (0/1),
// value, has expected (0/1), expected, delta, ttl ms. (Arguments are checked by the caller first:
// key length, value size, TTL sign.)
// The batches apply in order, each seeing the ones before it (a group commit: several requests'
// batches in one script run). Returns one reply per batch: {"ok", version, applied1, number1,
// applied2, number2, ...}, or {code, message} with code conflict, quota or nan, and then that
// batch wrote nothing (an expired key it purged stays purged: it was invisible already).
inline constexpr const char* kCommit = R"lua(
)lua" WWS_REDIS_NOW R"lua(
local function quoted(k)
  local s = string.sub(k, 1, 64):gsub('[^%w%p ]', function(c) return string.format('\\x%02x', string.byte(c)) end)
  if #k > 64 then s = s .. '...' end
  return '"' .. s .. '"'
end

-- Decimal int64 arithmetic on doubles: a number is hi * 1e9 + lo, both exact.
local HI, LO = 9223372036, 854775807
local function parse(s)
  local neg = false
  if string.sub(s, 1, 1) == '-' then neg = true; s = string.sub(s, 2) end
  if not string.find(s, '^%d+$') then return nil end
  s = string.gsub(s, '^0+', '')
  if #s > 19 then return nil end
  local lo, hi = 0, 0
  if #s > 0 then lo = tonumber(string.sub(s, -9)) end
  if #s > 9 then hi = tonumber(string.sub(s, 1, #s - 9)) end
  local maxlo = LO
  if neg then maxlo = LO + 1 end
  if hi > HI or (hi == HI and lo > maxlo) then return nil end
  if neg then return -hi, -lo end
  return hi, lo
end
local function add(h1, l1, h2, l2)  -- the sum as a canonical decimal string, nil on overflow
  local h, l = h1 + h2, l1 + l2
  local carry = math.floor(l / 1e9)
  l = l - carry * 1e9
  h = h + carry
  local neg = h < 0
  if neg then
    if l == 0 then h = -h else h = -h - 1; l = 1e9 - l end
  end
  local maxlo = LO
  if neg then maxlo = LO + 1 end
  if h > HI or (h == HI and l > maxlo) then return nil end
  local s
  if h > 0 then s = string.format('%d%09d', h, l) else s = string.format('%d', l) end
  if neg then s = '-' .. s end
  return s
end

local function commit(D, X, I, M, o)
  local meta = redis.call('HMGET', M, 'version', 'bytes')
  local version = meta[1]
  if ARGV[o + 1] ~= '' and (version or '0') ~= ARGV[o + 1] then
    return {'conflict', 'the namespace changed since it was read'}
  end

  -- Expired entries go first, so quotas count live entries only; the version stays.
  local bytes = tonumber(meta[2] or '0')
  local purged = false
  local expired = redis.call('ZRANGEBYSCORE', X, '-inf', now)
  if #expired > 0 then
    for _, k in ipairs(expired) do
      local v = redis.call('HGET', D, k)
      if v then bytes = bytes - #k - #v; redis.call('HDEL', D, k) end
      redis.call('ZREM', I, k)
    end
    redis.call('ZREMRANGEBYSCORE', X, '-inf', now)
    redis.call('HSET', M, 'bytes', string.format('%.0f', bytes))
    purged = true
  end

  local touched, order = {}, {}
  local function state(k)
    local st = touched[k]
    if not st then
      local v = redis.call('HGET', D, k)
      local e = 0
      if v then e = tonumber(redis.call('ZSCORE', X, k) or '0') end
      st = {bv = v, be = e, nv = v, ne = e}
      touched[k] = st
      order[#order + 1] = k
    end
    return st
  end
  local function expiry(ttl) if ttl > 0 then return now + ttl end return 0 end

  local results = {}
  local n = tonumber(ARGV[o + 4])
  for i = 0, n - 1 do
    local b = o + 5 + i * 8
    local kind, k, has_value, value, has_expected, expected, delta, ttl =
      ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], tonumber(ARGV[b + 7])
    local st = state(k)
    local applied, number = 1, '0'
    if kind == 's' then
      st.nv, st.ne = value, expiry(ttl)
    elseif kind == 'd' then
      st.nv, st.ne = false, 0
    elseif kind == 'i' then
      local h, l = 0, 0
      if st.nv then
        h, l = parse(st.nv)
        if not h then return {'nan', 'cannot increment key ' .. quoted(k) .. ': its value is not a decimal integer'} end
      end
      local dh, dl = parse(delta)
      number = add(h, l, dh, dl)
      if not number then
        return {'nan', 'incrementing key ' .. quoted(k) .. ' by ' .. delta .. ' overflows a 64-bit integer'}
      end
      if not st.nv then st.ne = expiry(ttl) end
      st.nv = number
    elseif kind == 'c' then
      local matches
      if has_expected == '1' then matches = st.nv == expected else matches = not st.nv end
      if not matches then
        return {'conflict', 'key ' .. quoted(k) .. ' no longer has the value the compare-and-swap expected'}
      end
      if has_value == '1' then st.nv, st.ne = value, expiry(ttl) else st.nv, st.ne = false, 0 end
    elseif kind == 'e' then
      if st.nv then st.ne = expiry(ttl) else applied = 0 end
    end
    results[#results + 1] = applied
    results[#results + 1] = number
  end

  local key_delta, byte_delta, writes = 0, 0, {}
  for _, k in ipairs(order) do
    local st = touched[k]
    local same = (not st.bv and not st.nv) or (st.bv and st.nv and st.bv == st.nv and st.be == st.ne)
    if not same then
      if st.bv then byte_delta = byte_delta - #k - #st.bv; key_delta = key_delta - 1 end
      if st.nv then byte_delta = byte_delta + #k + #st.nv; key_delta = key_delta + 1 end
      writes[#writes + 1] = k
    end
  end
  local keys_after = 0
  if key_delta > 0 then keys_after = redis.call('HLEN', D) + key_delta end
  local bytes_after = bytes + byte_delta
  if key_delta > 0 and keys_after > tonumber(ARGV[o + 2]) then
    return {'quota', string.format('the namespace would hold %d keys, over its max_keys = %s', keys_after, ARGV[o + 2])}
  end
  if byte_delta > 0 and bytes_after > tonumber(ARGV[o + 3]) then
    return {'quota', string.format('the namespace would hold %.0f bytes, over its max_namespace_bytes = %s', bytes_after, ARGV[o + 3])}
  end

  for _, k in ipairs(writes) do
    local st = touched[k]
    if st.nv then
      redis.call('HSET', D, k, st.nv)
      if not st.bv then redis.call('ZADD', I, 0, k) end
      if st.ne > 0 then redis.call('ZADD', X, st.ne, k) elseif st.be > 0 then redis.call('ZREM', X, k) end
    else
      redis.call('HDEL', D, k)
      redis.call('ZREM', I, k)
      if st.be > 0 then redis.call('ZREM', X, k) end
    end
  end
  if #writes > 0 then
    -- A new namespace starts at a time-based version, so a namespace deleted and made again never
    -- repeats a version a cache may still hold.
    if version then
      version = string.format('%.0f', redis.call('HINCRBY', M, 'version', 1))
    else
      version = string.format('%.0f', now * 1000)
      redis.call('HSET', M, 'version', version)
      redis.call('SADD', KEYS[1], ARGV[o])
    end
  end
  if byte_delta ~= 0 or purged then redis.call('HSET', M, 'bytes', string.format('%.0f', bytes_after)) end
  local out = {'ok', version or '0'}
  for _, r in ipairs(results) do out[#out + 1] = r end
  return out
end

local replies, o = {}, 2
for b = 1, tonumber(ARGV[1]) do
  local k = 2 + (b - 1) * 4
  replies[b] = commit(KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], o)
  o = o + 5 + tonumber(ARGV[o + 4]) * 8
end
return replies
)lua";

#undef WWS_REDIS_NOW

}  // namespace wws::kv::redis_lua
