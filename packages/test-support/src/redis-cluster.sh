#!/usr/bin/env bash
# A local Redis Cluster on loopback, for the tests, the benchmarks and trying the examples.
#   bash packages/test-support/src/redis-cluster.sh start DIR [--replicas N] [--masters N]
#       Starts the nodes (Debian's redis-server) on free ports, each with its config, pid, log and
#       cluster state in DIR, creates the cluster, waits until every slot is served (and every
#       replica is in sync), then prints one line: REDIS_CLUSTER_NODES=127.0.0.1:P1,127.0.0.1:P2,...
#       (the masters). DIR/<port>.conf restarts a node as it was: `redis-server DIR/<port>.conf`.
#   bash packages/test-support/src/redis-cluster.sh stop DIR
#       Stops every node started in DIR (by the pid it wrote) and removes DIR.
# No persistence (the tests need none); a node timeout of 1 s so a failover takes seconds.
set -euo pipefail

usage() {
  echo "usage: redis-cluster.sh start DIR [--replicas N] [--masters N] | stop DIR" >&2
  exit 2
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port P such that P and its cluster bus port P+10000 are both free.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 20000))
    if ! port_in_use "$port" && ! port_in_use $((port + 10000)) && [[ " ${ports[*]:-} " != *" $port "* ]]; then
      echo "$port"
      return
    fi
  done
  echo "redis-cluster: no free port found" >&2
  exit 1
}

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 300); do
    if eval "$check"; then return; fi
    sleep 0.1
  done
  echo "redis-cluster: timed out waiting for $what" >&2
  exit 1
}

# Starts one node on a free port and prints the port. Another process may bind the port between
# the check and redis-server's bind (tests start clusters in parallel): then it tries another.
start_node() {
  local dir=$1 port
  for _ in $(seq 5); do
    port=$(free_port)
    cat >"$dir/$port.conf" <<EOF
port $port
bind 127.0.0.1
dir $dir
cluster-enabled yes
cluster-config-file nodes-$port.conf
cluster-node-timeout 1000
save ""
appendonly no
daemonize yes
pidfile $dir/$port.pid
logfile $dir/$port.log
EOF
    redis-server "$dir/$port.conf"
    for _ in $(seq 50); do
      # Ours when it answers with our directory.
      if [[ "$(redis-cli -p "$port" config get dir 2>/dev/null | tail -n 1)" == "$dir" ]]; then
        echo "$port"
        return
      fi
      sleep 0.1
    done
    rm -f "$dir/$port.conf"
  done
  echo "redis-cluster: could not start a node in $dir (see its logs)" >&2
  exit 1
}

start() {
  local dir=$1 masters=3 replicas=0
  shift
  while (($#)); do
    case "$1" in
      --replicas) replicas=$2; shift 2 ;;
      --masters) masters=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  command -v redis-server >/dev/null || { echo "redis-cluster: redis-server is not installed (bash scripts/setup.sh --test)" >&2; exit 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  ports=()
  local count=$((masters * (1 + replicas)))
  for _ in $(seq "$count"); do
    ports+=("$(start_node "$dir")")
  done
  local addresses=()
  for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$replicas" --cluster-yes >"$dir/create.log" 2>&1 ||
    { cat "$dir/create.log" >&2; exit 1; }
  for port in "${ports[@]}"; do
    wait_for "cluster_state:ok on port $port" "redis-cli -p $port cluster info | grep -q 'cluster_state:ok'"
  done
  # `--cluster create` makes the first N nodes masters; the replicas must have synced before use.
  for port in "${ports[@]:$masters}"; do
    wait_for "replica on port $port in sync" "redis-cli -p $port info replication | grep -q 'master_link_status:up'"
  done
  local nodes=()
  for port in "${ports[@]:0:$masters}"; do nodes+=("127.0.0.1:$port"); done
  local joined
  joined=$(IFS=,; echo "${nodes[*]}")
  echo "$joined" >"$dir/nodes"
  echo "REDIS_CLUSTER_NODES=$joined"
}

stop() {
  local dir=$1
  [[ -d "$dir" ]] || return 0
  local pids=()
  for pidfile in "$dir"/*.pid; do
    [[ -e "$pidfile" ]] || continue
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    wait_for "redis-server $pid to exit" "! kill -0 $pid 2>/dev/null"
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) [[ $# -ge 2 ]] || usage; shift; start "$@" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
