#!/usr/bin/env bash
# Runs the scaled-out stack on this machine until Ctrl-C: two executors, two judges (each
# using both executors), two battle instances and haproxy in front of them (infra/haproxy/),
# against the local PostgreSQL database `joust` and Redis. Prints the one URL clients use.
# Binaries come from $1 (a cargo profile directory). Installs Debian's haproxy when missing.
set -euo pipefail
bin_dir=$1
here=$(cd "$(dirname "$0")" && pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v haproxy >/dev/null; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends haproxy
fi

. "$(dirname "$0")/local-stack.sh"
lb_port=${JOUST_LB_PORT:-8080}
battle_ports=(8090 8091)
ops_ports=(9090 9091)
judge_ports=(8081 8083)
executor_ports=(8082 8084)
executors=http://127.0.0.1:${executor_ports[0]},http://127.0.0.1:${executor_ports[1]}
run_dir=$(mktemp -d /tmp/joust-cluster.XXXXXX)

cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$run_dir"; }
trap cleanup EXIT INT TERM

for i in 0 1; do
    JOUST_EXECUTOR_PORT=${executor_ports[$i]} "$bin_dir/joust-executor" & pids+=($!)
    wait_ready "${executor_ports[$i]}" "executor $((i + 1))"
done
for i in 0 1; do
    JOUST_JUDGE_PORT=${judge_ports[$i]} JOUST_EXECUTOR_URL=$executors "$bin_dir/joust-judge" & pids+=($!)
    wait_ready "${judge_ports[$i]}" "judge $((i + 1))"
done
for i in 0 1; do
    JOUST_BATTLE_PORT=${battle_ports[$i]} JOUST_BATTLE_OPS_PORT=${ops_ports[$i]} \
        JOUST_EXECUTOR_URL=$executors JOUST_TRUSTED_PROXIES=127.0.0.1 \
        "$bin_dir/joust-battle" & pids+=($!)
    wait_ready "${battle_ports[$i]}" "battle $((i + 1))"
done
JOUST_LB_BIND=$JOUST_HOST:$lb_port \
    JOUST_LB_BATTLE1=127.0.0.1:${battle_ports[0]} JOUST_LB_BATTLE2=127.0.0.1:${battle_ports[1]} \
    JOUST_LB_ADMIN_SOCKET=$run_dir/haproxy.sock \
    haproxy -db -f "$here/../haproxy/haproxy.cfg" & pids+=($!)
wait_ready "$lb_port" haproxy

cat <<MSG

Joust is running behind haproxy: http://$JOUST_HOST:$lb_port
  (two battle instances on ports ${battle_ports[*]}, metrics on ${ops_ports[*]}; judges on
  ${judge_ports[*]}; executors on ${executor_ports[*]}; haproxy's runtime API on
  $run_dir/haproxy.sock)
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
