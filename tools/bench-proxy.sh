#!/usr/bin/env bash
# Measures what `portcullis enforce` costs a real nginx: throughput and
# latency with wrk on loopback, through one nginx built from
# examples/nginx/, on a location that asks enforce (auth_request), on one
# that checks in nginx from enforce's feed (the Lua check,
# portcullis-lua-*.conf) and on one that does not check, in rounds of one
# run that rotate their order, so that the load of a shared machine falls
# on all alike. Prints req/s, p50 and p99 of each round, then the medians,
# the throughput ratio of each check (with/without) and the p50 and p99 it
# adds. enforce's view holds DECISIONS active decisions (default 1000) in a
# local redis-server; the clients wrk sends as are not blocked.
#
# Usage: tools/bench-proxy.sh [seconds per round]
#   ROUNDS=5 CONNS=32 DECISIONS=1000 BACKEND_KEEPALIVE=1 tools/bench-proxy.sh 10
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${ROUNDS:-5}
conns=${CONNS:-32}
decisions=${DECISIONS:-1000}
for c in wrk nginx redis-server; do
  command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || { echo "$c is missing: run make bench-deps (apt-get install -y wrk nginx redis-server)" >&2; exit 2; }
done
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || { echo "the nginx Lua module is missing: run make deps (apt-get install -y libnginx-mod-http-lua)" >&2; exit 2; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
go build -o bin/portcullis ./cmd/portcullis
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

redis_port=16397 upstream_port=18011 enforce_port=18180 admin_port=18181 nginx_port=18088
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --logfile "$tmp/redis.log" &
pids+=($!)
bin/portcullis upstream --listen "127.0.0.1:$upstream_port" &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# The decisions, through the CLI as an operator adds them.
seq 1 "$decisions" | awk '{printf "10.%d.%d.1\n", int($1/250)%250, $1%250}' |
  xargs -P 2 -I{} bin/portcullis blocklist --redis "127.0.0.1:$redis_port" --prefix bench: add {} --ttl 1h >/dev/null
# A thousand new decisions within a minute is what the safety breaker
# stops (1000 a minute by default); these are meant, so reset it for the
# check's own probe below.
bin/portcullis blocklist --redis "127.0.0.1:$redis_port" --prefix bench: breaker reset >/dev/null

# enforce with examples/nginx/enforce.yaml, moved to the ports above.
sed -e "s#127.0.0.1:9180#127.0.0.1:$enforce_port#; s#127.0.0.1:9181#127.0.0.1:$admin_port#" \
    -e "s#addrs: \[127.0.0.1:6379\], key_prefix: \"portcullis:\"#addrs: [127.0.0.1:$redis_port], key_prefix: \"bench:\"#" \
    examples/nginx/enforce.yaml >"$tmp/enforce.yaml"
grep -q "127.0.0.1:$redis_port" "$tmp/enforce.yaml" || { echo "examples/nginx/enforce.yaml no longer names Redis as this script expects; update it" >&2; exit 2; }
bin/portcullis enforce --config "$tmp/enforce.yaml" 2>"$tmp/enforce.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$admin_port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$admin_port/readyz" >/dev/null || { echo "enforce is not ready:"; cat "$tmp/enforce.log"; exit 1; } >&2
have=$(curl -s "http://127.0.0.1:$admin_port/metrics" | awk '/^portcullis_enforce_blocklist_decisions / {print $2}')

# nginx with the example's snippets. The site's backend is kept alive in
# both locations (BACKEND_KEEPALIVE=0: a connection per request, as
# site.conf's plain proxy_pass does), so the one difference between them is
# the check.
if [ "${BACKEND_KEEPALIVE:-1}" = 0 ]; then
  backend="proxy_pass http://127.0.0.1:$upstream_port;"
else
  backend="proxy_pass http://bench_backend; proxy_http_version 1.1; proxy_set_header Connection \"\";"
fi
mkdir -p "$tmp/nginx"
sed "s#127.0.0.1:9180#127.0.0.1:$enforce_port#" examples/nginx/portcullis-http.conf >"$tmp/nginx/portcullis-http.conf"
cp examples/nginx/portcullis-server.conf examples/nginx/portcullis.lua examples/nginx/portcullis-lua-modules.conf "$tmp/nginx/"
# The Lua check's own work, apart from nginx's and the scheduler's: many
# checks of an allowed client in one request, timed by nginx's clock.
cat >"$tmp/nginx/portcullis_bench.lua" <<'LUA'
local _M = {}
function _M.cost()
  local check, n = require("portcullis").check, 200000
  ngx.update_time()
  local t0 = ngx.now()
  for _ = 1, n do check() end
  ngx.update_time()
  ngx.say(string.format("%.0f", (ngx.now() - t0) / n * 1e9))
end
return _M
LUA
# The Lua check's http {} part, but for the upstream portcullis-http.conf
# already names; its fallback asks through portcullis-server.conf's
# /.portcullis/check, which is the same location.
sed -e "s#127.0.0.1:9181#127.0.0.1:$admin_port#; s#/etc/nginx/portcullis/#$tmp/nginx/#" \
    -e '/^upstream portcullis_enforce {/,/^}/d' examples/nginx/portcullis-lua-http.conf >"$tmp/nginx/portcullis-lua-http.conf"
grep -q "127.0.0.1:$admin_port" "$tmp/nginx/portcullis-lua-http.conf" || { echo "examples/nginx/portcullis-lua-http.conf no longer names the feed as this script expects; update it" >&2; exit 2; }
site=$(sed -e "s#listen 8080;#listen 127.0.0.1:$nginx_port;\n    access_log off;#" \
           -e "s#/etc/nginx/portcullis/#$tmp/nginx/#" \
           -e "s#proxy_pass http://127.0.0.1:3000;#$backend#" \
           -e "s#    location / {#    location /.bench/nocheck {\n        auth_request off;\n        $backend\n    }\n    location = /.bench/luacost {\n        auth_request off;\n        content_by_lua_block { require(\"portcullis_bench\").cost() }\n    }\n    location /.bench/lua {\n        auth_request off;\n        access_by_lua_block { require(\"portcullis\").check() }\n        $backend\n    }\n    location / {#" \
           examples/nginx/site.conf)
[ "$(grep -cF "$backend" <<<"$site")" = 3 ] || { echo "examples/nginx/site.conf no longer holds what this script rewrites; update it" >&2; exit 2; }
cat >"$tmp/nginx/nginx.conf" <<CONF
include $tmp/nginx/portcullis-lua-modules.conf;
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    upstream bench_backend { server 127.0.0.1:$upstream_port; keepalive 32; }
    include $tmp/nginx/portcullis-http.conf;
    include $tmp/nginx/portcullis-lua-http.conf;
$site
}
CONF
"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" -t -q
"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids+=($!)
with="http://127.0.0.1:$nginx_port/api/items?page=2"
lua="http://127.0.0.1:$nginx_port/.bench/lua/api/items?page=2"
without="http://127.0.0.1:$nginx_port/.bench/nocheck/api/items?page=2"
for _ in $(seq 1 50); do curl -s -o /dev/null "$with" && break; sleep 0.1; done
for u in "$with" "$lua" "$without"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$u")
  [ "$code" = 200 ] || { echo "$u answered $code, not 200" >&2; cat "$tmp/nginx/error.log" >&2; exit 1; }
