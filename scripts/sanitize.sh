#!/usr/bin/env bash
# `make test-asan` / `make test-tsan`: builds wws and the unit tests with a sanitizer in their own
# folder (build-asan/, build-tsan/: ccache and the folder make a second run incremental), runs the
# chosen tests, and fails on any sanitizer report. README "Hardening" gives the scope and its cost.
#   address  ASan + UBSan: every unit test, the hostile suite, and the e2e suite on Wasmtime (the
#            test binary and workers of the plain build in <build>, run against the ASan wws:
#            WWS_E2E_BINARY), so no test worker is built twice.
#   thread   TSan: the threaded parts, unit_http (server, run pool, drain, watchdog of runs),
#            unit_kv (stores under concurrent writers), unit_site (hot reload).
# Reports go to files (log_path), not only to the test's output: a wws process a test started
# (e2e, hostile) is checked too, even where the test only saw a server that went away.
# usage: scripts/sanitize.sh address|thread <plain-build-dir> <jobs>
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=$1 PLAIN=$2 JOBS=$3
ROOT=$PWD
[ -d "$PLAIN" ] && PLAIN=$(cd "$PLAIN" && pwd)  # wws processes of the e2e suite run elsewhere
case $KIND in
  address) DIR=build-asan ;;
  thread) DIR=build-tsan ;;
  *) echo "usage: scripts/sanitize.sh address|thread <plain-build-dir> <jobs>" >&2; exit 2 ;;
esac
REPORTS=$ROOT/$DIR/sanitizer-reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
started=$(date +%s)

# Every report is fatal (halt_on_error; the build also has -fno-sanitize-recover), and is kept.
# TSan's print_suppressions=0: it would otherwise write the count of suppressed races to log_path.
COMMON="halt_on_error=1:log_path=$REPORTS/report:print_stacktrace=1"
# allow_user_segv_handler=1: Wasmtime turns a guest's out-of-bounds access or trap into a wasm
# trap with its own SIGSEGV/SIGBUS/SIGILL/SIGFPE handlers. ASan installs its handlers first
# (handle_segv=1, its default) and without this flag ignores later sigaction() calls for those
# signals, so every trapping worker would end the process as an ASan "SEGV" report. Wasmtime
# hands a fault outside guest code on to the handler it replaced (ASan's), so a wild access in
# wws itself is still reported. (V8 runs without a trap handler: src/engine/v8/platform.cpp.)
export ASAN_OPTIONS="$COMMON:detect_leaks=1:allow_user_segv_handler=1"
export UBSAN_OPTIONS="$COMMON"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="$COMMON:second_deadlock_stack=1:print_suppressions=0:suppressions=$ROOT/tests/sanitizers/tsan.supp"

UNITS=$(for f in tests/unit/*_test.cpp; do f=${f##*/}; echo "unit_${f%%_*}"; done | sort -u)
cmake -S . -B "$DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWWS_SANITIZE="$KIND" >/dev/null
status=0
if [ "$KIND" = address ]; then
  # shellcheck disable=SC2086
  bash scripts/build.sh "$DIR" "$JOBS" --target wws $UNITS
  built=$(date +%s)
  (cd "$DIR" && ctest --output-on-failure -R '^(unit_.*|hostile)$') || status=1
  [ -x "$PLAIN/tests/e2e/wws_e2e_tests" ] || { echo "sanitize: $PLAIN/tests/e2e/wws_e2e_tests missing: make build first" >&2; exit 1; }
  # The plain build's compiled-code cache (make test's e2e_wasmtime fills it): Wasmtime is not
  # instrumented, so its code is the same, and entries are keyed by engine version and settings.
  # Wasmtime compiling every Go/Python/Ruby test module again under the ASan wws would cost
  # minutes and check no code of ours that the unit tests of the code cache do not.
  WWS_E2E_BINARY=$ROOT/$DIR/wws WWS_E2E_ENGINE=wasmtime WWS_E2E_CACHE_DIR=$PLAIN/e2e-code-cache \
    "$PLAIN/tests/e2e/wws_e2e_tests" --gtest_brief=1 || status=1
else
  TSAN_TESTS="unit_http unit_kv unit_site"
  # shellcheck disable=SC2086
  bash scripts/build.sh "$DIR" "$JOBS" --target $TSAN_TESTS
  built=$(date +%s)
  (cd "$DIR" && ctest --output-on-failure -R "^($(echo $TSAN_TESTS | tr ' ' '|'))\$") || status=1
fi
ran=$(date +%s)

reports=$(find "$REPORTS" -type f | sort)
if [ -n "$reports" ]; then
  for r in $reports; do
    echo "==== $r" >&2
    head -60 "$r" >&2
  done
  echo "sanitize ($KIND): $(echo "$reports" | wc -l) report(s) in $REPORTS" >&2
  status=1
fi
echo "sanitize ($KIND): build $((built - started)) s, tests $((ran - built)) s; $([ $status = 0 ] && echo clean || echo FAILED)"
exit $status
