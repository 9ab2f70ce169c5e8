#!/usr/bin/env bash
# Runs the stack of run-stack.sh with Prometheus (Joust's recording and alert rules loaded,
# scraping the battle service, the judge and the executor) and Alertmanager (Joust's routes and
# inhibitions) beside it, until Ctrl-C. Binaries come from $1 (a cargo profile directory).
# Prometheus listens on PROMETHEUS_PORT (9090), Alertmanager on ALERTMANAGER_PORT (9093),
# both on loopback; the data of both lives in a temporary directory removed at the end.
set -euo pipefail
bin_dir=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
prometheus_port=${PROMETHEUS_PORT:-9090}
alertmanager_port=${ALERTMANAGER_PORT:-9093}
export JOUST_BATTLE_OPS_PORT=${JOUST_BATTLE_OPS_PORT:-9080}
export JOUST_JUDGE_PORT=${JOUST_JUDGE_PORT:-8081}
export JOUST_EXECUTOR_PORT=${JOUST_EXECUTOR_PORT:-8082}

work=$(mktemp -d "${TMPDIR:-/tmp}/joust-observability.XXXXXX")
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The deployment configuration, with this machine's targets and Alertmanager port.
cp -r "$repo/infra/prometheus/rules" "$work/rules"
sed "s|127.0.0.1:9093|127.0.0.1:$alertmanager_port|" "$repo/infra/prometheus/prometheus.yml" > "$work/prometheus.yml"
mkdir -p "$work/targets"
for target in "battle:$JOUST_BATTLE_OPS_PORT" "judge:$JOUST_JUDGE_PORT" "executor:$JOUST_EXECUTOR_PORT"; do
    printf '[{"targets": ["127.0.0.1:%s"]}]\n' "${target#*:}" > "$work/targets/${target%%:*}.json"
done
promtool check config "$work/prometheus.yml" >/dev/null

prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address="127.0.0.1:$prometheus_port" --log.level=warn &
pids+=($!)
prometheus-alertmanager --config.file="$repo/infra/alertmanager/alertmanager.yml" \
    --storage.path="$work/alertmanager" --web.listen-address="127.0.0.1:$alertmanager_port" \
    --cluster.listen-address= --log.level=warn &
pids+=($!)
for url in "http://127.0.0.1:$prometheus_port/-/ready" "http://127.0.0.1:$alertmanager_port/-/ready"; do
    for _ in $(seq 1 150); do curl -fsS "$url" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fsS "$url" >/dev/null || { echo "$url did not answer" >&2; exit 1; }
done

cat <<MSG
Observability is running.
  Prometheus:   http://127.0.0.1:$prometheus_port        (alerts: /classic/alerts, rules: /classic/rules, targets: /classic/targets)
  Alertmanager: http://127.0.0.1:$alertmanager_port
  Grafana dashboards to import: $repo/infra/grafana/dashboards/
Starting the stack...
MSG
"$repo/infra/dev/run-stack.sh" "$bin_dir" &
pids+=($!)
wait "${pids[-1]}"
