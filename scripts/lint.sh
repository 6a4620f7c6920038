#!/usr/bin/env bash
# `make lint`: the tree must pass clang-format (.clang-format) and clang-tidy (.clang-tidy), with
# every warning an error. Both run over the C and C++ files git tracks; clang-tidy takes their
# flags from the compile databases given (scripts/tidy.py: parallel, with a cache of clean
# results). `make format` rewrites the files clang-format would change.
# usage: scripts/lint.sh [compile_commands.json...]   (env LINT_JOBS, default: all cores)
# Without a database only clang-format runs (`make lint-format`).
set -uo pipefail
cd "$(dirname "$0")/.."
FORMAT=${CLANG_FORMAT:-clang-format-14}
status=0

started=$(date +%s)
mapfile -d '' files < <(git ls-files -z -- '*.c' '*.cc' '*.cpp' '*.h' '*.hpp')
if ! out=$("$FORMAT" --dry-run -Werror "${files[@]}" 2>&1); then
  # The first place per file that clang-format would change.
  bad=$(printf '%s\n' "$out" | awk -F: '/: error: code should be clang-formatted/ && !seen[$1]++ {
    print $1 ":" $2 ": not formatted as .clang-format says"; n++ } END { exit n == 0 }') || bad=$out
  printf '%s\n' "$bad"
  echo "lint: clang-format: $(printf '%s\n' "$bad" | wc -l) files are not formatted (\`make format\` formats them)"
  status=1
else
  echo "lint: clang-format: ${#files[@]} files formatted in $(( $(date +%s) - started )) s"
fi

if [ $# -gt 0 ]; then python3 scripts/tidy.py -j "${LINT_JOBS:-$(nproc)}" "$@" || status=1; fi
exit $status
