#!/usr/bin/env bash
# bench/kv.sh: the K/V backends side by side in one run.
#  1. The counter worker (one atomic increment per request through the wws_kv host functions) on
#     memory, SQLite and Redis, one wws per backend, driven by wrk in alternating rounds; the
#     ratio of each to memory (goals: SQLite >= 0.5x, Redis >= 0.3x), and redis-benchmark's
#     INCR and HINCRBY at the same concurrency as the Redis store's own ceiling.
#  2. Latency added per request: wrk -c1 average of each counter minus the same wws's hello worker.
#  3. Big namespaces: the snapshot protocol (whole namespace in and out of every run) against the
#     host functions (one key) on namespaces of 10, 1,000 and 100,000 keys (memory backend).
#  4. The same for the Rust kit: its rust-kv counter on the key-by-key Cache against the same
#     counter as the original kit ran it (whole namespace in the request, whole map back).
#
# usage: bench/kv.sh <build-dir> [seconds-per-run] [rounds]      (default 5 s, 2 rounds)
#   BENCH_CONNECTIONS / BENCH_THREADS   wrk -c / -t (default 32 / 2)
set -euo pipefail

BUILD=$(cd "${1:?usage: bench/kv.sh <build-dir> [seconds] [rounds]}" && pwd)
DURATION=${2:-5}
ROUNDS=${3:-2}
CONNS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_THREADS:-2}
WWS=$BUILD/wws
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_tools wrk curl redis-server redis-benchmark python3
need_files "$BUILD/test-workers/kv_atomic.wasm" "$BUILD/test-workers/kv_atomic_snapshot.wasm" "$BUILD/test-workers/hello.wasm" \
           "$BUILD/test-workers/rust/rust-kv.wasm" "$BUILD/bench-workers/rust-kv-snapshot.wasm"
