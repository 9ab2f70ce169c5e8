#!/usr/bin/env bash
# Sandbox and executor benchmarks, side by side in one run on this machine:
#   1. per language, the fuel calibration and the CPU slowdown of the sandbox against a native
#      build (sandbox/benches/calibrate.rs: gcc, g++, rustc, go, python3, node);
#   2. through a real executor's HTTP API: runs/s and p50/p99 latency of a trivial program per
#      language, compile latency per compiled language, overhead per test case
#      (sandbox/benches/http_bench.py).
# Usage: sandbox/benches/run.sh [--release] [REQUESTS]. Without --release the dev build is
# measured (a release build of wasmtime takes a long time on a small machine); the profile is
# printed with the results. Needs `make runtimes` first.
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

echo "# sandbox benchmarks: $(nproc) cores, $profile build, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "## CPU loop: fuel calibration and slowdown against native"
echo
cargo bench --quiet -p joust-sandbox --bench calibrate --profile "$profile"

cargo build --quiet -p joust-executor --profile "$profile"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
JOUST_EXECUTOR_PORT=$port JOUST_HOST=127.0.0.1 \
    JOUST_RUNTIME_DIR="${JOUST_RUNTIME_DIR:-$root/.cache/runtimes}" \
    JOUST_SANDBOX_CACHE_DIR="${JOUST_SANDBOX_CACHE_DIR:-$root/.cache/sandbox}" \
    "${CARGO_TARGET_DIR:-$root/target}/$target_dir/joust-executor" >"$log" 2>&1 &
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
