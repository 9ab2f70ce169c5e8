#!/usr/bin/env bash
# Every alert links a runbook page that exists, and every runbook page is linked by an alert.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
linked=$(grep -ho 'runbook_url: .*' infra/prometheus/rules/*.yml | awk '{print $2}' | sort -u)
alerts=$(grep -c '^ *- alert:' infra/prometheus/rules/alerts.yml)
with_runbook=$(grep -c 'runbook_url:' infra/prometheus/rules/alerts.yml)
if [ "$alerts" != "$with_runbook" ]; then
    echo "$alerts alerts but $with_runbook runbook links" >&2
    status=1
fi
for page in $linked; do
    [ -f "$page" ] || { echo "missing runbook $page" >&2; status=1; }
done
for page in docs/runbooks/*.md; do
    [ "$page" = docs/runbooks/README.md ] && continue
    grep -qx "$page" <<<"$linked" || { echo "$page is linked by no alert" >&2; status=1; }
done
[ $status -eq 0 ] && echo "every alert has its runbook"
exit $status
