#!/usr/bin/env bash
# Measures the gateway's throughput and latency with wrk on loopback, with
# and without the blocklist check (1000 active decisions in a local
# redis-server). Usage: tools/bench-gateway.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
go build -o bin/portcullis ./cmd/portcullis
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

redis-server --port 16399 --bind 127.0.0.1 --save "" --appendonly no --daemonize no --logfile "$tmp/redis.log" &
pids+=($!)
bin/portcullis upstream --listen 127.0.0.1:18001 &
pids+=($!)
sleep 0.5
for i in $(seq 1 1000); do echo "blocklist --redis 127.0.0.1:16399 --prefix bench: add 10.$((i/250)).$((i%250)).1 --ttl 1h"; done |
  while read -r line; do bin/portcullis $line >/dev/null; done

run() { # name, extra config
  cat >"$tmp/gw.yaml" <<YAML
listen: 127.0.0.1:18081
admin: 127.0.0.1:18082
routes:
  - {name: all, path_prefix: /, upstreams: [http://127.0.0.1:18001]}
$2
YAML
  bin/portcullis gateway --config "$tmp/gw.yaml" 2>/dev/null &
  local gw=$!
  sleep 1
  wrk -t1 -c32 -d1s http://127.0.0.1:18081/items/1 >/dev/null  # warm up
  local out
  out=$(wrk -t1 -c32 -d"${secs}s" --latency http://127.0.0.1:18081/items/1)
  kill $gw; wait $gw 2>/dev/null || true
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf "%-28s %12s req/s   p99 %s\n" "$1" "$rps" "$p99"
  echo "$rps" >"$tmp/$1.rps"
}
echo "gateway on loopback, wrk -t1 -c32 -d${secs}s, 2 cores shared by wrk, gateway and upstream"
run without-check "blocklist: {fail_mode: open}"
run with-check "blocklist: {redis: {addrs: [127.0.0.1:16399], key_prefix: \"bench:\"}, fail_mode: open, max_staleness: 10s}"
awk -v a="$(cat "$tmp/without-check.rps")" -v b="$(cat "$tmp/with-check.rps")" 'BEGIN {printf "overhead of the check: %.1f%% of throughput\n", 100*(a-b)/a}'
