#!/usr/bin/env bash
# Backtests the detector on several sites of both traffic models: for each,
# one day is generated for training and the next for testing, then
# "portcullis train" and "portcullis score --labels" run with their
# defaults. One line per site: main-kind attackers blocked (flood, scan,
# brute force, injection, upload, enumeration), the median time to detect,
# normal clients blocked and heavy ones blocked, then the misses by kind.
# HOLDOUT_SITES and GEN_SITES override the sites (default "7 11 23" and
# "1 2 3").
# Usage: tools/eval.sh [train seed]   (under a minute on 2 cores; ~250 MB in a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/portcullis" ./cmd/portcullis
go build -o "$tmp/holdout" ./tools/holdout
pc=$tmp/portcullis
summary() { # name, score output
  awk -v d="$1" '
    /^ *(flood|scan|bruteforce|injection|upload|enumeration) /{c+=$3; t+=$2; if ($3<$2) k=k" "$1":"$3"/"$2}
    /all attacks/{ttd=$6}
    /^normal clients blocked/{fp=$4" "$5" "$6" "$7}
    /^heavy legit/{hv=$5" of "$7}
    END{printf "%-10s main kinds %d/%d (%.0f%%)  ttd p50 %-6s  normal blocked %s  heavy blocked %s  missed:%s\n", d, c, t, 100*c/t, ttd, fp, hv, k}' "$2"
}
for site in ${HOLDOUT_SITES:-7 11 23}; do
  "$tmp/holdout" -seed 1 -site $site -start 2026-04-07T13:00:00Z -minutes 15 -clients 3000 -out "$tmp/train.jsonl" -labels "$tmp/train.labels" >/dev/null 2>&1
  "$tmp/holdout" -seed 2 -site $site -start 2026-04-08T13:00:00Z -minutes 15 -clients 3000 -out "$tmp/test.jsonl" -labels "$tmp/test.labels" >/dev/null 2>&1
  $pc train --in "$tmp/train.jsonl" --out "$tmp/m.pcm" --seed "$seed" --no-progress >/dev/null
  $pc score --model "$tmp/m.pcm" --in "$tmp/test.jsonl" --decisions "$tmp/d.jsonl" --labels "$tmp/test.labels" >"$tmp/score.out"
  summary "holdout-$site" "$tmp/score.out"
done
for site in ${GEN_SITES:-1 2 3}; do
  $pc gen --site $site --seed 1 --out "$tmp/train.jsonl" 2>/dev/null
  $pc gen --site $site --seed 2 --start 2026-03-03T09:00:00Z --out "$tmp/test.jsonl" --labels "$tmp/test.labels" 2>/dev/null
  $pc train --in "$tmp/train.jsonl" --out "$tmp/m.pcm" --seed "$seed" --no-progress >/dev/null
  $pc score --model "$tmp/m.pcm" --in "$tmp/test.jsonl" --decisions "$tmp/d.jsonl" --labels "$tmp/test.labels" >"$tmp/score.out"
  summary "gen-$site" "$tmp/score.out"
done
