#!/usr/bin/env bash
# Builds Wasmtime (its C API plus wws's adapter crate, src/engine/wasmtime/adapter) into one static
# library and its headers, cached outside the clone under ~/.cache/wws/wasmtime/<key>, where <key>
# covers the Wasmtime version, the crate's manifest (features), its lockfile and sources and the
# Rust compiler: a second clone on the machine links the same build without compiling anything.
# .deps/wasmtime points at the build CMake uses. Cargo's own objects stay in ~/.cache/wws/cargo-target,
# so changing the adapter's sources recompiles only the adapter.
# Needs rustup's cargo (Rust >= 1.95, Wasmtime 48's minimum); the crates come from the crate registry.
set -euo pipefail
cd "$(dirname "$0")/.."

ADAPTER=src/engine/wasmtime/adapter
CACHE=${WWS_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wws}
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing; install Rust with rustup (https://rustup.rs), version 1.95 or later" >&2
  exit 1
fi
VERSION=$(sed -n '/^name = "wasmtime-c-api-impl"/{n;s/^version = "\(.*\)"/\1/p}' "$ADAPTER/Cargo.lock")
[ -n "$VERSION" ] || { echo "setup: $ADAPTER/Cargo.lock names no wasmtime-c-api-impl" >&2; exit 1; }
HASH=$( { rustc -V; cat "$ADAPTER/Cargo.toml" "$ADAPTER/Cargo.lock"; find "$ADAPTER/src" -type f | sort | xargs cat; } \
        | sha256sum | cut -c1-16)
OUT=$CACHE/wasmtime/$VERSION-$HASH
LIB=libwws_wasmtime.a

link_deps() { mkdir -p .deps && ln -sfn "$OUT" .deps/wasmtime; }
if [ -f "$OUT/lib/$LIB" ] && [ -f "$OUT/include/wasmtime/conf.h" ]; then link_deps; exit 0; fi

mkdir -p "$CACHE/wasmtime"
exec 9>"$CACHE/wasmtime/.lock"
flock 9  # two clones setting up at once build once
if [ ! -f "$OUT/lib/$LIB" ]; then
  echo "setup: building Wasmtime $VERSION and the wws adapter (first time on this machine: a long build)"
  started=$(date +%s)
  CARGO_TARGET_DIR="$CACHE/cargo-target" cargo build --release --locked --quiet \
    --manifest-path "$ADAPTER/Cargo.toml" -j "$(nproc)"
  # The C API's headers ship inside its crate; conf.h records the features it was built with.
  CAPI=$(cargo metadata --locked --offline --format-version 1 --filter-platform "$(rustc -vV | sed -n 's/^host: //p')" \
           --manifest-path "$ADAPTER/Cargo.toml" \
         | python3 -c 'import json,sys; m=json.load(sys.stdin); print(next(p["manifest_path"] for p in m["packages"] if p["name"]=="wasmtime-c-api-impl"))')
  CAPI=$(dirname "$CAPI")
  tmp=$(mktemp -d "$CACHE/wasmtime/.new-XXXXXX")
  mkdir -p "$tmp/lib" "$tmp/include"
  cp "$CACHE/cargo-target/release/libwws_wasmtime.a" "$tmp/lib/$LIB"
  cp -r "$CAPI/include/." "$tmp/include/"
  cp "$ADAPTER/include/wws_wasmtime.h" "$tmp/include/"
  features=$(sed -n '/^wasmtime-c-api = /,/\]/p' "$ADAPTER/Cargo.toml" | grep -o '"[a-z-]*"' | tr -d '"' | grep -v '^wasmtime-c-api-impl$' | tr 'a-z-' 'A-Z_')
  defines=()
  for f in $features; do defines+=(-e "s/^#cmakedefine WASMTIME_FEATURE_$f\$/#define WASMTIME_FEATURE_$f/"); done
  sed "${defines[@]}" -e 's|^#cmakedefine \(.*\)|/* #undef \1 */|' "$CAPI/include/wasmtime/conf.h.in" > "$tmp/include/wasmtime/conf.h"
  rm -rf "$OUT"
  mv "$tmp" "$OUT"
  echo "setup: Wasmtime built in $(( $(date +%s) - started )) s -> $OUT"
fi
link_deps
