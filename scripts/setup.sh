#!/usr/bin/env bash
# Installs everything wws needs to build, test and benchmark, from Debian packages only.
# Idempotent: does nothing when all is present. V8 comes from libnode108, extracted into
# .deps/node when the system libnode-dev cannot be installed (it conflicts with nodesource nodejs).
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake pkg-config ccache
      libboost1.81-dev libtomlplusplus-dev rapidjson-dev libcli11-dev libspdlog-dev libfmt-dev
      libcurl4-openssl-dev libssl-dev libxxhash-dev libsqlite3-dev libhiredis-dev libgit2-dev libgtest-dev libgmock-dev libbenchmark-dev
      clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 wabt binaryen
      libc++-14-dev-wasm32 libc++abi-14-dev-wasm32
      rustc cargo libstd-rust-dev-wasm32
      libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1 libssl3 zlib1g
      wrk nginx-light redis-server redis-tools curl git python3 python3-yaml
      libclang-rt-14-dev   # libFuzzer and the sanitizer runtimes (make fuzz)
      clang-format-14 clang-tidy-14)  # make lint: one major version, as formats differ between them

# --browser: also Debian's chromium, for the admin panel's browser test (make test asks for it).
if [ "${1:-}" = "--browser" ]; then PKGS+=(chromium); fi

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node.js runs the JS prelude's tests; machines here usually have one already.
if ! command -v node >/dev/null 2>&1; then
  $SUDO apt-get install -y -q --no-install-recommends nodejs
fi

# V8: prefer a system libnode-dev; otherwise extract the Debian .debs locally.
NODE_PREFIX=.deps/node
if ! dpkg-query -W -f='${Status}' libnode-dev 2>/dev/null | grep -q "install ok installed"; then
  if [ ! -f "$NODE_PREFIX/usr/include/node/v8.h" ] || [ ! -e "$NODE_PREFIX/usr/lib/x86_64-linux-gnu/libnode.so.108" ]; then
    echo "setup: extracting libnode108 + libnode-dev into $NODE_PREFIX"
    tmp=$(mktemp -d)
    # Quiet when it works; when it fails, the retry after an update shows why.
    ( cd "$tmp" && apt-get download -q libnode108 libnode-dev >/dev/null 2>&1 ) ||
      { $SUDO apt-get update -q && ( cd "$tmp" && apt-get download libnode108 libnode-dev ); }
    mkdir -p "$NODE_PREFIX"
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$NODE_PREFIX"; done
    rm -rf "$tmp"
    # libnode-dev's libnode.so symlink is what the linker wants.
    ( cd "$NODE_PREFIX/usr/lib/x86_64-linux-gnu" && [ -e libnode.so ] || ln -sf libnode.so.108 libnode.so )
  fi
fi
# Go workers (kits/go) need Go >= 1.21 for GOOS=wasip1 (Debian bookworm's golang is 1.19): the
# machine's Go, usually /usr/local/go. The Rust kit also needs rustup's cargo to vendor crates
# once (scripts/rust-workers.sh); Debian's rustc/cargo build them.
go_bin=$(command -v go || echo /usr/local/go/bin/go)
if ! "$go_bin" version 2>/dev/null | grep -qE 'go1\.(2[1-9]|[3-9][0-9])'; then
  echo "setup: Go >= 1.21 is needed for the Go kit's workers (GOOS=wasip1); found: $("$go_bin" version 2>&1 || true)" >&2
  exit 1
fi
# Wasmtime: built once per machine from the crate registry, cached under ~/.cache/wws.
bash scripts/wasmtime.sh
echo "setup: ok"
