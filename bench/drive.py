#!/usr/bin/env python3
"""Drives a running Patchbay with wrk, one query shape at a time, and writes the results.

Per shape: requests/s, p50 and p99 latency, SQL statements per request (from the server's
`patchbay_sql_statements_total` metric), server CPU ms per request (/proc utime+stime of the server
process) and the server's peak RSS (VmHWM). Writes bench/results/latest.json, latest.md and latest.svg.
"""
import argparse, json, os, pathlib, re, subprocess, tempfile, time, urllib.request

TARGETS = {  # name: (min req/s, max p99 ms)
    "nested": (250, 150), "pageDetail": (1000, None), "search": (400, None), "creatorBySlug": (6000, 10),
}

def gql(addr, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(f"http://{addr}/graphql", body, {"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))

def statements(addr):
    text = urllib.request.urlopen(f"http://{addr}/metrics").read().decode()
    m = re.search(r"^patchbay_sql_statements_total(?:\{[^}]*\})?\s+([0-9.e+]+)$", text, re.M)
    return float(m.group(1)) if m else None

def cpu_ms(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

def peak_rss_mib(pid):
    m = re.search(r"VmHWM:\s+(\d+) kB", pathlib.Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) / 1024

def variables(addr):
    first = gql(addr, "{ creators(first: 1) { edges { node { slug techniquePages(first: 1) { edges { node { slug } } } } } } }")
    creator = first["data"]["creators"]["edges"][0]["node"]
    return {"CREATOR_SLUG": creator["slug"], "PAGE_SLUG": creator["techniquePages"]["edges"][0]["node"]["slug"]}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr"); ap.add_argument("--server-pid", type=int); ap.add_argument("--duration")
    ap.add_argument("--connections", type=int); ap.add_argument("--out")
    ap.add_argument("--only", help="comma-separated shapes to run (default: all)")
    ap.add_argument("--suffix", default="", help="appended to each shape's name in the results")
    ap.add_argument("--append", action="store_true", help="add to bench/results/latest.json instead of replacing it")
    a = ap.parse_args()
    only = set(a.only.split(",")) if a.only else None
    qdir = pathlib.Path(__file__).parent / "queries"
    subst = variables(a.addr)
    results = []
    for name in ["nested", "pageDetail", "search", "creatorBySlug"]:
        path = qdir / f"{name}.graphql"
        if not path.exists() or (only and name not in only):
            continue
        vars_path = qdir / f"{name}.vars.json"
        vars_text = vars_path.read_text() if vars_path.exists() else "{}"
        for key, value in subst.items():
            vars_text = vars_text.replace(key, value)
        body = json.dumps({"query": path.read_text(), "variables": json.loads(vars_text)})
        check = gql(a.addr, path.read_text(), json.loads(vars_text))
        if check.get("errors"):
            raise SystemExit(f"{name}: the query fails: {check['errors']}")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(body)
        env = dict(os.environ, BENCH_BODY=f.name)
        subprocess.run(["wrk", "-t2", f"-c{a.connections}", "-d2s", "-s", "bench/post.lua", f"http://{a.addr}/graphql"],
                       env=env, capture_output=True, check=True)  # warm-up
        s0, c0 = statements(a.addr), cpu_ms(a.server_pid)
        out = subprocess.run(["wrk", "-t2", f"-c{a.connections}", f"-d{a.duration}", "--latency", "-s", "bench/post.lua",
                              f"http://{a.addr}/graphql"], env=env, capture_output=True, text=True, check=True).stdout
        s1, c1 = statements(a.addr), cpu_ms(a.server_pid)
        os.unlink(f.name)
        r = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
        n = max(r["requests"], 1)
        row = {
            "query": name + a.suffix,
            "shape": name,
            "rps": round(r["requests"] / (r["duration_us"] / 1e6), 1),
            "p50_ms": round(r["p50_us"] / 1000, 2),
            "p99_ms": round(r["p99_us"] / 1000, 2),
            "statements_per_request": None if s0 is None or s1 is None else round((s1 - s0) / n, 2),
            "server_cpu_ms_per_request": round((c1 - c0) / n, 3),
            # Socket errors include requests that took longer than wrk's 2 s timeout; failed
            # responses are non-200 answers and bodies with `errors`.
            "errors": r["socket_errors"] + r.get("failed_responses", r["non_2xx"]),
        }
        results.append(row)
        print(json.dumps(row))
    peak = peak_rss_mib(a.server_pid)
    out_dir = pathlib.Path(a.out); out_dir.mkdir(parents=True, exist_ok=True)
    if a.append and (out_dir / "latest.json").exists():
        earlier = json.loads((out_dir / "latest.json").read_text())
        names = {r["query"] for r in results}
        results = [r for r in earlier["results"] if r["query"] not in names] + results
        peak = max(peak, earlier["meta"]["peak_rss_mib"])
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "connections": a.connections,
            "duration": a.duration, "peak_rss_mib": round(peak, 1), "cores": os.cpu_count()}
    (out_dir / "latest.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    lines = [f"Run {meta['date']}, concurrency {a.connections}, {a.duration} per query, {meta['cores']} cores, "
             f"server peak RSS {meta['peak_rss_mib']} MiB.", "",
             "| query | req/s | p50 ms | p99 ms | SQL/request | server CPU ms/request | errors | target |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        rps_t, p99_t = TARGETS[r.get("shape", r["query"])]
        target = f"≥ {rps_t} req/s" + (f", p99 ≤ {p99_t} ms" if p99_t else "")
        met = r["rps"] >= rps_t and (p99_t is None or r["p99_ms"] <= p99_t) and not r.get("errors")
        lines.append(f"| {r['query']} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['statements_per_request']} | "
                     f"{r['server_cpu_ms_per_request']} | {r.get('errors', 0)} | {target} {'✅' if met else '❌'} |")
    (out_dir / "latest.md").write_text("\n".join(lines) + "\n")
    (out_dir / "latest.svg").write_text(chart(results))
    print("\n".join(lines))

def chart(results):
    width, bar_h, gap, left = 700, 28, 14, 190
    height = 40 + len(results) * (bar_h + gap)
    top = max([r["rps"] for r in results] + [TARGETS[r.get("shape", r["query"])][0] for r in results])
    scale = (width - left - 90) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
             f'<text x="{left}" y="20" font-weight="bold">Requests per second (bar) vs target (line), concurrency 16</text>']
    for i, r in enumerate(results):
        y = 34 + i * (bar_h + gap)
        target = TARGETS[r.get("shape", r["query"])][0]
        parts.append(f'<text x="{left - 8}" y="{y + 19}" text-anchor="end">{r["query"]}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{r["rps"] * scale:.1f}" height="{bar_h}" fill="#4c78a8"/>')
        parts.append(f'<line x1="{left + target * scale:.1f}" x2="{left + target * scale:.1f}" y1="{y - 3}" y2="{y + bar_h + 3}" stroke="#e45756" stroke-width="3"/>')
        parts.append(f'<text x="{left + r["rps"] * scale + 6:.1f}" y="{y + 19}">{r["rps"]:.0f} (p99 {r["p99_ms"]} ms)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

if __name__ == "__main__":
    main()
