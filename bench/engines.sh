#!/usr/bin/env bash
# bench/engines.sh: the wasm engines side by side with their peers, each pair in the same run:
#   1. the hello core module on wws --engine wasmtime, wws --engine v8, and nginx `return 200`;
#   2. one hello wasi:http component (componentize-js) on wws and on `wasmtime serve` of the same
#      Wasmtime release (built from the crate registry once, cached in ~/.cache/wws/wasmtime-cli);
#   3. instantiate + run + teardown per engine, and the CPU-heavy worker against the same C
#      compiled natively (Google Benchmark, build/engine_bench);
#   4. thread scaling of the CPU-heavy worker on Wasmtime (wws --threads 2 / --threads 1);
#   5. start-up of a project holding a 20 MiB module, cold (empty code cache) and warm.
# Installs nothing but wasmtime-cli (scripts/setup.sh does the rest) and stops all it starts.
#
# usage: bench/engines.sh <build-dir> [seconds-per-run]      (default 10)
#   BENCH_LONG=1   also one 30 s run per wws engine for the longest pause (max latency)
set -euo pipefail

BUILD=${1:?usage: bench/engines.sh <build-dir> [seconds-per-run]}
DURATION=${2:-10}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
WWS=$BUILD/wws
CACHE=${WWS_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wws}
source "$ROOT/bench/lib.sh"
need_files "$WWS" "$BUILD/engine_bench" "$BUILD/test-workers/hello.wasm" "$BUILD/bench-workers/primes.wasm" \
           "$BUILD/test-components/http_app.wasm"
bench_scratch engines

# `wasmtime serve`, the same Wasmtime release as wws's, built once per machine.
WASMTIME_VERSION=$(sed -n '/^name = "wasmtime-c-api-impl"/{n;s/^version = "\(.*\)"/\1/p}' \
                   "$ROOT/src/engine/wasmtime/adapter/Cargo.lock")
WASMTIME_CLI=$CACHE/wasmtime-cli-$WASMTIME_VERSION/bin/wasmtime
if [ ! -x "$WASMTIME_CLI" ]; then
  echo "bench: building wasmtime-cli $WASMTIME_VERSION (once per machine)"
  PATH="$HOME/.cargo/bin:$PATH" CARGO_TARGET_DIR="$CACHE/cargo-target-cli" \
    cargo install --quiet --locked wasmtime-cli@"$WASMTIME_VERSION" --root "$CACHE/wasmtime-cli-$WASMTIME_VERSION"
fi

start_nginx nginx 2

mkdir -p "$WORK/core" "$WORK/component"
cp "$BUILD/test-workers/hello.wasm" "$WORK/core/hello.wasm"
cp "$BUILD/bench-workers/primes.wasm" "$WORK/core/primes.wasm"
cp "$BUILD/test-components/http_app.wasm" "$WORK/component/index.wasm"

SERVER_PID=""
start() {  # ready-url command... : starts a server in the background and waits for it
  local url=$1
  shift
  "$@" > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_ready "$url"
}
stop() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
wws_on() {  # project engine extra-args... : starts wws, sets PORT; ready once its first route answers
  local project=$1 engine=$2 ready=/
  shift 2
  [ -e "$project/hello.wasm" ] && ready=/hello  # the core project has no index route
  PORT=$(free_port)
  start "http://127.0.0.1:$PORT$ready" "$WWS" "$project" --host 127.0.0.1 --port "$PORT" --engine "$engine" \
    --cache-dir "$WORK/cache" "$@"
}

echo "wws engines benchmark: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wws: $WWS; Wasmtime $WASMTIME_VERSION; $(nginx -v 2>&1)"

echo
echo "1. hello core module (test-workers/hello.wasm): wws on Wasmtime, wws on V8, nginx"
for round in 1 2 3; do
  run_wrk "nginx#$round" "http://127.0.0.1:$NGINX_PORT/"
  for engine in wasmtime v8; do
    wws_on "$WORK/core" "$engine"
    wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$PORT/hello" >/dev/null
    run_wrk "$engine#$round" "http://127.0.0.1:$PORT/hello"
    stop
  done
done

echo
echo "2. hello wasi:http component (componentize-js): wws vs wasmtime serve $WASMTIME_VERSION"
for round in 1 2 3; do
  wws_on "$WORK/component" wasmtime
  wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$PORT/" >/dev/null
  run_wrk "wws-http#$round" "http://127.0.0.1:$PORT/"
  stop
  PORT=$(free_port)
  start "http://127.0.0.1:$PORT/" "$WASMTIME_CLI" serve --addr "127.0.0.1:$PORT" -S cli=y \
    "$WORK/component/index.wasm"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$PORT/" >/dev/null
  run_wrk "wasmtime-serve#$round" "http://127.0.0.1:$PORT/"
  stop
done

echo
echo "3. per-request engine work and guest code vs native (Google Benchmark)"
"$BUILD/engine_bench" "$BUILD/unit-wasm" "$BUILD/test-workers" "$BUILD/bench-workers" \
  --benchmark_min_time=2s --benchmark_format=console 2>/dev/null | tee "$WORK/micro.txt"
micro() { awk -v n="$1" '$1 == n { v = $2; u = $3; if (u == "ms") v *= 1000; if (u == "ns") v /= 1000; print v }' "$WORK/micro.txt"; }

