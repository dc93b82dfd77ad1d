#!/usr/bin/env bash
# `bench/instructions.sh BIN SHAPE N [TTL]`: the server's own instructions for N requests of one
# bench shape (bench/queries/SHAPE.graphql), counted by `valgrind --tool=callgrind` after five
# warm-up requests. Instruction counts repeat whatever else the machine does, so two binaries
# compare where wall-clock A/Bs (bench/ab.sh) are within their spread. TTL is the search cache's
# (0: off; default 30). Uses the bench data of `just bench` (BENCH_DATA_DIR); loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "$1"); SHAPE=$2; N=$3; TTL=${4:-30}
DATA=${BENCH_DATA_DIR:-target/bench-data}
ADDR=127.0.0.1:${BENCH_PORT:-18097}
OUT=$(mktemp -d)
[ -f "$DATA/.bench-seeded" ] || { echo "no bench data in $DATA: run \`just bench\` once" >&2; exit 1; }
command -v valgrind >/dev/null || { apt-get install -y valgrind >/dev/null || { apt-get update >/dev/null && apt-get install -y valgrind >/dev/null; }; }
unset DATABASE_URL
PATCHBAY_SEARCH_CACHE_TTL_SECS=$TTL valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" \
  "$BIN" --data-dir "$DATA" serve --addr "$ADDR" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 1; done
requests() { python3 - "$ADDR" "$SHAPE" "$1" <<'PY'
import json, pathlib, sys, urllib.request
sys.path.insert(0, "bench")
import drive
addr, shape, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
query = pathlib.Path(f"bench/queries/{shape}.graphql").read_text()
vars_path = pathlib.Path(f"bench/queries/{shape}.vars.json")
text = vars_path.read_text() if vars_path.exists() else "{}"
for key, value in drive.variables(addr).items():
    text = text.replace(key, value)
body = json.dumps({"query": query, "variables": json.loads(text)}).encode()
for _ in range(n):
    answer = json.load(urllib.request.urlopen(urllib.request.Request(
        f"http://{addr}/graphql", body, {"content-type": "application/json"})))
    if answer.get("errors"):
        raise SystemExit(f"{shape}: {answer['errors']}")
PY
}
requests 5
callgrind_control -z "$SERVER" >/dev/null 2>&1
requests "$N"
callgrind_control -d "$SERVER" >/dev/null 2>&1
echo "$SHAPE × $N: $(callgrind_annotate "$OUT/cg.out.1" | grep 'PROGRAM TOTALS')"
