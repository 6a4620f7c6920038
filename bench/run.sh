#!/usr/bin/env bash
# bench/run.sh: compares wws serving a hello worker with nginx answering a fixed "Hello", both on
# loopback and driven by wrk. Installs nothing (scripts/setup.sh does) and stops all it starts.
#
# usage: bench/run.sh <build-dir> [seconds-per-run]      (default 10)
#   BENCH_LONG=1   long RSS run of 1,000,000 requests instead of 200,000
#   BENCH_CONNECTIONS / BENCH_THREADS   wrk -c / -t (default 64 / 2)
#   BENCH_ONLY=peers|threads|metrics|logs|memory   run one section only
set -euo pipefail

BUILD=${1:?usage: bench/run.sh <build-dir> [seconds-per-run]}
DURATION=${2:-10}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
LONG_REQUESTS=200000
[ "${BENCH_LONG:-0}" = 1 ] && LONG_REQUESTS=1000000

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
WWS=$BUILD/wws
source "$ROOT/bench/lib.sh"
need_tools wrk nginx curl
HELLO_WASM=$BUILD/test-workers/hello.wasm
[ -f "$HELLO_WASM" ] || HELLO_WASM=$ROOT/examples/hello/index.wasm
PRIMES_WASM=$BUILD/bench-workers/primes.wasm
need_files "$WWS" "$HELLO_WASM" "$PRIMES_WASM"
bench_scratch bench

start_nginx nginx1 1
NGINX1_PORT=$NGINX_PORT
start_nginx nginx 2

# ---- wws: a project with one hello worker
mkdir -p "$WORK/project"
cp "$HELLO_WASM" "$WORK/project/hello.wasm"
cp "$PRIMES_WASM" "$WORK/project/primes.wasm"
cat > "$WORK/project/hello-js.js" <<'JS'
export default {
  fetch() {
    return new Response("Hello from wws");
  },
};
JS
WWS_PID=""
start_wws() {  # extra wws args...
  WWS_PORT=$(free_port)
  "$WWS" "$WORK/project" --host 127.0.0.1 --port "$WWS_PORT" "$@" > "$WORK/wws.log" 2>&1 &
  WWS_PID=$!
  PIDS+=("$WWS_PID")
  wait_ready "http://127.0.0.1:$WWS_PORT/hello"
}
stop_wws() {
  kill -TERM "$WWS_PID" 2>/dev/null || true
  wait "$WWS_PID" 2>/dev/null || true
  local kept=() pid
  for pid in "${PIDS[@]}"; do [ "$pid" = "$WWS_PID" ] || kept+=("$pid"); done
  PIDS=("${kept[@]}")
  WWS_PID=""
}

LOG_RATIOS=()

echo "wws benchmark: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency, $(nproc) cores"
echo "wws: $WWS ($("$WWS" -V 2>/dev/null | head -1))"
echo "nginx: $(nginx -v 2>&1)"
echo

section() { [ -z "${BENCH_ONLY:-}" ] || [ "$BENCH_ONLY" = "$1" ]; }

if section peers; then
# The same wasm hello on the second engine, served by its own wws alongside (V8_PORT).
start_wws --engine v8
V8_PID=$WWS_PID V8_PORT=$WWS_PORT
start_wws
echo "warm-up (3 s each)"
wrk -t"$WRK_THREADS" -c"$CONNS" -d3s "http://127.0.0.1:$NGINX_PORT/" >/dev/null
wrk -t"$WRK_THREADS" -c"$CONNS" -d3s "http://127.0.0.1:$WWS_PORT/hello" >/dev/null
wrk -t"$WRK_THREADS" -c"$CONNS" -d3s "http://127.0.0.1:$V8_PORT/hello" >/dev/null
wrk -t"$WRK_THREADS" -c"$CONNS" -d3s "http://127.0.0.1:$WWS_PORT/hello-js" >/dev/null

echo "alternating runs (wws: the wasm hello worker on the default engine, Wasmtime; wws-v8: the same"
echo "module with --engine v8; wws-js: the JS hello worker)"
for round in 1 2; do
  run_wrk "nginx#$round" "http://127.0.0.1:$NGINX_PORT/"
  run_wrk "wws#$round" "http://127.0.0.1:$WWS_PORT/hello"
  run_wrk "wws-v8#$round" "http://127.0.0.1:$V8_PORT/hello"
  run_wrk "wws-js#$round" "http://127.0.0.1:$WWS_PORT/hello-js"
done
stop_wws
WWS_PID=$V8_PID
stop_wws
fi

if section metrics; then
echo "metrics cost: the wasm hello worker with --enable-panel (every request counted) vs without, alternating"
for round in 1 2; do
  for mode in plain panel; do
    if [ "$mode" = panel ]; then start_wws --enable-panel; else start_wws; fi
    wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$WWS_PORT/hello" >/dev/null
    run_wrk "metrics-$mode#$round" "http://127.0.0.1:$WWS_PORT/hello"
    if [ "$mode" = panel ]; then  # the counters saw the run (and scraping works under load)
      curl -fs "http://127.0.0.1:$WWS_PORT/_api/v0/metrics" | grep '^wws_requests_total{route="/hello",status="200"}' | sed 's/^/    /'
    fi
    stop_wws
  done