done
# A client a decision names is refused by both checks, so each is really
# in the path; the Lua check's refusal comes from its own copy of the view.
bin/portcullis blocklist --redis "127.0.0.1:$redis_port" --prefix bench: add 127.0.0.9 --ttl 1h >/dev/null
for u in "$with" "$lua"; do
  blocked=""
  for _ in $(seq 1 50); do
    blocked=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.9 "$u")
    [ "$blocked" = 403 ] && break
    sleep 0.1
  done
  [ "$blocked" = 403 ] || { echo "a blocked client got $blocked from $u, not 403: the check is not in the path" >&2; cat "$tmp/nginx/error.log" >&2; exit 1; }
done
bin/portcullis blocklist --redis "127.0.0.1:$redis_port" --prefix bench: remove 127.0.0.9 >/dev/null
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.9 "$lua")" = 200 ] && break
  sleep 0.1
done

us() { # a wrk latency (850.00us, 1.20ms, 1.01s) in µs
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") print n; else if (u == "ms") print n * 1000; else if (u == "s") print n * 1e6; else print n
  }'
}
run() { # url, name, connections -> "rps p50 p99" appended to $tmp/name
  local out rps p50 p99
  out=$(wrk -t1 -c"$3" -d"${secs}s" --latency "$1")
  if grep -q "Non-2xx" <<<"$out"; then echo "$2: wrk saw non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(us "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(us "$(awk '$1=="99%" {print $2}' <<<"$out")")
  echo "$rps $p50 $p99" >>"$tmp/$2"
  printf "  %-22s %9.0f req/s   p50 %7.0f µs   p99 %7.0f µs\n" "$2" "$rps" "$p50" "$p99"
}
urls=("$without" "$with" "$lua")
names=(without_check auth_request lua_check)
sides() { # round, connections, suffix: the three sides, in an order that rotates by round
  local i k
  for i in 0 1 2; do
    k=$((($1 + i) % 3))
    run "${urls[$k]}" "${names[$k]}$3" "$2"
  done
}

