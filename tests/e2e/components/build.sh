#!/usr/bin/env bash
# Builds the e2e tests' WebAssembly components with tools from the npm registry:
#   - cmd_<name>.wasm: the C test workers (core modules) adapted into wasi:cli/run components by
#     jco's preview1 command adapter, as `wasm-tools component new --adapt` does;
#   - http_app.wasm: http_app.js made into a wasi:http/proxy component by componentize-js
#     (StarlingMonkey), the world of `wasmtime serve`, Spin and Fermyon's JS SDK.
# The npm tools are installed once per machine under ~/.cache/wws/npm/<hash of the lockfile>.
# usage: build.sh <test-workers-dir> <out-dir>
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORKERS=$1
OUT=$2
CACHE=${WWS_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wws}
KEY=$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -c1-16)
TOOLS=$CACHE/npm/components-$KEY
if [ ! -x "$TOOLS/node_modules/.bin/jco" ]; then
  mkdir -p "$CACHE/npm"
  exec 9>"$CACHE/npm/.lock"
  flock 9
  if [ ! -x "$TOOLS/node_modules/.bin/jco" ]; then
    tmp=$(mktemp -d "$CACHE/npm/.new-XXXXXX")
    cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
    (cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error)
    rm -rf "$TOOLS"
    mv "$tmp" "$TOOLS"
  fi
  exec 9>&-
fi
mkdir -p "$OUT"

pids=()
for name in echo vars folder counter_snapshot trap exit_code memhog loop; do
  "$TOOLS/node_modules/.bin/jco" new "$WORKERS/$name.wasm" --wasi-command -o "$OUT/cmd_$name.wasm" >/dev/null &
  pids+=($!)
done

# StarlingMonkey (componentize-js 0.23) exports wasi:http@0.2.10; jco ships that release's WIT
# only from 0.2.12 on, whose interfaces are the same: rename the version.
WIT=$(mktemp -d)
trap 'rm -rf "$WIT"' EXIT
mkdir -p "$WIT/deps"
cp -r "$TOOLS/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12/." "$WIT/deps/"
grep -rl '0\.2\.12' "$WIT/deps" | xargs sed -i 's/0\.2\.12/0.2.10/g'
cat > "$WIT/world.wit" <<'WIT'
package wws:test;
world http-worker {
  include wasi:http/proxy@0.2.10;
}
WIT
node "$TOOLS/node_modules/@bytecodealliance/componentize-js/src/cli.js" "$HERE/http_app.js" \
  --wit "$WIT" -n http-worker -o "$OUT/http_app.wasm" >/dev/null
for pid in "${pids[@]}"; do wait "$pid"; done