done
fi

if section logs; then
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime of every thread, in clock ticks
cpu_per_request() {  # ticks wrk-output-file -> microseconds of CPU per request answered
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" '/ requests in / { printf "%.2f", t * 1e6 / hz / $1 }' "$2"
}
echo "request log cost: two wws at once on the same cores, each driven by its own wrk (-t1 -c32, ${DURATION} s):"
echo "one writing a line per request to a file (text, then JSON), one with --log-level warn (no request"
echo "lines). Both see the same machine load at the same time; the CPU of one line, measured alone, is then"
echo "set against the CPU of a hello request without logging."
for round in 1 2; do
  for mode in text json; do
    flags=(); [ "$mode" = json ] && flags=(--log-format json)
    A_PORT=$(free_port); B_PORT=$(free_port)
    "$WWS" "$WORK/project" --host 127.0.0.1 --port "$A_PORT" --log-level warn > "$WORK/off.log" 2>&1 & A_PID=$!
    "$WWS" "$WORK/project" --host 127.0.0.1 --port "$B_PORT" "${flags[@]}" > "$WORK/on.log" 2>&1 & B_PID=$!
    PIDS+=("$A_PID" "$B_PID")
    wait_ready "http://127.0.0.1:$A_PORT/hello"; wait_ready "http://127.0.0.1:$B_PORT/hello"
    # warm-up, then the measured runs; each wrk waited for by its pid (nginx is a job of this shell too)
    wrk -t1 -c32 -d2s "http://127.0.0.1:$A_PORT/hello" >/dev/null & W_PID=$!
    wrk -t1 -c32 -d2s "http://127.0.0.1:$B_PORT/hello" >/dev/null
    wait "$W_PID"
    cpu_a=$(cpu_ticks "$A_PID"); cpu_b=$(cpu_ticks "$B_PID")
    wrk -t1 -c32 -d"${DURATION}s" --latency "http://127.0.0.1:$A_PORT/hello" > "$WORK/off.txt" & W_PID=$!
    wrk -t1 -c32 -d"${DURATION}s" --latency "http://127.0.0.1:$B_PORT/hello" > "$WORK/on.txt"
    wait "$W_PID"
    cpu_a=$(( $(cpu_ticks "$A_PID") - cpu_a )); cpu_b=$(( $(cpu_ticks "$B_PID") - cpu_b ))
    off=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/off.txt"); on=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/on.txt")
    p99_off=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/off.txt")"); p99_on=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/on.txt")")
    r=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')
    # CPU time per request (all of the process's threads, the log flusher included): less
    # sensitive than req/s to how the scheduler happens to share the cores between the two.
    us_off=$(cpu_per_request "$cpu_a" "$WORK/off.txt"); us_on=$(cpu_per_request "$cpu_b" "$WORK/on.txt")
    LOG_RATIOS+=("$mode $r $us_on $us_off")
    printf '  %-4s round %s: logging %9s req/s (p99 %s ms, %s us CPU/request), not logging %9s req/s (p99 %s ms, %s us CPU/request): req/s ratio %s\n' \
      "$mode" "$round" "$on" "$p99_on" "$us_on" "$off" "$p99_off" "$us_off" "$r"
    [ "$round" = 1 ] && echo "    $(grep -Ec 'GET /hello|"path":"/hello"' "$WORK/on.log") request lines written, e.g. $(grep -Em1 'GET /hello|"path":"/hello"' "$WORK/on.log")"
    kill -TERM "$A_PID" "$B_PID" 2>/dev/null || true
    wait "$A_PID" "$B_PID" 2>/dev/null || true
    PIDS=("${PIDS[@]:0:${#PIDS[@]}-2}")
  done
done
# The line's own CPU, measured alone (bench/micro/request_log.cpp), against a hello request's
# CPU without logging from the runs above: the cost with none of the scheduler's noise.
if [ -x "$BUILD/bench_request_log" ]; then
  LINE_NS=$("$BUILD/bench_request_log" --benchmark_format=csv 2>/dev/null |
    awk -F, '/request_line\/text/ { t = $4 } /request_line\/json/ { j = $4 } END { printf "%.0f %.0f", t, j }')
  echo "  one request line alone: text ${LINE_NS% *} ns, json ${LINE_NS#* } ns of CPU (format, buffer, flush, write)"
fi
fi

if section threads; then
echo "thread scaling: wws --threads 1 vs 2 on hello and on primes (~0.6 ms of guest CPU per request),"
echo "and nginx 1 vs 2 workers as the control for what a second core gives with wrk on the same cores"
for round in 1 2; do
  run_wrk "nginx-workers-1#$round" "http://127.0.0.1:$NGINX1_PORT/"
  run_wrk "nginx-workers-2#$round" "http://127.0.0.1:$NGINX_PORT/"
  for threads in 1 2; do
    start_wws --threads "$threads"
    wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$WWS_PORT/hello" >/dev/null
    run_wrk "wws-threads-$threads#$round" "http://127.0.0.1:$WWS_PORT/hello"
    run_wrk "primes-threads-$threads#$round" "http://127.0.0.1:$WWS_PORT/primes"
    stop_wws
  done
