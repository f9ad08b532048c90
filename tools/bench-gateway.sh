#!/usr/bin/env bash
# Measures the gateway's throughput and latency with wrk on loopback, with
# and without the blocklist check (1000 active decisions in a local
# redis-server), on a route that takes a JWT (HS256) and checks an RBAC
# policy, and on a route with the WAF (OWASP CRS) in blocking and in detect
# mode. Usage: tools/bench-gateway.sh [seconds]
#
# BASE=<git revision> tools/bench-gateway.sh [seconds] instead compares the
# open route (no check, no auth) of the revision with the working tree's:
# both binaries built, run in turn over ROUNDS rounds (default 5), and the
# median of each side and their ratio printed. One machine, one run, so the
# noise of a shared machine falls on both sides alike.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
go build -o bin/portcullis ./cmd/portcullis
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${BASE:-}" ]; then git worktree remove --force "$tmp/base" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -n "${BASE:-}" ]; then
  rounds=${ROUNDS:-5}
  git worktree add --detach "$tmp/base" "$BASE" >/dev/null 2>&1 || { echo "BASE=$BASE: not a revision of this repository" >&2; exit 2; }
  (cd "$tmp/base" && go build -o "$tmp/base.bin" ./cmd/portcullis)
  bin/portcullis upstream --listen 127.0.0.1:18001 &
  pids+=($!)
  printf 'listen: 127.0.0.1:18081\nadmin: 127.0.0.1:18082\nroutes:\n  - {name: all, path_prefix: /, upstreams: [http://127.0.0.1:18001]}\nblocklist: {fail_mode: open}\n' >"$tmp/open.yaml"
  url="http://127.0.0.1:18081/api/v1/items/42?page=2&sort=name"
  ua="User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
  one() { # binary -> req/s
    "$1" gateway --config "$tmp/open.yaml" 2>/dev/null &
    local gw=$!
    for _ in $(seq 1 50); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
    wrk -t1 -c32 -d1s -H "$ua" "$url" >/dev/null
    wrk -t1 -c32 -d"${secs}s" -H "$ua" "$url" | awk '/Requests\/sec/ {print $2}'
    kill $gw; wait $gw 2>/dev/null || true
  }
  echo "open route, $BASE against the working tree, wrk -t1 -c32 -d${secs}s, $rounds rounds in turn"
  for r in $(seq 1 "$rounds"); do
    b=$(one "$tmp/base.bin"); n=$(one bin/portcullis)
    printf "round %d  base %10s req/s   new %10s req/s\n" "$r" "$b" "$n"
    echo "$b" >>"$tmp/base.rps"; echo "$n" >>"$tmp/new.rps"
  done
  med() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  mb=$(med "$tmp/base.rps"); mn=$(med "$tmp/new.rps")
  awk -v b="$mb" -v n="$mn" 'BEGIN {printf "median: base %.0f req/s, new %.0f req/s, new/base %.3f\n", b, n, n/b}'
  exit 0
fi

redis-server --port 16399 --bind 127.0.0.1 --save "" --appendonly no --daemonize no --logfile "$tmp/redis.log" &
pids+=($!)
bin/portcullis upstream --listen 127.0.0.1:18001 &
pids+=($!)
sleep 0.5
for i in $(seq 1 1000); do echo "blocklist --redis 127.0.0.1:16399 --prefix bench: add 10.$((i/250)).$((i%250)).1 --ttl 1h"; done |
  while read -r line; do bin/portcullis $line >/dev/null; done

run() { # name, extra config, extra route settings
  cat >"$tmp/gw.yaml" <<YAML
listen: 127.0.0.1:18081
admin: 127.0.0.1:18082
routes:
  - {name: all, path_prefix: /, upstreams: [http://127.0.0.1:18001]${3:+, $3}}
$2
YAML
  bin/portcullis gateway --config "$tmp/gw.yaml" 2>/dev/null &
  local gw=$!
  sleep 1
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$ua" -H "$authz" "$url")
  wrk -t1 -c32 -d1s -H "$ua" -H "$authz" "$url" >/dev/null  # warm up
  local out
  out=$(wrk -t1 -c32 -d"${secs}s" --latency -H "$ua" -H "$authz" "$url")
  local inspected drops
  inspected=$(curl -s http://127.0.0.1:18082/metrics | awk '/^portcullis_gateway_waf_requests_total/ {s+=$2} END {print s+0}')
  drops=$(curl -s http://127.0.0.1:18082/metrics | awk '/^portcullis_gateway_waf_detect_dropped_total/ {s+=$2} END {print s+0}')
  kill $gw; wait $gw 2>/dev/null || true
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf "%-16s status %s %10s req/s   p99 %-10s" "$1" "$code" "$rps" "$p99"
  if [ "$inspected" != 0 ] || [ "$drops" != 0 ]; then printf " WAF inspected %s, queue drops %s" "$inspected" "$drops"; fi
  printf "\n"
  echo "$rps" >"$tmp/$1.rps"
}
url="http://127.0.0.1:18081/api/v1/items/42?page=2&sort=name"
ua="User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
authz="X-Bench: 1"
echo "gateway on loopback, wrk -t1 -c32 -d${secs}s, 2 cores shared by wrk, gateway and upstream"
run without-check "blocklist: {fail_mode: open}"
run with-check "blocklist: {redis: {addrs: [127.0.0.1:16399], key_prefix: \"bench:\"}, fail_mode: open, max_staleness: 10s}"
awk -v a="$(cat "$tmp/without-check.rps")" -v b="$(cat "$tmp/with-check.rps")" 'BEGIN {printf "overhead of the check: %.1f%% of throughput\n", 100*(a-b)/a}'

# A JWT route: an HS256 token (made here with openssl) and an RBAC policy.
export PORTCULLIS_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
hdr=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
claims=$(printf '{"iss":"bench","aud":"portcullis-api","sub":"bench-user","roles":["reader"],"iat":%d,"exp":%d}' "$(date +%s)" "$(( $(date +%s) + 3600 ))" | b64url)
sig=$(printf '%s.%s' "$hdr" "$claims" | openssl dgst -sha256 -hmac "$PORTCULLIS_JWT_SECRET" -binary | b64url)
cat >"$tmp/policy.yaml" <<YAML
roles: [reader]
rules:
  - {name: readers read, roles: [reader], methods: [GET], paths: ["/**"]}
YAML
authz="Authorization: Bearer $hdr.$claims.$sig"
run jwt-rbac "blocklist: {fail_mode: open}
auth:
  jwt: {issuers: [{issuer: bench, audience: [portcullis-api], algorithms: [HS256], secret_env: PORTCULLIS_JWT_SECRET}]}
  rbac: {policy_file: $tmp/policy.yaml}" "auth: jwt"
awk -v a="$(cat "$tmp/without-check.rps")" -v b="$(cat "$tmp/jwt-rbac.rps")" 'BEGIN {printf "cost of JWT (cached) and RBAC: %.1f%% of throughput\n", 100*(a-b)/a}'
authz="X-Bench: 1"
run waf-blocking "blocklist: {fail_mode: open}" "waf: {mode: blocking}"
run waf-detect "blocklist: {fail_mode: open}
waf_detect: {queue: 1024, workers: 1}" "waf: {mode: detect}"
awk -v a="$(cat "$tmp/without-check.rps")" -v b="$(cat "$tmp/waf-blocking.rps")" 'BEGIN {printf "cost of the blocking WAF: %.1f%% of throughput\n", 100*(a-b)/a}'
echo "detect mode: requests past the queue go uninspected (portcullis_gateway_waf_detect_dropped_total)"
