#!/bin/sh
# Runs the JS prelude tests (tests/js/*.test.mjs) with Node's test runner.
set -e
cd "$(dirname "$0")"
exec node --test ./*.test.mjs
