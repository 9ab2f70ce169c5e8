#!/usr/bin/env bash
# Imports packages as `joust-problems import` does in production: into a fresh PostgreSQL
# database (created here, dropped on exit), each verified on a real executor first. Both
# binaries come from <binary dir> (a release build: verification runs hundreds of programs).
# Packages are imported IMPORT_JOBS at a time (2); the executor's compile cache is shared,
# so a submission or validator compiled once is not compiled again.
#
# Usage: import-packages.sh <binary dir> <expectations file> <package>...
# The expectations file has lines `<name> <exit status> <text the output must contain>`, as
# many per package as needed (lines starting with # are comments); a package without lines
# must import (status 0). Prints each package's time.
set -euo pipefail
bin="$1" expectations="$2"
shift 2
db="joust_test_import_$$"
# shellcheck source=scratch-stack.sh
source "$(dirname "$0")/scratch-stack.sh"
# The schema once, before parallel imports.
"$bin/joust-problems" list >/dev/null

import_one() {
    local package="$1" name start status=0
    name="$(basename "$package")"
    start=$(date +%s.%N)
    "$bin/joust-problems" import "$package" >"$work/$name.out" 2>&1 || status=$?
    echo "$status $(echo "$(date +%s.%N) - $start" | bc)" >"$work/$name.status"
}
export -f import_one
export bin work
started=$(date +%s.%N)
printf '%s\n' "$@" | xargs -P "${IMPORT_JOBS:-2}" -I{} bash -c 'import_one "$@"' _ {}

failed=0
for package in "$@"; do
    name="$(basename "$package")"
    read -r status seconds <"$work/$name.status"
    # Every line of the package must hold; without lines, the package must import.
    problems=""
    want_status=0
    while read -r _ line_status want_text; do
        want_status="$line_status"
        if [ -n "$want_text" ] && ! grep -qF -- "$want_text" "$work/$name.out"; then
            problems+="    missing: $want_text"$'\n'
        fi
    done < <(grep -E "^$name " "$expectations" || true)
    [ "$status" = "$want_status" ] || problems+="    exit status $status, expected $want_status"$'\n'
    if [ -n "$problems" ]; then
        echo "FAIL $name:"
        printf '%s' "$problems"
        sed 's/^/    | /' "$work/$name.out"
        failed=1
    else
        printf 'ok   %-16s %7.1f s  %s\n' "$name" "$seconds" "$(head -n1 "$work/$name.out")"
    fi
done
printf 'imported %d packages in %.1f s (load %s)\n' "$#" \
    "$(echo "$(date +%s.%N) - $started" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
