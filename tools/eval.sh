#!/usr/bin/env bash
# Backtests the detector on several sites of each traffic model: for each,
# one day is generated for training and the next for testing, then
# "portcullis train" and "portcullis score --labels" run with their
# defaults. One line per site: main-kind attackers blocked (flood, scan,
# brute force, injection, upload, enumeration), the median time to detect
# over all attacks (campaign members included),
# normal clients blocked and heavy ones blocked, the misses by kind, the
# other kinds (campaign members such as stuffing, cardtest, ddos, and the
# models' own extras), and per campaign of 20 or more addresses how many
# were blocked within 60 s of its onset (the per-kind summary also says how
# many within 60 s of their own onset). Then one table per kind over all
# sites of all models, and the time it all took.
# HOLDOUT_SITES, GEN_SITES, SHOP_SITES, B2B_SITES, MEDIA_SITES, APP_SITES,
# TICKET_SITES, GAME_SITES, BANK_SITES, SAAS_SITES, TRAVEL_SITES,
# EXCHANGE_SITES, CLINIC_SITES, FLEET_SITES, STREAM_SITES, DEVAPI_SITES,
# FORUM_SITES, TAX_SITES, LMS_SITES, REGISTRY_SITES, JOB_SITES and
# BET_SITES override the sites
# (default "7 11 23", "1 2 3", "5 8 13", "3 6 17", "4 10 19", "3 5 11",
# "2 6 9", "2 5 8", "2 5 8", "2 5 8", "2 5 8", "2 5 8", "3 5 8", "3 5 8",
# "3 5 8", "3 5 8", "3 5 8", "3 5 8", "3 5 8", "3 5 8", "3 5 8" and
# "3 5 8";
# set one empty to leave its model out); JOBS is how many
# sites run at once (default 2). EVAL_KEEP=DIR keeps each site's labels,
# decisions and score output in DIR/SITE.
# Usage: tools/eval.sh [train seed]   (about 2-4 minutes on 2 cores; ~550 MB in a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-1}
jobs=${JOBS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
keep=${EVAL_KEEP:-}
began=$SECONDS
for cmd in ./cmd/portcullis ./tools/holdout ./tools/shopsim ./tools/b2bsim ./tools/mediasim ./tools/appsim ./tools/ticketsim ./tools/gamesim ./tools/banksim ./tools/saassim ./tools/travelsim ./tools/exchangesim ./tools/clinicsim ./tools/fleetsim ./tools/streamsim ./tools/devapisim ./tools/forumsim ./tools/taxsim ./tools/lmssim ./tools/registrysim ./tools/jobsim ./tools/betsim ./tools/evalsum; do
  go build -o "$tmp/bin/$(basename $cmd)" "$cmd"
done
pc=$tmp/bin/portcullis
summary() { # name, score output
  awk -v d="$1" '
    /^ *kind +clients/{tab=1; next}
    /all attacks/{ttd=$6; tab=0}
    tab && /^ *(flood|scan|bruteforce|injection|upload|enumeration) /{c+=$3; t+=$2; if ($3<$2) k=k" "$1":"$3"/"$2; next}
    tab{o=o" "$1" "$3"/"$2}
    /^campaign /{sub(":", "", $3); e=e" "$3" "$8"/"$4}
    /^normal clients blocked/{fp=$4" "$5" "$6" "$7}
    /^heavy legit/{hv=$5" of "$7}
    END{printf "%-10s main kinds %d/%d (%.0f%%)  ttd p50 %-6s  normal blocked %s  heavy blocked %s  missed:%s  other:%s  campaigns in 60 s:%s\n", d, c, t, t ? 100*c/t : 0, ttd, fp, hv, k, o, e}' "$2"
}
# site NAME: generates day 1 and day 2 into $tmp/NAME with gen_NAME, trains,
# scores, and leaves the summary line, labels and decisions there.
site() {
  local dir=$tmp/$1
  mkdir -p "$dir"
  "gen_${1%-*}" "${1##*-}" "$dir"
  $pc train --in "$dir/train.jsonl" --out "$dir/m.pcm" --seed "$seed" --no-progress >/dev/null
  $pc score --model "$dir/m.pcm" --in "$dir/test.jsonl" --decisions "$dir/decisions.jsonl" --labels "$dir/test.labels" >"$dir/score.out"
  rm -f "$dir/train.jsonl" "$dir/test.jsonl" "$dir/m.pcm"
  summary "$1" "$dir/score.out" >"$dir/line"
  if [[ -n $keep ]]; then
    mkdir -p "$keep/$1" && cp "$dir"/* "$keep/$1/"
  fi
}
gen_holdout() {
  "$tmp/bin/holdout" -seed 1 -site "$1" -start 2026-04-07T13:00:00Z -minutes 15 -clients 3000 -out "$2/train.jsonl" -labels "$2/train.labels" >/dev/null 2>&1
  "$tmp/bin/holdout" -seed 2 -site "$1" -start 2026-04-08T13:00:00Z -minutes 15 -clients 3000 -out "$2/test.jsonl" -labels "$2/test.labels" >/dev/null 2>&1
}
gen_gen() {
  $pc gen --site "$1" --seed 1 --out "$2/train.jsonl" 2>/dev/null
  $pc gen --site "$1" --seed 2 --start 2026-03-03T09:00:00Z --out "$2/test.jsonl" --labels "$2/test.labels" 2>/dev/null
}
# sim BINARY DAY1 DAY2 SITE DIR: a traffic model built on
# tools/internal/simcmd writes the training day (seed 1, from DAY1) and the
# test day (seed 2, from DAY2) of SITE into DIR.
sim() {
  "$tmp/bin/$1" -seed 1 -site "$4" -start "$2" -out "$5/train.jsonl" -labels "$5/train.labels" >/dev/null
  "$tmp/bin/$1" -seed 2 -site "$4" -start "$3" -out "$5/test.jsonl" -labels "$5/test.labels" >/dev/null
}
gen_shop() { sim shopsim 2026-05-11T18:00:00Z 2026-05-12T18:00:00Z "$@"; }
gen_b2b() { sim b2bsim 2026-06-01T07:30:00Z 2026-06-02T07:30:00Z "$@"; }
gen_media() { sim mediasim 2026-07-13T06:00:00Z 2026-07-14T06:00:00Z "$@"; }
gen_app() { sim appsim 2026-08-20T11:00:00Z 2026-08-21T11:00:00Z "$@"; }
gen_ticket() { sim ticketsim 2026-09-10T18:00:00Z 2026-09-11T18:00:00Z "$@"; }
gen_game() { sim gamesim 2026-10-16T19:00:00Z 2026-10-17T19:00:00Z "$@"; }
gen_bank() { sim banksim 2026-10-29T11:30:00Z 2026-10-30T11:30:00Z "$@"; }
gen_saas() { sim saassim 2026-10-05T06:52:00Z 2026-10-12T06:52:00Z "$@"; }
gen_travel() { sim travelsim 2026-11-20T08:00:00Z 2026-11-21T08:00:00Z "$@"; }
gen_exchange() { sim exchangesim 2026-12-01T13:00:00Z 2026-12-02T13:00:00Z "$@"; }
gen_clinic() { sim clinicsim 2027-01-11T08:00:00Z 2027-01-12T08:00:00Z "$@"; }
gen_fleet() { sim fleetsim 2027-03-15T06:30:00Z 2027-03-16T06:30:00Z "$@"; }
gen_stream() { sim streamsim 2027-02-07T19:00:00Z 2027-02-08T19:00:00Z "$@"; }
gen_devapi() { sim devapisim 2027-04-19T14:00:00Z 2027-04-20T14:00:00Z "$@"; }
gen_forum() { sim forumsim 2027-05-24T20:00:00Z 2027-05-25T20:00:00Z "$@"; }
gen_tax() { sim taxsim 2027-04-13T16:00:00Z 2027-04-14T16:00:00Z "$@"; }
gen_lms() { sim lmssim 2027-06-14T08:00:00Z 2027-06-15T08:00:00Z "$@"; }
gen_registry() { sim registrysim 2027-07-05T09:00:00Z 2027-07-06T09:00:00Z "$@"; }
gen_job() { sim jobsim 2027-08-16T08:00:00Z 2027-08-17T08:00:00Z "$@"; }
gen_bet() { sim betsim 2027-09-18T17:00:00Z 2027-09-19T17:00:00Z "$@"; }
names=()
for s in ${HOLDOUT_SITES-7 11 23}; do names+=("holdout-$s"); done
for s in ${GEN_SITES-1 2 3}; do names+=("gen-$s"); done
for s in ${SHOP_SITES-5 8 13}; do names+=("shop-$s"); done
for s in ${B2B_SITES-3 6 17}; do names+=("b2b-$s"); done
for s in ${MEDIA_SITES-4 10 19}; do names+=("media-$s"); done
for s in ${APP_SITES-3 5 11}; do names+=("app-$s"); done
for s in ${TICKET_SITES-2 6 9}; do names+=("ticket-$s"); done
for s in ${GAME_SITES-2 5 8}; do names+=("game-$s"); done
for s in ${BANK_SITES-2 5 8}; do names+=("bank-$s"); done
for s in ${SAAS_SITES-2 5 8}; do names+=("saas-$s"); done
for s in ${TRAVEL_SITES-2 5 8}; do names+=("travel-$s"); done
for s in ${EXCHANGE_SITES-2 5 8}; do names+=("exchange-$s"); done
for s in ${CLINIC_SITES-3 5 8}; do names+=("clinic-$s"); done
for s in ${FLEET_SITES-3 5 8}; do names+=("fleet-$s"); done
for s in ${STREAM_SITES-3 5 8}; do names+=("stream-$s"); done
for s in ${DEVAPI_SITES-3 5 8}; do names+=("devapi-$s"); done
for s in ${FORUM_SITES-3 5 8}; do names+=("forum-$s"); done
for s in ${TAX_SITES-3 5 8}; do names+=("tax-$s"); done
for s in ${LMS_SITES-3 5 8}; do names+=("lms-$s"); done
for s in ${REGISTRY_SITES-3 5 8}; do names+=("registry-$s"); done
for s in ${JOB_SITES-3 5 8}; do names+=("job-$s"); done
for s in ${BET_SITES-3 5 8}; do names+=("bet-$s"); done
# Sites run $jobs at a time; lines are printed in order as they finish.
pids=()
for n in "${names[@]}"; do
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  site "$n" & pids+=($!)
done
pairs=()
for i in "${!names[@]}"; do
  n=${names[$i]}
  if ! wait "${pids[$i]}"; then
    echo "$n failed" >&2
    exit 1
  fi
  cat "$tmp/$n/line"
  pairs+=("$tmp/$n/test.labels" "$tmp/$n/decisions.jsonl")
done
echo
"$tmp/bin/evalsum" "${pairs[@]}"
echo "eval took $((SECONDS - began)) s"
