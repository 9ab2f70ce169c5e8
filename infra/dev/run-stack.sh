#!/usr/bin/env bash
# Runs one executor, one judge and one battle service on this machine against the local
# PostgreSQL database `joust` and Redis, until Ctrl-C. Binaries come from $1 (a cargo profile
# directory). Loopback only, unless JOUST_HOST says otherwise.
set -euo pipefail
bin_dir=$1

. "$(dirname "$0")/local-stack.sh"
export JOUST_BATTLE_PORT=${JOUST_BATTLE_PORT:-8080}
export JOUST_BATTLE_OPS_PORT=${JOUST_BATTLE_OPS_PORT:-9080}
export JOUST_JUDGE_PORT=${JOUST_JUDGE_PORT:-8081}
export JOUST_EXECUTOR_PORT=${JOUST_EXECUTOR_PORT:-8082}
export JOUST_EXECUTOR_URL=http://127.0.0.1:$JOUST_EXECUTOR_PORT
# The web app's static export (`make web`), served by the battle service at the same URL.
export JOUST_WEB_DIR=${JOUST_WEB_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/web/out}

cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$bin_dir/joust-executor" & pids+=($!)
wait_ready "$JOUST_EXECUTOR_PORT" executor
"$bin_dir/joust-judge" & pids+=($!)
wait_ready "$JOUST_JUDGE_PORT" judge
"$bin_dir/joust-battle" & pids+=($!)
wait_ready "$JOUST_BATTLE_PORT" battle

cat <<MSG

Joust is running.
  Web app:                http://127.0.0.1:$JOUST_BATTLE_PORT/
  Socket.IO and HTTP API: http://127.0.0.1:$JOUST_BATTLE_PORT   (guest login: POST /api/auth/guest)
  battle metrics:         http://127.0.0.1:$JOUST_BATTLE_OPS_PORT/metrics   (and /readyz with details; loopback only)
  judge metrics:          http://127.0.0.1:$JOUST_JUDGE_PORT/metrics
  executor:               http://127.0.0.1:$JOUST_EXECUTOR_PORT/v1/executions
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