done

fi

if section memory; then
echo "memory: RSS before/after $LONG_REQUESTS requests"
start_wws
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$WWS_PID/status"; }
curl -fs -o /dev/null "http://127.0.0.1:$WWS_PORT/hello"
RSS_BEFORE=$(rss)
# wrk has no request count: a script stops each wrk thread after its share of responses and
# leaves a marker file; wrk's main thread only ends at -d or on SIGINT, so SIGINT it once all are done.
cat > "$WORK/count.lua" <<LUA
local next_id = 0
setup = function(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end
local limit = math.ceil($LONG_REQUESTS / $WRK_THREADS)
local seen = 0
response = function(status, headers, body)
  seen = seen + 1
  if seen == limit then
    local marker = io.open("$WORK/done." .. id, "w")
    marker:close()
    wrk.thread:stop()
  end
end
LUA
LONG_START=$(date +%s.%N)
wrk -t"$WRK_THREADS" -c"$CONNS" -d600s -s "$WORK/count.lua" "http://127.0.0.1:$WWS_PORT/hello" > "$WORK/long.txt" &
WRK_PID=$!
PIDS+=("$WRK_PID")
while kill -0 "$WRK_PID" 2>/dev/null && [ "$(ls "$WORK" | grep -c '^done\.')" -lt "$WRK_THREADS" ]; do sleep 0.2; done
kill -INT "$WRK_PID" 2>/dev/null || true
wait "$WRK_PID" || true
LONG_END=$(date +%s.%N)
RSS_AFTER=$(rss)
LONG_DONE=$(awk '/requests in/ { print $1 }' "$WORK/long.txt")
stop_wws
fi

NGINX_RPS=$(mean_rps "nginx#")
WWS_RPS=$(mean_rps "wws#")
JS_RPS=$(mean_rps "wws-js#")
V8_RPS=$(mean_rps "wws-v8#")
T1=$(mean_rps "wws-threads-1#")
T2=$(mean_rps "wws-threads-2#")
P1=$(mean_rps "primes-threads-1#")
P2=$(mean_rps "primes-threads-2#")
N1=$(mean_rps "nginx-workers-1#")
N2=$(mean_rps "nginx-workers-2#")
M0=$(mean_rps "metrics-plain#")
M1=$(mean_rps "metrics-panel#")
mean_log_ratio() {  # mode -> mean req/s ratio, and mean CPU per request with and without logging
  printf '%s\n' "${LOG_RATIOS[@]}" | awk -v m="$1" '$1 == m { r += $2; on += $3; off += $4; n++ }
    END { if (n) printf "%.3f (CPU per request %.2f us vs %.2f us: %+.1f%%)", r / n, on / n, off / n, (on / off - 1) * 100; else print 0 }'
}
row() {  # label value: a figure of a section that ran (BENCH_ONLY leaves the others at 0)
  case $2 in 0 | 0.0 | 0.000) ;; *) printf '  %-38s %s\n' "$1" "$2" ;; esac
}
echo
echo "summary"
row "nginx mean req/s" "$NGINX_RPS"
row "wws mean req/s" "$WWS_RPS"
row "ratio wws/nginx" "$(ratio "$WWS_RPS" "$NGINX_RPS")"
row "wws --engine v8 mean req/s" "$V8_RPS"
row "ratio wws v8/nginx" "$(ratio "$V8_RPS" "$NGINX_RPS")"
row "wws JS mean req/s" "$JS_RPS"
row "ratio wws JS/nginx" "$(ratio "$JS_RPS" "$NGINX_RPS")"
row "scaling wws hello, 2/1 threads" "$(ratio "$T2" "$T1")"
row "scaling wws primes, 2/1 threads" "$(ratio "$P2" "$P1")"
row "scaling nginx, 2/1 workers" "$(ratio "$N2" "$N1")"
row "metrics on/off (hello req/s)" "$(ratio "$M1" "$M0")"
row "request log text on/off (hello req/s)" "$(mean_log_ratio text)"
row "request log json on/off (hello req/s)" "$(mean_log_ratio json)"
if [ -n "${LINE_NS:-}" ]; then
  hello_us=$(printf '%s\n' "${LOG_RATIOS[@]}" | awk '{ s += $4; n++ } END { printf "%.2f", s / n }')
  row "request line CPU / hello request CPU" "$(awk -v l="$LINE_NS" -v h="$hello_us" 'BEGIN { split(l, x, " ");
    printf "text %.1f%%, json %.1f%% (%s and %s ns of %s us)", x[1] / 10 / h, x[2] / 10 / h, x[1], x[2], h }')"
fi
if [ -n "${RSS_BEFORE:-}" ]; then
  printf '  %-34s %s KiB -> %s KiB after %s requests in %.1f s\n' "wws RSS" "$RSS_BEFORE" "$RSS_AFTER" "$LONG_DONE" \
    "$(awk -v a="$LONG_START" -v b="$LONG_END" 'BEGIN { print b - a }')"
fi
