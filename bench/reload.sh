#!/usr/bin/env bash
# bench/reload.sh: hot reload under load. `wws --watch` serves a project while two wrk runs load
# it for SECONDS (default 30) and bench/reload_churn.py adds, changes and removes ten workers
# (JS and wasm, written in place and by rename, one broken write). Goals:
#   - 0 failed requests: every answer of the workers that stay is 200 with a body of theirs
#     (stable ones and the five that keep getting new versions, broken write included), and the
#     five that come and go answer only 200 or 404; no socket errors anywhere;
#   - a changed worker serves its new version within 1 s of the write.
# usage: bench/reload.sh <build-dir> [seconds]        (make bench-reload)
set -euo pipefail

BUILD=$(cd "${1:?usage: bench/reload.sh <build-dir> [seconds]}" && pwd)
SECONDS_TOTAL=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WWS=$BUILD/wws
HELLO_WASM=$BUILD/test-workers/hello.wasm
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_tools wrk wat2wasm python3 curl
need_files "$WWS" "$HELLO_WASM"
bench_scratch reload

# The project: two workers nobody touches, five that the churn changes (c0-c2 JS, c3-c4 wasm),
# at version 1; the five that come and go (r0-r4) start absent.
P=$WORK/project
mkdir -p "$P"
cp "$HELLO_WASM" "$P/s0.wasm"
echo 'export default { fetch() { return new Response("s1 v1"); } };' > "$P/s1.js"
python3 "$ROOT/bench/reload_churn.py" init "$P"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$WWS" "$P" --host 127.0.0.1 --port "$PORT" --watch > "$WORK/wws.log" 2>&1 &
WWS_PID=$!
PIDS+=("$WWS_PID")
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/s1" && break; sleep 0.1; done
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$WWS_PID/status"; }

# wrk: one run over the workers that must always answer 200, one over those that come and go.
# Each wrk thread counts statuses (and bodies that are not a worker's) in Lua; done() adds them up.
cat > "$WORK/count.lua" <<'LUA'
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS"), "[^,]+") do paths[#paths + 1] = p end
local threads = {}
function setup(thread) table.insert(threads, thread) end
local i = 0
statuses = {}
foreign = 0
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 and not string.match(body, "^[src]%d v%d+$") and body ~= "Hello from wws" then foreign = foreign + 1 end
end
function done(summary, latency, requests)
  local total, other = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
    other = other + t:get("foreign")
  end
  for k, v in pairs(total) do io.write(string.format("status %d %d\n", k, v)) end
  io.write(string.format("foreign %d\n", other))
  local e = summary.errors
  io.write(string.format("socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("p99_ms %.2f\n", latency:percentile(99) / 1000))
end
LUA
WRK_PATHS=/s0,/s1,/c0,/c1,/c2,/c3,/c4 wrk -t2 -c32 -d"${SECONDS_TOTAL}s" --timeout 5s -s "$WORK/count.lua" \
  "http://127.0.0.1:$PORT" > "$WORK/stay.txt" 2>&1 &
PIDS+=($!); STAY=$!
WRK_PATHS=/r0,/r1,/r2,/r3,/r4 wrk -t1 -c8 -d"${SECONDS_TOTAL}s" --timeout 5s -s "$WORK/count.lua" \
  "http://127.0.0.1:$PORT" > "$WORK/come_go.txt" 2>&1 &
PIDS+=($!); COME_GO=$!

echo "hot reload under load: wrk for ${SECONDS_TOTAL} s (-t2 -c32 on 7 workers that stay, -t1 -c8 on 5 that come and go)"
echo "while ten workers are changed, added and removed ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "time from the write to the first answer showing it:"
sleep 2
RSS_START=$(rss)
python3 "$ROOT/bench/reload_churn.py" run "$P" "$PORT" "$((SECONDS_TOTAL - 2))" > "$WORK/churn.txt"
grep -v '^{' "$WORK/churn.txt"
wait "$STAY" "$COME_GO" || true
RSS_END=$(rss)

field() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
status_sum() { awk -v keep="$2" '$1 == "status" && index(keep, "," $2 ",") == 0 { n += $3 } END { print n + 0 }' "$1"; }
STAY_REQUESTS=$(field "$WORK/stay.txt" requests)
STAY_BAD=$(( $(status_sum "$WORK/stay.txt" ",200,") + $(field "$WORK/stay.txt" foreign) + $(field "$WORK/stay.txt" socket_errors) ))
CG_REQUESTS=$(field "$WORK/come_go.txt" requests)
CG_404=$(awk '$1 == "status" && $2 == 404 { print $3 }' "$WORK/come_go.txt")
CG_BAD=$(( $(status_sum "$WORK/come_go.txt" ",200,404,") + $(field "$WORK/come_go.txt" foreign) + $(field "$WORK/come_go.txt" socket_errors) ))
SUMMARY=$(grep '^{' "$WORK/churn.txt")
echo
echo "summary"
printf '  %-44s %s requests, %s failed, p99 %s ms\n' "workers that stay (must be 200):" "$STAY_REQUESTS" "$STAY_BAD" \
  "$(field "$WORK/stay.txt" p99_ms)"
printf '  %-44s %s requests, %s 404 (allowed), %s failed\n' "workers that come and go (200 or 404):" "$CG_REQUESTS" \
  "${CG_404:-0}" "$CG_BAD"
echo "  churn: $SUMMARY"
echo "  reloads logged by wws: $(grep -c 'Reloaded in' "$WORK/wws.log"), kept last good version: $(grep -c 'keeps serving its previous version' "$WORK/wws.log")"
echo "  wws RSS: ${RSS_START} KiB after 2 s of load -> ${RSS_END} KiB after the churn"
MAX_CHANGE=$(python3 -c "import json,sys; s=json.loads(sys.argv[1]); print(s.get('change',{}).get('max_ms', 1e9))" "$SUMMARY")
MISSED=$(python3 -c "import json,sys; print(len(json.loads(sys.argv[1])['missed']))" "$SUMMARY")
KEPT=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['broken_write_kept_last_good'])" "$SUMMARY")
ok=1
[ "$STAY_BAD" = 0 ] && [ "$CG_BAD" = 0 ] || ok=0
[ "$MISSED" = 0 ] && [ "$KEPT" = True ] || ok=0
awk -v m="$MAX_CHANGE" 'BEGIN { exit !(m < 1000) }' || ok=0
if [ "$ok" = 1 ]; then
  echo "  goals: met (0 failed requests; slowest change served ${MAX_CHANGE} ms after its write, goal < 1000 ms)"
else
  echo "  goals: NOT met (see above)"; tail -20 "$WORK/wws.log"; exit 1
fi
