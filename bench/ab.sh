#!/usr/bin/env bash
# `bench/ab.sh BEFORE_BIN AFTER_BIN [ROUNDS]`: an A/B of two release binaries of patchbay in one
# session on one machine, alternating before/after ROUNDS times (default 3) over the same bench data
# (seeded once per binary, by that binary, when missing: the seed is deterministic, and a binary
# refuses a database migrated past its own migrations), each run as `just bench` drives it (every
# shape, then search with the cache off). Writes bench/results/ab/<label>-<round>.json and prints the
# median of each figure per shape and binary, with after/before ratios (tools: wrk, python3).
# Absolute figures drift between hosts; only the ratios within one run of this script compare.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2"); ROUNDS=${3:-3}
DURATION=${BENCH_DURATION:-15s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
ADDR=127.0.0.1:${BENCH_PORT:-18080}
DATA=${BENCH_DATA_DIR:-target/bench-data}
OUT=bench/results/ab
mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
unset DATABASE_URL

seed_data() { # BIN DIR
  if [ ! -f "$2/.bench-seeded" ]; then
    rm -rf "$2"
    "$1" --data-dir "$2" seed --scale bench
    touch "$2/.bench-seeded"
  fi
}
seed_data "$BEFORE" "$DATA-before"
seed_data "$AFTER" "$DATA-after"

SERVER=
start_server() { # BIN DIR
  "$1" --data-dir "$2" serve --addr "$ADDR" >"$2/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://$ADDR/healthz" >/dev/null || { echo "server did not start; see $2/server.log" >&2; exit 1; }
}
stop_server() { [ -n "$SERVER" ] && { kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }; SERVER=; }
trap stop_server EXIT

run_one() { # LABEL BIN ROUND
  local dir; dir=$(mktemp -d)
  start_server "$2" "$DATA-$1"
  python3 bench/drive.py --addr "$ADDR" --server-pid "$SERVER" --duration "$DURATION" \
    --connections "$CONNECTIONS" --out "$dir" >/dev/null
  stop_server
  PATCHBAY_SEARCH_CACHE_TTL_SECS=0 start_server "$2" "$DATA-$1"
  python3 bench/drive.py --addr "$ADDR" --server-pid "$SERVER" --duration "$DURATION" \
    --connections "$CONNECTIONS" --out "$dir" --only search --suffix " (cache off)" --append >/dev/null
  stop_server
  cp "$dir/latest.json" "$OUT/$1-$3.json"
  echo "round $3 $1 done" >&2
}

for round in $(seq 1 "$ROUNDS"); do
  run_one before "$BEFORE" "$round"
  run_one after "$AFTER" "$round"
done

python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
runs = {lab: [json.load(open(f"{out}/{lab}-{r}.json"))["results"] for r in range(1, rounds + 1)]
        for lab in ("before", "after")}
shapes = [row["query"] for row in runs["before"][0]]
def med(lab, shape, key):
    return statistics.median(next(x[key] for x in run if x["query"] == shape) for run in runs[lab])
print("| shape | req/s before | req/s after | ratio | CPU ms/req before | after | ratio | SQL/req before | after |")
print("|---|---|---|---|---|---|---|---|---|")
for s in shapes:
    rb, ra = med("before", s, "rps"), med("after", s, "rps")
    cb, ca = med("before", s, "server_cpu_ms_per_request"), med("after", s, "server_cpu_ms_per_request")
    qb, qa = med("before", s, "statements_per_request"), med("after", s, "statements_per_request")
    print(f"| {s} | {rb:,.0f} | {ra:,.0f} | {ra / rb:.3f} | {cb:.3f} | {ca:.3f} | {ca / cb:.3f} | {qb} | {qa} |")
PY
