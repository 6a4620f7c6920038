#!/usr/bin/env bash
# The admin panel in a real browser (ctest: panel_browser). Needs Debian's chromium (scripts/setup.sh
# --browser installs it) and this folder's npm packages (installed here from package-lock.json).
# Usage: tests/panel/run.sh WWS_BINARY TEST_WORKERS_DIR [SCREENSHOT_DIR]
set -euo pipefail
binary=$(realpath "$1") workers=$(realpath "$2") screenshot=${3:+$(realpath -m "$3")}
if [ -n "$screenshot" ]; then mkdir -p "$screenshot"; fi
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  echo "panel_browser: /usr/bin/chromium is missing; run scripts/setup.sh --browser" >&2
  exit 1
fi
# npm ci only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.wws-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.wws-lock
fi
export WWS_BINARY="$binary" WWS_TEST_WORKERS="$workers" PANEL_SCREENSHOT="$screenshot"
exec node --test --test-reporter=spec panel.test.mjs
