#!/usr/bin/env bash
# Builds Rust workers (packages of the workspace in ./Cargo.toml) for wasm32-wasi with Debian's
# rustc 1.63 + libstd-rust-dev-wasm32, the only Rust with a wasm standard library here.
#
#   scripts/rust-workers.sh BUILD_DIR OUT_DIR PACKAGE...   ->  OUT_DIR/PACKAGE.wasm
#
# Crates come from Cargo.lock, pinned to versions that build with rustc 1.63. Debian's cargo
# (0.66) cannot read the crate registry's current index, so the locked crates are vendored once
# by rustup's cargo into ~/.cache/wws/rust-vendor/<hash of Cargo.lock> and Debian's cargo builds
# offline from there. To add or update a crate: edit a Cargo.toml, then
#   CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback RUSTC=/usr/bin/rustc cargo update -p NAME
# (rustup's cargo; add `--precise VERSION` when a crate's newest release needs a newer rustc).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$(mkdir -p "$1" && cd "$1" && pwd)"; out_dir="$2"; shift 2
[ $# -gt 0 ] || { echo "usage: $0 BUILD_DIR OUT_DIR PACKAGE..." >&2; exit 2; }

RUSTC=/usr/bin/rustc
DEBIAN_CARGO=/usr/bin/cargo
for tool in "$RUSTC" "$DEBIAN_CARGO"; do
  [ -x "$tool" ] || { echo "rust-workers: $tool is missing; run scripts/setup.sh (Debian rustc, cargo, libstd-rust-dev-wasm32)" >&2; exit 1; }
done

# --- the vendored crates, keyed by the lockfile's content
lock_hash="$(sha256sum "$root/Cargo.lock" | cut -c1-16)"
cache="${WWS_CACHE:-$HOME/.cache/wws}"
vendor="$cache/rust-vendor/$lock_hash"
if [ ! -f "$vendor/.complete" ]; then
  resolver_cargo=""
  for c in "${CARGO_VENDOR_CARGO:-}" "$HOME/.cargo/bin/cargo" "$(command -v cargo || true)"; do
    if [ -n "$c" ] && [ -x "$c" ] && [ "$c" != "$DEBIAN_CARGO" ]; then resolver_cargo="$c"; break; fi
  done
  [ -n "$resolver_cargo" ] || { echo "rust-workers: no rustup cargo to vendor crates with (Debian's cargo cannot read the registry index)" >&2; exit 1; }
  mkdir -p "$cache/rust-vendor"
  tmp="$(mktemp -d "$cache/rust-vendor/.tmp.XXXXXX")"
  echo "rust-workers: vendoring the crates of Cargo.lock into $vendor"
  (cd "$root" && "$resolver_cargo" vendor --locked --versioned-dirs --quiet "$tmp/crates" >/dev/null)
  touch "$tmp/crates/.complete"
  # Another build may have finished the same vendoring meanwhile: keep whichever landed first.
  mv -T "$tmp/crates" "$vendor" 2>/dev/null || true
  rm -rf "$tmp"
  [ -f "$vendor/.complete" ] || { echo "rust-workers: vendoring failed" >&2; exit 1; }
fi

# --- Debian's cargo, offline, from the vendored crates
export CARGO_HOME="$build_dir/cargo-home"
mkdir -p "$CARGO_HOME"
# Several builds (tests, examples, bench) may run at once: write the config atomically; cargo's
# own lock on the target folder serialises the builds themselves.
cat > "$CARGO_HOME/config.toml.$$" <<EOF
[source.crates-io]
replace-with = "vendored-sources"
[source.vendored-sources]
directory = "$vendor"
[net]
offline = true
EOF
mv -f "$CARGO_HOME/config.toml.$$" "$CARGO_HOME/config.toml"
export RUSTC CARGO_TARGET_DIR="$build_dir/rust-target"
packages=()
for p in "$@"; do packages+=(-p "$p"); done
(cd "$root" && "$DEBIAN_CARGO" build --release --locked --offline --quiet --target wasm32-wasi "${packages[@]}")
mkdir -p "$out_dir"
for p in "$@"; do
  cp "$CARGO_TARGET_DIR/wasm32-wasi/release/$p.wasm" "$out_dir/$p.wasm.tmp"
  mv -f "$out_dir/$p.wasm.tmp" "$out_dir/$p.wasm"
done
