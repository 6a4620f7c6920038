# The two commands: `make run` (set up, build, serve examples/ or PROJECT) and `make test`.
BUILD ?= build
JOBS  ?= $(shell nproc)
HOST  ?= 127.0.0.1
PORT  ?= 8080
# The folder `make run` serves: `make run PROJECT=~/site` or, as the README has it, `make run PATH=~/site`
# (a PATH given on make's command line is taken as the project, and the shell's PATH is put back).
PROJECT ?= examples
ifeq ($(origin PATH),command line)
PROJECT := $(PATH)
override PATH := $(or $(shell printenv PATH),/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
endif
# Lets ccache share objects between clones and build folders (paths are made relative to here).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all setup configure build run install dist test unit e2e bench bench-reload runtimes clean \
        test-asan test-tsan fuzz hostile soak lint lint-format format

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

# Short output (warnings and errors only; VERBOSE=1 for all of it); the full log is $(BUILD)/build.log.
build: configure
	@bash scripts/build.sh $(BUILD) $(JOBS)

# A development server: errors answer with their cause (--dev), files are watched (--watch).
run: build
	$(BUILD)/wws $(PROJECT) --host $(HOST) --port $(PORT) --dev --watch

# `make install` (PREFIX=/usr/local by default; DESTDIR works too): bin/wws plus the libnode it
# needs in lib/wws, so it runs outside the clone. `make dist`: the same as a relocatable tarball.
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX) --strip | grep -v '^-- Set runtime path'
	@echo "install: $(PREFIX)/bin/wws"

dist: build
	@bash scripts/dist.sh $(BUILD)

# The tests also need Debian's chromium (the admin panel's browser test); `make run` does not.
test: build
	@bash scripts/setup.sh --browser
	@cd $(BUILD) && ctest --output-on-failure

unit: build
	@cd $(BUILD) && ctest --output-on-failure -R unit_

e2e: build
	@$(BUILD)/tests/e2e/wws_e2e_tests

bench: build runtimes
	@bash bench/run.sh $(BUILD)
	@bash bench/kits.sh $(BUILD)
	@bash bench/runtimes.sh $(BUILD)
	@bash bench/kv.sh $(BUILD)

# Hot reload under load: 30 s of wrk while ten workers change (bench/reload.sh).
bench-reload: build
	@bash bench/reload.sh $(BUILD)

# The local runtime repository (Python, Ruby) in $(BUILD)/runtime-repo; cached in ~/.cache/wws.
runtimes: configure
	@cmake --build $(BUILD) --target runtime_repo

# ---- hardening (issue 7): sanitizers, fuzzing, the hostile suite, the soak ----
# Sanitizers (scripts/sanitize.sh). ASan + UBSan in build-asan/: every unit
# test, the hostile suite, and the e2e suite on Wasmtime against the ASan wws. TSan in build-tsan/:
# unit_http, unit_kv, unit_site. Any report fails; README "Hardening" gives the scope and cost.
test-asan: build
	@bash scripts/sanitize.sh address $(BUILD) $(JOBS)

test-tsan: setup
	@bash scripts/sanitize.sh thread $(BUILD) $(JOBS)

# libFuzzer targets (tests/fuzz), each FUZZ_SECONDS from its seed corpus; findings in build-fuzz/findings.
FUZZ_SECONDS ?= 60
fuzz: setup
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(JOBS) bash scripts/fuzz.sh build-fuzz

# Attacks against the real binary, each checked by a probe that others are still answered.
hostile: build
	@python3 tests/hostile/hostile.py $(BUILD)/wws

# SOAK_REQUESTS (default 1,000,000) mixed requests; RSS, descriptors and threads every 100,000.
soak: build
	@python3 tests/soak/soak.py $(BUILD)/wws

# ---- code style (README "Code style"): clang-format and clang-tidy, every warning an error ----
# clang-tidy takes each file's flags from the build's compile database, the guests' one (wasm
# workers, cmake/wasm.cmake) and the fuzz targets' one (only configured here, not built).
LINT_DBS := $(BUILD)/compile_commands.json $(BUILD)/guest_compile_commands.json build-fuzz/compile_commands.json
lint: configure
	@cmake -S tests/fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@bash scripts/lint.sh $(LINT_DBS)
# clang-format alone (seconds).
lint-format: setup
	@bash scripts/lint.sh

# Rewrites every C/C++ file git tracks as .clang-format says.
format: setup
	@git ls-files -z -- '*.c' '*.cc' '*.cpp' '*.h' '*.hpp' | xargs -0 clang-format-14 -i

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
