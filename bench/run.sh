#!/usr/bin/env bash
# `just bench`: release build, the bench data set in a private database, the server driven over
# loopback by wrk (Debian package) at concurrency 16, one query shape at a time. Prints and writes
# requests/s, p50/p99 latency, SQL statements per request, server CPU ms per request and peak RSS to
# bench/results/, with a chart (bench/results/latest.svg). Loopback only; every run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-15s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
ADDR=127.0.0.1:${BENCH_PORT:-18080}
DATA=${BENCH_DATA_DIR:-target/bench-data}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)…" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else sudo apt-get install -y wrk >/dev/null; fi
fi

cargo build --release -q -p patchbay-server
BIN=target/release/patchbay
unset DATABASE_URL

if [ ! -f "$DATA/.bench-seeded" ]; then
  rm -rf "$DATA"
  "$BIN" --data-dir "$DATA" seed --scale bench
  touch "$DATA/.bench-seeded"
fi

SERVER=
start_server() {
  "$BIN" --data-dir "$DATA" serve --addr "$ADDR" >"$DATA/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://$ADDR/healthz" >/dev/null || { echo "server did not start; see $DATA/server.log" >&2; exit 1; }
}
stop_server() { kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
trap stop_server EXIT

# Every shape as deployed (search results cached for 30 s per identical search)…
start_server
python3 bench/drive.py --addr "$ADDR" --server-pid "$SERVER" --duration "$DURATION" \
  --connections "$CONNECTIONS" --out bench/results
stop_server
# …and search once more with the cache off: every request ranks all matches.
PATCHBAY_SEARCH_CACHE_TTL_SECS=0 start_server
python3 bench/drive.py --addr "$ADDR" --server-pid "$SERVER" --duration "$DURATION" \
  --connections "$CONNECTIONS" --out bench/results --only search --suffix " (cache off)" --append
