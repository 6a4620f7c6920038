#!/usr/bin/env bash
# bench/kits.sh: the kits' hello workers side by side with the C hello worker in one wws, driven
# by wrk in alternating runs; prints each one's req/s and its ratio to C (goal: >= 0.8).
# Also measures the mirror of the original Rust kit's rust-basic example (an HTML echo page).
#
# usage: bench/kits.sh <build-dir> [seconds-per-run] [rounds]      (default 5 s, 2 rounds)
#   BENCH_WWS_ARGS   extra wws arguments (e.g. an engine choice)
#   BENCH_CONNECTIONS / BENCH_THREADS   wrk -c / -t (default 64 / 2)
set -euo pipefail

BUILD=$(cd "${1:?usage: bench/kits.sh <build-dir> [seconds] [rounds]}" && pwd)
DURATION=${2:-5}
ROUNDS=${3:-2}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
WWS=$BUILD/wws
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_tools wrk curl

# route -> module
declare -A WORKERS=(
  [c]=$BUILD/test-workers/hello.wasm
  [rust]=$BUILD/bench-workers/bench-rust-hello.wasm
  [go]=$BUILD/bench-workers/go-hello.wasm
  [cpp]=$BUILD/bench-workers/cpp-hello.wasm
  [rust-basic]=$BUILD/test-workers/rust/rust-basic.wasm
)
ORDER=(c rust go cpp rust-basic)

bench_scratch bench-kits
mkdir -p "$WORK/project"
for name in "${ORDER[@]}"; do
  need_files "${WORKERS[$name]}"
  cp "${WORKERS[$name]}" "$WORK/project/$name.wasm"
done
PORT=$(free_port)
# shellcheck disable=SC2086
"$WWS" "$WORK/project" --host 127.0.0.1 --port "$PORT" ${BENCH_WWS_ARGS:-} > "$WORK/wws.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 1200); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/c" && break
  sleep 0.1
done
for name in "${ORDER[@]}"; do
  body=$(curl -fsS "http://127.0.0.1:$PORT/$name") || { echo "bench: /$name fails" >&2; cat "$WORK/wws.log" >&2; exit 1; }
  [ "$name" = rust-basic ] || [ "$body" = "Hello from wws" ] || { echo "bench: /$name answered '$body'" >&2; exit 1; }
done

echo "kits benchmark: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s, $ROUNDS alternating rounds, $(nproc) cores, wws ${BENCH_WWS_ARGS:-}"
for name in "${ORDER[@]}"; do  # warm-up: every worker becomes a proven-quick one
  wrk -t"$WRK_THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$PORT/$name" >/dev/null
done
declare -A SUM=()
for round in $(seq 1 "$ROUNDS"); do
  for name in "${ORDER[@]}"; do
    rps=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$PORT/$name" | awk '/^Requests\/sec:/ { print $2 }')
    printf '  %-12s #%d %12s req/s\n' "$name" "$round" "$rps"
    SUM[$name]=$(awk -v a="${SUM[$name]:-0}" -v b="$rps" 'BEGIN { print a + b }')
  done
done
echo
echo "summary (mean req/s, ratio to the C hello worker of the same run)"
for name in "${ORDER[@]}"; do
  awk -v n="$name" -v s="${SUM[$name]}" -v c="${SUM[c]}" -v r="$ROUNDS" -v size="$(stat -c %s "$WORK/project/$name.wasm")" \
    'BEGIN { printf "  %-12s %10.0f req/s   ratio %.2f   module %d KiB\n", n, s / r, s / c, size / 1024 }'
done
