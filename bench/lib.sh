# bench/lib.sh: what the benchmark scripts share: checking what they need, a scratch folder and
# the processes they start (both gone when the script exits, however it exits), free ports,
# waiting for a server, nginx as the peer, wrk runs with their latency figures. Sourced; the wrk
# helpers expect DURATION, CONNS and WRK_THREADS.

need_tools() {  # tool... : each must be on PATH
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/setup.sh" >&2; exit 1; }
  done
}

need_files() {  # file... : each must exist (built by make build, or make test for the components)
  local f
  for f in "$@"; do
    [ -e "$f" ] || { echo "bench: $f not found; run make build first (make test once, for the components)" >&2; exit 1; }
  done
}

# bench_scratch <name>: WORK becomes a new folder under /tmp, and every process whose pid the
# script appends to PIDS is stopped, and WORK removed, when the script exits or is interrupted.
bench_scratch() {
  WORK=$(mktemp -d "/tmp/wws-$1-XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_ready() {  # url
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench: $1 did not come up" >&2
  return 1
}

# ---- nginx: own config, keep-alive, no logs. Two workers is the peer; one worker is the
# control for thread scaling (what one more process buys on this machine with wrk beside it).
start_nginx() {  # name workers -> sets NGINX_PORT
  local dir=$WORK/$1
  NGINX_PORT=$(free_port)
  mkdir -p "$dir/logs" "$dir/tmp"
  cat > "$dir/nginx.conf" <<CONF
worker_processes $2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { default_type text/plain; return 200 "Hello"; }
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$NGINX_PORT/"
}
to_ms() {  # wrk latency like 512.00us / 1.20ms / 2.01s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

# run_wrk <label> <url> [seconds]: prints "label req/s p50 p99 errors" and appends it to RESULTS
RESULTS=()
run_wrk() {
  local label=$1 url=$2 secs=${3:-$DURATION} out
  out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${secs}s" --latency "$url")
  local rps p50 p99 max errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  max=$(to_ms "$(awk '$1 == "Latency" { print $4 }' <<<"$out")")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
  RESULTS+=("$label $rps $p50 $p99 $errors")
  printf '  %-16s %12s req/s   p50 %9s ms   p99 %9s ms   max %9s ms   errors %s\n' "$label" "$rps" "$p50" "$p99" "$max" "$errors"
}

mean_rps() {  # label prefix
  printf '%s\n' "${RESULTS[@]}" | awk -v p="$1" 'index($1, p) == 1 { s += $2; n++ } END { printf "%.1f", n ? s / n : 0 }'
}


ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
