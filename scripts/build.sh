#!/usr/bin/env bash
# Builds with short output: compiler warnings and errors (with their context) are shown, the
# progress lines of make are not; the full output goes to <build>/build.log. On a terminal one
# line shows the progress. VERBOSE=1 shows everything as it comes.
# usage: scripts/build.sh <build-dir> <jobs> [cmake --build args...]
set -uo pipefail
BUILD=$1 JOBS=$2
shift 2
if [ "${VERBOSE:-0}" != 0 ]; then exec cmake --build "$BUILD" -j"$JOBS" "$@"; fi
LOG=$BUILD/build.log
started=$(date +%s)
tty=0; [ -t 1 ] && tty=1
cmake --build "$BUILD" -j"$JOBS" "$@" 2>&1 | tee "$LOG" | while IFS= read -r line; do
  case "$line" in
    \[*%\]*)
      if [ "$tty" = 1 ]; then printf '\r\033[K%s' "${line:0:100}"; fi
      continue ;;
    gmake*|make\[*|"Consolidate compiler generated dependencies"*|"Scanning dependencies"*|"-- "*) continue ;;
  esac
  # cargo's progress (a Rust dependency built by cmake), indented verbs
  if [[ $line =~ ^\ +(Compiling|Downloaded|Downloading|Finished|Updating|Locking|Adding|Fresh|Checking|Blocking|Unpacking|Packaging)\  ]]; then
    continue
  fi
  [ "$tty" = 1 ] && printf '\r\033[K'
  printf '%s\n' "$line"
done
status=${PIPESTATUS[0]}
[ "$tty" = 1 ] && printf '\r\033[K'
if [ "$status" != 0 ]; then
  echo "build: FAILED (full output in $LOG)" >&2
  exit "$status"
fi
echo "build: ok in $(( $(date +%s) - started )) s (full output in $LOG)"
