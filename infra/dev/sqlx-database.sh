#!/usr/bin/env bash
# Recreates the database that the `query!` macros' metadata is checked against: an empty
# database with every migration applied. Usage: sqlx-database.sh <database-url> <sqlx binary>,
# or sqlx-database.sh --drop <database-url> to remove it once the check is done.
set -euo pipefail
cd "$(dirname "$0")/../.."

drop_only=""
if [ "${1:-}" = "--drop" ]; then drop_only=1; shift; fi
url="$1"
name="${url##*/}"
admin="${url%/*}/postgres"
PGOPTIONS="--client-min-messages=warning" psql "$admin" -v ON_ERROR_STOP=1 \
    -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
[ -n "$drop_only" ] && exit 0
psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$name\""
"$2" migrate run --source migrations --database-url "$url" >/dev/null
