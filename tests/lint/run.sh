#!/usr/bin/env bash
# The lint gate fails when it should: scripts/lint.sh, with the repo's own .clang-format and
# .clang-tidy, runs in a scratch git repository holding a file clang-format would change, one
# with a clang-tidy finding (a use after move) and a header of ours with another (identical
# branches: headers are checked through the units that include them); it must fail and name all
# three. With them fixed it must pass, a second run must take the clean results from its cache, and a file git does not
# track (as generated code is not) must not be checked.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
mkdir -p scripts src build
cp "$repo/.clang-format" "$repo/.clang-tidy" .
cp "$repo/scripts/lint.sh" "$repo/scripts/tidy.py" scripts/
export WWS_TIDY_CACHE=$tmp/cache LINT_JOBS=2

printf 'int  add( int a,int b ){return a+b;}\n' > src/format.cpp
cat > src/tidy.h <<'CPP'
inline int sign(int x) { return x < 0 ? 1 : 1; }
CPP
cat > src/tidy.cpp <<'CPP'
#include "tidy.h"

#include <string>
#include <utility>

std::string twice(std::string s) {
  std::string t = std::move(s);
  return s + t;
}
CPP
printf 'int  untracked( ){return 1;}\n' > build/generated.cpp
cat > build/compile_commands.json <<JSON
[{"directory": "$tmp", "file": "src/format.cpp", "arguments": ["c++", "-std=c++20", "-c", "src/format.cpp"]},
 {"directory": "$tmp", "file": "src/tidy.cpp", "arguments": ["c++", "-std=c++20", "-c", "src/tidy.cpp"]},
 {"directory": "$tmp", "file": "build/generated.cpp", "arguments": ["c++", "-c", "build/generated.cpp"]}]
JSON
git init -q . && git add .clang-format .clang-tidy scripts src

fail() { echo "lint gate test: $1"; printf '%s\n' "$out"; exit 1; }
expect() { grep -qF -- "$1" <<<"$out" || fail "expected \"$1\" in the output"; }

if out=$(bash scripts/lint.sh build/compile_commands.json 2>&1); then fail "lint passed on bad files"; fi
expect "src/format.cpp:1: not formatted"
expect "lint: clang-format: 1 files are not formatted"
expect "src/tidy.cpp:8:10: error: 's' used after it was moved [bugprone-use-after-move"
expect "src/tidy.h:1:39: error: conditional operator with identical true and false expressions [bugprone-branch-clone"
expect "tidy: 2 translation units (0 unchanged since a clean check)"
if grep -q "build/generated.cpp" <<<"$out"; then fail "an untracked file was checked"; fi

# Each half of the gate fails on its own.
printf 'int add(int a, int b) { return a + b; }\n' > src/format.cpp
if out=$(bash scripts/lint.sh build/compile_commands.json 2>&1); then fail "lint passed with a clang-tidy finding"; fi
expect "lint: clang-format: 3 files formatted"
expect "[bugprone-use-after-move"
sed -i 's/return s + t;/return t + t;/' src/tidy.cpp
if out=$(bash scripts/lint.sh build/compile_commands.json 2>&1); then fail "lint passed with a finding in a header"; fi
expect "[bugprone-branch-clone"
sed -i 's/? 1 : 1/? -1 : 1/' src/tidy.h
printf 'int  add( int a,int b ){return a+b;}\n' > src/format.cpp
if out=$(bash scripts/lint.sh build/compile_commands.json 2>&1); then fail "lint passed on a misformatted file"; fi
expect "src/format.cpp:1: not formatted"
expect ": clean"

printf 'int add(int a, int b) { return a + b; }\n' > src/format.cpp
out=$(bash scripts/lint.sh build/compile_commands.json 2>&1) || fail "lint failed on good files"
expect "lint: clang-format: 3 files formatted"
expect "tidy: 2 translation units (2 unchanged since a clean check)"
expect ": clean"
out=$(bash scripts/lint.sh build/compile_commands.json 2>&1) || fail "lint failed on a second run"
expect "tidy: 2 translation units (2 unchanged since a clean check)"
echo "lint gate test: ok"
