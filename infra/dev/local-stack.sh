# Shared by run-stack.sh and run-cluster.sh (sourced, not run): the local database `joust`,
# the settings every local process takes, the list of started processes and a readiness wait.

psql -h 127.0.0.1 -U postgres -d postgres -qAt -c "SELECT 1 FROM pg_database WHERE datname = 'joust'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -q -c 'CREATE DATABASE joust'

export JOUST_HOST=${JOUST_HOST:-127.0.0.1}
# Development secrets are accepted only in this mode; a deployment sets real ones.
export JOUST_DEV_MODE=${JOUST_DEV_MODE:-true}
export JOUST_DATABASE_URL=${JOUST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/joust}

# The started processes, stopped by the sourcing script's cleanup.
pids=()

# Waits until the service on port $1 answers /readyz; $2 names it in the error.
wait_ready() {
    for _ in $(seq 1 600); do
        curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "$2 did not become ready" >&2
    exit 1
}