echo "nginx (1 worker): auth_request -> portcullis enforce, or the Lua check from enforce's feed ($have decisions in its view), on loopback; backend kept alive: ${BACKEND_KEEPALIVE:-1}"
echo "wrk -t1 -d${secs}s per side: -c$conns for throughput, -c1 for the latency of one request at a time;"
echo "$rounds rounds rotating the sides; $(nproc) cores shared by wrk, nginx, enforce and the backend"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for u in "${urls[@]}"; do wrk -t1 -c"$conns" -d1s "$u" >/dev/null; done # warm up all
for r in $(seq 1 "$rounds"); do
  echo "round $r"
  sides "$r" "$conns" ""
  sides "$r" 1 "_c1"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
costs=""
for _ in 1 2 3; do costs="$costs $(curl -s "http://127.0.0.1:$nginx_port/.bench/luacost" || echo "?")"; done
echo "the Lua check's own work, in nginx, for an allowed client ($have decisions): ns a check, 3 times 200k checks:$costs"
med() { # file, column -> median
  awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
summary() { # suffix, what
  local n50 n99 nr
  nr=$(med "$tmp/without_check$1" 1) n50=$(med "$tmp/without_check$1" 2) n99=$(med "$tmp/without_check$1" 3)
  printf "%s, medians:\n" "$2"
  printf "  %-14s %9.0f req/s   p50 %7.0f µs   p99 %7.0f µs\n" "without check:" "$nr" "$n50" "$n99"
  for c in auth_request lua_check; do
    paste -d' ' "$tmp/$c$1" "$tmp/without_check$1" | awk '{print $1/$4}' >"$tmp/ratios_$c$1"
    awk -v c="$c:" -v wr="$(med "$tmp/$c$1" 1)" -v nr="$nr" -v w50="$(med "$tmp/$c$1" 2)" -v n50="$n50" \
        -v w99="$(med "$tmp/$c$1" 3)" -v n99="$n99" -v rr="$(med "$tmp/ratios_$c$1" 1)" 'BEGIN {
      printf "  %-14s %9.0f req/s   p50 %7.0f µs   p99 %7.0f µs   with/without %.3f (median of the rounds'\'' ratios %.3f); adds p50 %+.0f µs, p99 %+.0f µs\n", c, wr, w50, w99, wr/nr, rr, w50-n50, w99-n99
    }'
  done
}
summary "" "throughput, $conns connections (goal: with/without >= 0.90)"
summary "_c1" "latency, one connection (goal: the check adds <= 100 µs p99)"
