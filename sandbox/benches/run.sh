#!/usr/bin/env bash
# Sandbox and executor benchmarks, side by side in one run on this machine:
#   1. per language, the fuel calibration and the CPU slowdown of the sandbox against a native
#      build (sandbox/benches/calibrate.rs: gcc, g++, rustc, go, python3, node);
#   2. the cost of one message round trip in an interactive run (sandbox/benches/interactive.rs);
#   3. through a real executor's HTTP API: runs/s and p50/p99 latency of a trivial program per
#      language, compile latency per compiled language, overhead per test case
#      (sandbox/benches/http_bench.py).
# Usage: sandbox/benches/run.sh [--release] [REQUESTS]. `make bench-sandbox` passes --release:
# the executor and the calibration bench are built with the release profile, as deployed (the
# first release build of wasmtime takes 20-30 minutes on 2 cores). Without it the dev build is
# measured, whose host side (WASI calls, JSON, instantiation) is several times slower; the
# profile is printed with the results. Runtimes come from JOUST_RUNTIME_DIR and
# JOUST_SANDBOX_CACHE_DIR (the Makefile derives both from JOUST_CACHE_DIR), builds go to
# CARGO_TARGET_DIR. Needs `make runtimes` first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
profile=dev
target_dir=debug
if [ "${1:-}" = "--release" ]; then
    profile=release
    target_dir=release
    shift
fi
requests=${1:-40}
runtime_dir=${JOUST_RUNTIME_DIR:-$root/.cache/runtimes}
sandbox_cache=${JOUST_SANDBOX_CACHE_DIR:-$root/.cache/sandbox}
target_root=${CARGO_TARGET_DIR:-$root/target}
export JOUST_RUNTIME_DIR=$runtime_dir JOUST_SANDBOX_CACHE_DIR=$sandbox_cache

echo "# sandbox benchmarks: $(nproc) cores, $profile build, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "## CPU loop: fuel calibration and slowdown against native"
echo
cargo bench --quiet -p joust-sandbox --bench calibrate --profile "$profile"

echo
echo "## Interactive runs: one message round trip between validator and submission"
echo
cargo bench --quiet -p joust-sandbox --bench interactive --profile "$profile"

cargo build --quiet -p joust-executor --profile "$profile"
executor_bin="$target_root/$target_dir/joust-executor"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
JOUST_EXECUTOR_PORT=$port JOUST_HOST=127.0.0.1 \
    "$executor_bin" >"$log" 2>&1 &
executor=$!
trap 'kill "$executor" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/v1/languages" >/dev/null 2>&1 && break
    kill -0 "$executor" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
done

echo
echo "## Executor over HTTP ($requests requests per language)"
echo
python3 sandbox/benches/http_bench.py "http://127.0.0.1:$port" "$requests"
