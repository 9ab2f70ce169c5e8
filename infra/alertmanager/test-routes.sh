#!/usr/bin/env bash
# Checks where Alertmanager sends alerts: critical ones page, warnings open tickets.
set -euo pipefail
config=$(dirname "$0")/alertmanager.yml
expect() {
    local want=$1; shift
    local got
    got=$(amtool config routes test --config.file="$config" "$@")
    if [ "$got" != "$want" ]; then
        echo "route for $*: got '$got', want '$want'" >&2
        exit 1
    fi
}
expect pager alertname=JoustLockHeadroomLow severity=critical instance=a:1
expect tickets alertname=JoustQueueLagHigh severity=warning instance=j:1
expect tickets alertname=Unknown
echo "alert routes as expected"
