# The two commands: `make run` (set up, build, serve examples/) and `make test`.
BUILD ?= build
JOBS  ?= $(shell nproc)
HOST  ?= 127.0.0.1
PORT  ?= 8080
# Lets ccache share objects between clones and build folders (paths are made relative to here).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all setup configure build run test unit e2e bench clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	$(BUILD)/wws examples --host $(HOST) --port $(PORT)

# The tests also need Debian's chromium (the admin panel's browser test); `make run` does not.
test: build
	@bash scripts/setup.sh --browser
	@cd $(BUILD) && ctest --output-on-failure

unit: build
	@cd $(BUILD) && ctest --output-on-failure -R unit_

e2e: build
	@$(BUILD)/tests/e2e/wws_e2e_tests

bench: build
	@bash bench/run.sh $(BUILD)
	@bash bench/kits.sh $(BUILD)

clean:
	rm -rf $(BUILD)