bench_scratch bench-kv
wait_http() {
  for _ in $(seq 1 1200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 never answered" >&2; return 1
}

# ---- the project: the atomic counter, its snapshot-protocol twin, and hello (no K/V) ----
P=$WORK/project
mkdir -p "$P"
cp "$BUILD/test-workers/kv_atomic.wasm" "$P/counter.wasm"
cp "$BUILD/test-workers/kv_atomic_snapshot.wasm" "$P/snapshot.wasm"
cp "$BUILD/test-workers/hello.wasm" "$P/hello.wasm"
for w in counter snapshot; do
  printf 'name = "%s"\nversion = "1"\n[data.kv]\nnamespace = "bench"\nmax_keys = 10000000\n' "$w" > "$P/$w.toml"
done

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" --daemonize no &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done

declare -A PORT
start_wws() {  # name, wws args...
  local name=$1; shift
  PORT[$name]=$(free_port)
  "$WWS" "$P" --host 127.0.0.1 --port "${PORT[$name]}" "$@" > "$WORK/wws-$name.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:${PORT[$name]}/hello"
}
start_wws memory --kv memory
start_wws sqlite --kv-path "$WORK/kv.sqlite3"
start_wws redis --kv "redis://127.0.0.1:$REDIS_PORT/0"
BACKENDS=(memory sqlite redis)
for b in "${BACKENDS[@]}"; do
  body=$(curl -fsS "http://127.0.0.1:${PORT[$b]}/counter?op=incr&key=n") || { cat "$WORK/wws-$b.log" >&2; exit 1; }
  [ "$body" = "n=1" ] || { echo "bench: $b counter answered '$body'" >&2; exit 1; }
done

rps() { awk '/Requests\/sec/ {print $2}'; }
median_ms() {  # wrk --latency's "50%  1.23ms" line -> ms (the median: averages are ruled by outliers here)
  awk '$1 == "50%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 }; print v }'
}

echo "K/V benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo
echo "1. counter (one atomic increment per request), wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s, $ROUNDS alternating rounds"
for b in "${BACKENDS[@]}"; do wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:${PORT[$b]}/counter?op=incr&key=n" >/dev/null; done
declare -A SUM
for b in "${BACKENDS[@]}"; do SUM[$b]=0; done
for r in $(seq 1 "$ROUNDS"); do
  for b in "${BACKENDS[@]}"; do
    v=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:${PORT[$b]}/counter?op=incr&key=n" | rps)
    SUM[$b]=$(python3 -c "print(${SUM[$b]} + $v)")
  done
done
# The counter must have counted every answered request: no lost increments under load either.
for b in "${BACKENDS[@]}"; do
  n=$(curl -fsS "http://127.0.0.1:${PORT[$b]}/counter?op=get&key=n")
  printf '   %-7s counter value after the runs: %s\n' "$b" "$n"
done
MEM=$(python3 -c "print(${SUM[memory]} / $ROUNDS)")
for b in "${BACKENDS[@]}"; do
  avg=$(python3 -c "print(${SUM[$b]} / $ROUNDS)")
  goal=""
  [ "$b" = sqlite ] && goal="(goal >= 0.5x)"
  [ "$b" = redis ] && goal="(goal >= 0.3x)"
  python3 -c "print('   %-7s %9.0f req/s   %.2fx memory %s' % ('$b', $avg, $avg / $MEM, '$goal'))"
done
rb_rps() {  # the "... N requests per second" summary of redis-benchmark -q (progress lines end in \r)
  redis-benchmark -p "$REDIS_PORT" -c "$CONNS" -n 200000 -q "$@" | tr '\r' '\n' |
    awk '/requests per second/ { for (i = 1; i < NF; i++) if ($(i + 1) == "requests") print $i }'
}
incr=$(rb_rps -t incr)
hincr=$(rb_rps HINCRBY benchhash field 1)
echo "   redis-benchmark -c $CONNS (the store's ceiling): INCR $incr req/s, HINCRBY $hincr req/s"

echo
echo "2. latency added per request (wrk -t1 -c1 -d${DURATION}s medians, counter minus hello on the same wws)"
for b in "${BACKENDS[@]}"; do
  base=$(wrk -t1 -c1 -d"${DURATION}s" --latency "http://127.0.0.1:${PORT[$b]}/hello" | median_ms)
  kv=$(wrk -t1 -c1 -d"${DURATION}s" --latency "http://127.0.0.1:${PORT[$b]}/counter?op=incr&key=n" | median_ms)
  python3 -c "print('   %-7s hello %.3f ms, counter %.3f ms: +%.3f ms' % ('$b', $base, $kv, $kv - $base))"
done

echo
echo "3. big namespaces (memory backend): snapshot protocol vs host functions, one increment per request"
for keys in 10 1000 100000; do
  ns_toml() { printf 'name = "%s"\nversion = "1"\n[data.kv]\nnamespace = "big%s"\nmax_keys = 10000000\n' "$1" "$keys"; }
  ns_toml counter > "$P/counter$keys.toml"; cp "$P/counter.wasm" "$P/counter$keys.wasm"
  ns_toml snapshot > "$P/snapshot$keys.toml"; cp "$P/snapshot.wasm" "$P/snapshot$keys.wasm"
  ns_toml rust > "$P/rust$keys.toml"; cp "$BUILD/test-workers/rust/rust-kv.wasm" "$P/rust$keys.wasm"
  ns_toml rust-snapshot > "$P/rust-snapshot$keys.toml"; cp "$BUILD/bench-workers/rust-kv-snapshot.wasm" "$P/rust-snapshot$keys.wasm"
done
# A server of its own that sees the new workers.
start_wws big --kv memory --timeout 300000
B=${PORT[big]}
for keys in 10 1000 100000; do
  curl -fsS -o /dev/null "http://127.0.0.1:$B/counter$keys?op=fill&prefix=key-&count=$((keys - 1))&size=16"
  line="   $(printf '%7s keys:' "$keys")"
  for w in snapshot counter; do
    # One request on a quiet server first, then wrk (its timeout raised: a snapshot run of
    # 100,000 keys takes seconds).
    one=$(curl -sS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$B/$w$keys?op=incr&key=n" || echo 0)
    v=$(wrk -t"$WRK_THREADS" -c4 -d"${DURATION}s" --timeout 120s "http://127.0.0.1:$B/$w$keys?op=incr&key=n" | rps)
    name=$([ "$w" = counter ] && echo "host functions" || echo "snapshot")
    line="$line $(printf '%s %8.1f req/s (one request alone %.1f ms)' "$name" "$v" "$(python3 -c "print($one * 1000)")"),"
  done
  echo "${line%,}"
done

echo
echo "4. the Rust kit's rust-kv counter (read \"counter\", write it + 1) on the same namespaces: the kit's"
echo "   key-by-key Cache vs the same counter as the original kit ran it (whole namespace in and out)"
for keys in 10 1000 100000; do
  line="   $(printf '%7s keys:' "$keys")"
  for w in rust-snapshot rust; do
    body=$(curl -fsS "http://127.0.0.1:$B/$w$keys") || { tail -5 "$WORK/wws-big.log" >&2; exit 1; }
    case $body in counter=*) ;; *) echo "bench: /$w$keys answered '$body'" >&2; exit 1 ;; esac
    one=$(curl -sS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$B/$w$keys" || echo 0)
    v=$(wrk -t"$WRK_THREADS" -c4 -d"${DURATION}s" --timeout 120s "http://127.0.0.1:$B/$w$keys" | rps)
    name=$([ "$w" = rust ] && echo "key by key" || echo "snapshot")
    line="$line $(printf '%s %8.1f req/s (one request alone %.1f ms)' "$name" "$v" "$(python3 -c "print($one * 1000)")"),"
    [ "$w" = rust ] && kbk=$v || snap=$v
  done
  echo "${line%,} -> $(python3 -c "print('%.1fx' % ($kbk / $snap if $snap else float('inf')))")"
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
