#!/usr/bin/env bash
# bench/runtimes.sh: Python and Ruby hello workers (pre-initialised interpreters) side by side
# with the C hello worker in the same wws, the same run; then the same Python and Ruby workers
# booting their interpreter on every request (WWS_PREINIT=0), and the start-up time of a
# project with both runtimes installed, warm cache (snapshots made, page cache hot).
#
# usage: bench/runtimes.sh <build-dir> [seconds-per-run]   (default 10)
#   BENCH_CONNECTIONS / BENCH_THREADS   wrk -c / -t (default 16 / 2)
set -euo pipefail

BUILD=$(cd "${1:?usage: bench/runtimes.sh <build-dir> [seconds]}" && pwd)
DURATION=${2:-10}
CONNS=${BENCH_CONNECTIONS:-16}
WRK_THREADS=${BENCH_THREADS:-2}
WWS=$BUILD/wws
REPO=$BUILD/runtime-repo/index.toml
HELLO_WASM=$BUILD/test-workers/hello.wasm
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_files "$WWS" "$REPO" "$HELLO_WASM"
bench_scratch bench-rt
WWS_PID=""

P=$WORK/project
mkdir -p "$P"
cp "$HELLO_WASM" "$P/hello-c.wasm"
printf 'def worker(request):\n    return Response("Hello from Python")\n' > "$P/hello-py.py"
printf 'def worker(req)\n  Response.new("Hello from Ruby")\nend\n' > "$P/hello-rb.rb"
"$WWS" "$P" runtimes install python latest --repo-url "file://$REPO" --repo-name local > "$WORK/install.log" 2>&1
"$WWS" "$P" runtimes install ruby latest --repo-url "file://$REPO" --repo-name local >> "$WORK/install.log" 2>&1

start_wws() {  # sets WWS_PORT, STARTED_MS; env for wws comes from the caller
  WWS_PORT=$(free_port)
  local t0; t0=$(date +%s%N)
  "$WWS" "$P" --host 127.0.0.1 --port "$WWS_PORT" > "$WORK/wws.log" 2>&1 &
  WWS_PID=$!
  PIDS+=("$WWS_PID")
  # A first start compiles both interpreters' snapshots with Cranelift: minutes on a loaded machine.
  for _ in $(seq 1 12000); do
    grep -q "Start serving requests" "$WORK/wws.log" && break
    sleep 0.05
  done
  STARTED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  curl -fs -o /dev/null "http://127.0.0.1:$WWS_PORT/hello-py" || { cat "$WORK/wws.log" >&2; exit 1; }
}
stop_wws() { kill -TERM "$WWS_PID"; wait "$WWS_PID" 2>/dev/null || true; WWS_PID=""; }

declare -A RPS P50
run_wrk() {  # label path
  local out
  out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$WWS_PORT/$2")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
  RPS[$1]=$(awk -v a="${RPS[$1]:-0}" -v b="$rps" 'BEGIN { print a + b }')
  P50[$1]="${P50[$1]:-} $p50"
  printf '  %-14s %10s req/s   p50 %8s ms   p99 %8s ms   errors %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}

echo "runtimes benchmark: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_wws
echo "start-up with both runtimes installed (snapshots cached): ${STARTED_MS} ms"
stop_wws
start_wws
echo "start-up again (page cache warm): ${STARTED_MS} ms"
echo "warm-up (5 s each)"
for w in hello-c hello-py hello-rb; do wrk -t"$WRK_THREADS" -c"$CONNS" -d5s "http://127.0.0.1:$WWS_PORT/$w" >/dev/null; done
echo "alternating runs"
for round in 1 2; do
  run_wrk "c#$round" hello-c; run_wrk "python#$round" hello-py; run_wrk "ruby#$round" hello-rb
  for k in c python ruby; do RPS[$k]=$(awk -v a="${RPS[$k]:-0}" -v b="${RPS[$k#$round]}" 'BEGIN { print a + b }'); done
done
stop_wws
for k in python ruby; do
  printf '%-7s mean %8.1f req/s = %.4f of the C hello worker (%.1f req/s)\n' "$k" "$(awk -v s="${RPS[$k]}" 'BEGIN { print s / 2 }')" \
    "$(awk -v a="${RPS[$k]}" -v b="${RPS[c]}" 'BEGIN { print a / b }')" "$(awk -v s="${RPS[c]}" 'BEGIN { print s / 2 }')"
done

echo "booting the interpreter on every request (WWS_PREINIT=0), for comparison:"
WWS_PREINIT=0 start_wws
for w in hello-py hello-rb; do
  t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$WWS_PORT/$w")
  out=$(wrk -t1 -c1 -d"${DURATION}s" --latency "http://127.0.0.1:$WWS_PORT/$w")
  printf '  %-9s %8s req/s   p50 %8s ms (one client)\n' "$w" "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" \
    "$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
done
stop_wws
