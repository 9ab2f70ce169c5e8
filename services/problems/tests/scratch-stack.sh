# Sourced by the import test and the import benchmark: a release executor on a free loopback
# port and a scratch PostgreSQL database, both gone when the sourcing script exits.
# Before sourcing, set `bin` (the binary directory) and `db` (the database name); afterwards
# `work` is a scratch directory and JOUST_EXECUTOR_URL and JOUST_DATABASE_URL point at both.
work="$(mktemp -d)"
admin="postgres://postgres@127.0.0.1:5432/postgres"
executor_pid=""
cleanup() {
    [ -n "$executor_pid" ] && kill "$executor_pid" 2>/dev/null || true
    psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export JOUST_DEV_MODE=true JOUST_EXECUTOR_PORT="$port" JOUST_EXECUTOR_URL="http://127.0.0.1:$port"
export JOUST_LOG_FORMAT=json RUST_LOG=warn
"$bin/joust-executor" >"$work/executor.log" 2>&1 &
executor_pid=$!
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
export JOUST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
