#!/usr/bin/env bash
# Runs schemathesis against a live battle service: binaries from $1, the schemathesis CLI `st`
# at $2. The service runs with real secrets against a throwaway database and Redis prefix, and
# schemathesis tests every operation of the service's own `/api/openapi.json`: it fails on any
# 5xx and on any answer that its schema does not describe. Everything is removed afterwards.
set -euo pipefail
bin_dir=$1
st=$2

id=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
database=joust_schemathesis_$id
prefix="joust-schemathesis:$id:"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
ops_port=$(free_port)

psql -h 127.0.0.1 -U postgres -d postgres -qAt -c "CREATE DATABASE $database"
pid=
cleanup() {
    if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    psql -h 127.0.0.1 -U postgres -d postgres -qAt -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
    redis-cli -h 127.0.0.1 --scan --pattern "$prefix*" | xargs -r redis-cli -h 127.0.0.1 del >/dev/null || true
}
trap cleanup EXIT

# Real secrets, as in production: the service refuses to start without them. The per-address
# and per-handle auth limits are lifted (every request comes from 127.0.0.1); the lockout stays.
JOUST_JWT_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
JOUST_EXECUTOR_TOKEN=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
JOUST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" \
JOUST_REDIS_PREFIX="$prefix" \
JOUST_BATTLE_PORT="$port" \
JOUST_BATTLE_OPS_PORT="$ops_port" \
JOUST_GUEST_RATE=off \
JOUST_AUTH_IP_RATE=off \
JOUST_AUTH_HANDLE_RATE=off \
RUST_LOG=${RUST_LOG:-warn} \
    "$bin_dir/joust-battle" &
pid=$!

url="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "the battle service exited" >&2; exit 1; }
    sleep 0.2
done

# Authenticated operations get a guest's access token.
token=$(curl -fsS -X POST -H 'content-type: application/json' -d '{"name": "schemathesis"}' \
    "$url/api/auth/guest" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

"$st" run "$url/api/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" \
    --seed "${SCHEMATHESIS_SEED:-1}" \
    --workers 1 \
    --no-color \
    --report-dir "${TMPDIR:-/tmp}/schemathesis-report-$id"
