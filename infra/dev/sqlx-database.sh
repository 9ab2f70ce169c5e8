#!/usr/bin/env bash
# Recreates the database that the `query!` macros' metadata is checked against: an empty
# database with every migration applied. Usage: sqlx-database.sh <database-url> <sqlx binary>
set -euo pipefail
cd "$(dirname "$0")/../.."

url="$1"
sqlx="$2"
name="${url##*/}"
admin="${url%/*}/postgres"
PGOPTIONS="--client-min-messages=warning" psql "$admin" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$name\""
"$sqlx" migrate run --source migrations --database-url "$url" >/dev/null