echo
echo "4. thread scaling on the CPU-heavy worker (primes) on Wasmtime"
for round in 1 2; do
  for threads in 1 2; do
    wws_on "$WORK/core" wasmtime --threads "$threads"
    wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$PORT/primes" >/dev/null
    run_wrk "primes-threads-$threads#$round" "http://127.0.0.1:$PORT/primes"
    stop
  done
done

if [ "${BENCH_LONG:-0}" = 1 ]; then
  echo
  echo "longest pause: one 30 s run per engine (max latency)"
  for engine in wasmtime v8; do
    wws_on "$WORK/core" "$engine"
    run_wrk "long-$engine" "http://127.0.0.1:$PORT/hello" 30
    stop
  done
fi

echo
echo "5. start-up with a 20 MiB module: cold (empty cache), warm (cached), after wws compile"
mkdir -p "$WORK/big"
python3 "$ROOT/bench/big_module.py" "$WORK/big/index.wasm" 20
startup() {  # label engine cache-dir : time from exec to "Start serving", and wws's own load time
  local label=$1 engine=$2 cache=$3 port started ended
  port=$(free_port)
  started=$(date +%s.%N)
  "$WWS" "$WORK/big" --host 127.0.0.1 --port "$port" --engine "$engine" --cache-dir "$cache" > "$WORK/startup.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  while ! grep -q "Start serving" "$WORK/startup.log"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/startup.log"; return 1; }
    sleep 0.005
  done
  ended=$(date +%s.%N)
  curl -fs "http://127.0.0.1:$port/" | grep -q "big module" || { echo "bench: the big module did not answer" >&2; return 1; }
  stop
  local ms
  ms=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  printf '  %-26s %8s ms to serving (%s)\n' "$label" "$ms" "$(grep -o 'Workers loaded in [0-9.]*ms' "$WORK/startup.log")"
  STARTUP+=("$label $ms")
}
STARTUP=()
rm -rf "$WORK/bigcache"
startup "wasmtime cold" wasmtime "$WORK/bigcache"
startup "wasmtime warm" wasmtime "$WORK/bigcache"
rm -rf "$WORK/bigcache"
"$WWS" compile "$WORK/big" --cache-dir "$WORK/bigcache" >/dev/null
startup "wasmtime after compile" wasmtime "$WORK/bigcache"
startup "v8 (compiles each start)" v8 "$WORK/bigcache"

NGINX_RPS=$(mean_rps "nginx#")
WT_RPS=$(mean_rps "wasmtime#")
V8_RPS=$(mean_rps "v8#")
HTTP_RPS=$(mean_rps "wws-http#")
SERVE_RPS=$(mean_rps "wasmtime-serve#")
P1=$(mean_rps "primes-threads-1#")
P2=$(mean_rps "primes-threads-2#")
mean_p99() { printf '%s\n' "${RESULTS[@]}" | awk -v p="$1" 'index($1, p) == 1 { s += $4; n++ } END { printf "%.2f", n ? s / n : 0 }'; }
startup_ms() { printf '%s\n' "${STARTUP[@]}" | awk -v l="$1" 'index($0, l) == 1 { print $NF }'; }
echo
echo "summary (ratios are to the peer in the same run)"
printf '  %-44s %s\n' "hello: Wasmtime / nginx" "$(ratio "$WT_RPS" "$NGINX_RPS")  ($WT_RPS / $NGINX_RPS req/s; goal >= 0.85)"
printf '  %-44s %s\n' "hello: V8 / nginx" "$(ratio "$V8_RPS" "$NGINX_RPS")  ($V8_RPS req/s)"
printf '  %-44s %s\n' "wasi:http hello: wws / wasmtime serve" "$(ratio "$HTTP_RPS" "$SERVE_RPS")  ($HTTP_RPS / $SERVE_RPS req/s; goal >= 1.5)"
printf '  %-44s %s\n' "wasi:http p99: wws / wasmtime serve (ms)" "$(mean_p99 "wws-http#") / $(mean_p99 "wasmtime-serve#")  (goal: lower)"
printf '  %-44s %s\n' "instantiate+run, WAT hello (us)" "wasmtime $(micro Instantiate/wasmtime/wat_hello), v8 $(micro Instantiate/v8/wat_hello)  (goal < 5 on wasmtime)"
printf '  %-44s %s\n' "instantiate+run, C hello (us)" "wasmtime $(micro Instantiate/wasmtime/c_hello), v8 $(micro Instantiate/v8/c_hello)"
printf '  %-44s %s\n' "primes: Wasmtime / native" "$(ratio "$(micro Primes/wasmtime)" "$(micro Primes/native)")  (goal <= 1.15; V8 $(ratio "$(micro Primes/v8)" "$(micro Primes/native)"))"
printf '  %-44s %s\n' "primes on Wasmtime: 2 / 1 threads" "$(ratio "$P2" "$P1")  (goal >= 1.8)"
printf '  %-44s %s\n' "20 MiB module start (ms)" "cold $(startup_ms "wasmtime cold"), warm $(startup_ms "wasmtime warm"), after compile $(startup_ms "wasmtime after compile"), v8 $(startup_ms "v8")  (goal: warm < 100)"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
