#!/usr/bin/env bash
# `make install` gives a wws that runs outside the clone: installs the build into a temporary
# prefix, moves that tree elsewhere, and serves a project with it from a clean environment,
# checking that its libnode is the installed copy (not the clone's .deps/).
# usage: tests/install/run.sh <build-dir>
set -euo pipefail
BUILD=$(cd "$1" && pwd)
WORK=$(mktemp -d /tmp/wws-install-XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "install test: $*" >&2; [ -f "$WORK/wws.log" ] && cat "$WORK/wws.log" >&2; exit 1; }

cmake --install "$BUILD" --prefix "$WORK/prefix" --strip >/dev/null
mv "$WORK/prefix" "$WORK/moved"  # relocatable: nothing may point at where it was installed
BIN=$WORK/moved/bin/wws
readelf -d "$BIN" | grep -q 'RUNPATH.*\[\$ORIGIN/../lib/wws\]' || fail "RUNPATH is not \$ORIGIN/../lib/wws"
node=$(ldd "$BIN" | awk '$1 ~ /^libnode/ { print $3 }')
case "$node" in
  "$WORK/moved/"*) ;;
  /usr/lib/*|/lib/*) ;;  # a system libnode-dev was used: then the system provides it
  *) fail "libnode resolves to $node, not to the installed tree" ;;
esac
ldd "$BIN" | grep -q "not found" && fail "unresolved libraries: $(ldd "$BIN" | grep 'not found')"

mkdir -p "$WORK/site/public"
echo 'export default { fetch() { return new Response("served by the installed wws"); } };' > "$WORK/site/hi.js"
echo '<p>static</p>' > "$WORK/site/public/index.html"
# A clean environment, outside the clone: no LD_LIBRARY_PATH, a minimal PATH.
( cd "$WORK" && exec env -i HOME="$WORK" PATH=/usr/bin:/bin "$BIN" site --port 0 ) > "$WORK/wws.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  grep -q "Start serving requests" "$WORK/wws.log" && break
  kill -0 "$PID" 2>/dev/null || fail "wws exited"
  sleep 0.1
done
# Read only once the line is there (reading it first raced with wws printing it).
url=$(grep -o 'Start serving requests at http://127.0.0.1:[0-9]*' "$WORK/wws.log" | grep -o 'http://.*' || true)
[ -n "${url:-}" ] || fail "wws did not start"
[ "$(curl -fs "$url/hi")" = "served by the installed wws" ] || fail "the JS worker did not answer"
[ "$(curl -fs "$url/")" = "<p>static</p>" ] || fail "public/ was not served"
"$BIN" -V | grep -q '^wws ' || fail "-V"
echo "install test: ok ($(du -sh "$WORK/moved" | cut -f1) installed)"
