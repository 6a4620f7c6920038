#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang + ASan/UBSan) in <build-fuzz> and runs each
# for FUZZ_SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/<target>. Inputs the
# fuzzer finds are kept in <build-fuzz>/corpus/<target> (not in the repo); a crash is written to
# <build-fuzz>/findings/<target>/ and fails the run: add it as a regression test and fix it.
# usage: scripts/fuzz.sh [build-fuzz] [target...]   (env FUZZ_SECONDS, FUZZ_JOBS)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-build-fuzz}
shift || true
SECONDS_EACH=${FUZZ_SECONDS:-60}
cmake -S tests/fuzz -B "$OUT" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
bash scripts/build.sh "$OUT" "${FUZZ_JOBS:-2}" --target fuzzers
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$OUT/corpus/$t" "$OUT/findings/$t"
  log=$OUT/findings/$t/fuzz.log
  # -timeout: one input running longer than this is a finding (a hang); -rss_limit_mb likewise.
  if "$OUT/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$OUT/findings/$t/" "$OUT/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz: $t ok ($runs inputs in ${SECONDS_EACH} s)"
  else
    echo "fuzz: $t FOUND A CRASH (see $log and $OUT/findings/$t/)" >&2
    grep -m5 -E 'ERROR|SUMMARY|runtime error|deadly signal' "$log" >&2 || true
    failed+=("$t")
  fi
done
[ ${#failed[@]} = 0 ] || { echo "fuzz: findings in ${failed[*]}" >&2; exit 1; }
