#!/usr/bin/env bash
# Builds the relocatable bundle build/dist/wws-<version>-linux-<arch>.tar.gz: bin/wws, the
# non-system libraries it needs in lib/wws (cmake/install.cmake), README.md, and the Debian
# packages that provide the system libraries it links, for machines that lack them.
# usage: scripts/dist.sh <build-dir>
set -euo pipefail
BUILD=$(cd "${1:?usage: scripts/dist.sh <build-dir>}" && pwd)
VERSION=$("$BUILD/wws" -V | awk '{ print $2 }')
NAME=wws-$VERSION-linux-$(uname -m)
DIR=$BUILD/dist/$NAME
rm -rf "$DIR"
cmake --install "$BUILD" --prefix "$DIR" --strip >/dev/null
DOC=$DIR/share/doc/wws
# The system libraries the binary and the bundled ones link directly (apt brings the rest),
# and the package that owns each.
needed=$(for f in "$DIR/bin/wws" "$DIR"/lib/wws/*; do readelf -d "$f" | awk '/NEEDED/ { gsub(/[][]/, "", $5); print $5 }'; done | sort -u)
ldd "$DIR/bin/wws" "$DIR"/lib/wws/* 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
  while read -r soname lib; do
    grep -qx "$soname" <<<"$needed" || continue
    case "$lib" in "$DIR"/*) continue ;; esac
    dpkg -S "*/$soname" 2>/dev/null | awk -F': ' -v b="/$soname" 'substr($2, length($2) - length(b) + 1) == b { print $1 }' |
      sed 's/:.*//' | head -1
  done | sort -u > "$DOC/debian-packages.txt"
cat > "$DIR/INSTALL.txt" <<TXT
wws $VERSION, a relocatable build: unpack anywhere and run bin/wws.

  tar xzf $NAME.tar.gz
  $NAME/bin/wws path/to/your/project --port 8080

bin/wws finds its own copy of libnode in lib/wws (RUNPATH \$ORIGIN/../lib/wws). The other
libraries it needs come from the system; on Debian 12 (bookworm) they are in these packages:

  apt-get install $(tr '\n' ' ' < "$DOC/debian-packages.txt")
TXT
tar -C "$BUILD/dist" -czf "$BUILD/dist/$NAME.tar.gz" "$NAME"
echo "dist: $BUILD/dist/$NAME.tar.gz ($(du -h "$BUILD/dist/$NAME.tar.gz" | cut -f1)); system packages it needs: $(wc -l < "$DOC/debian-packages.txt")"
