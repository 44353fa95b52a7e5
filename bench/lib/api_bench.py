#!/usr/bin/env python3
"""API benchmarks of issue 3, against a local bbs-mock (never the network).

(a) 1,000 sequential pages: bbs `api.paginate` vs python `requests.Session` vs one
    `curl` process fetching the same URLs over one keep-alive connection;
(b) 200 independent GETs, each delayed 20 ms by the mock: `parallel(..., {workers: 8})`
    vs a sequential loop, both in bbs;
(c) peak RSS of bbs while streaming 100,000 items through `api.paginate` (the mock's
    10,000 repositories, ten times over in one process).

Usage: api_bench.py BBS_BIN BBS_MOCK_BIN [--runs N]
"""
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

TOKEN = "bench-token"


def start_mock(mock_bin):
    proc = subprocess.Popen([mock_bin, "--port", "0", "--token", TOKEN],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline().strip()
    if not first.startswith("listening on "):
        proc.kill()
        sys.exit(f"api_bench: bbs-mock did not start: {first!r}")
    return proc, first[len("listening on "):]


def control(base, path, body=None, method="POST"):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/_mock/" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.read()


def timed(cmd, env=None):
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({out.returncode}): {out.stderr.strip()[-300:]}")
    return elapsed, out.stdout.strip()


def median_of(runs, fn):
    times, result = [], None
    for _ in range(runs):
        t, result = fn()
        times.append(t)
    return statistics.median(times), min(times), result


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bbs, mock = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    proc, base = start_mock(mock)
    try:
        api = base + "/2.0"
        env = dict(os.environ, BBS_API_URL=api, BITBUCKET_TOKEN=TOKEN, NO_PROXY="*")
        # 10,000 repositories at pagelen 10 = 1,000 pages.
        control(base, "seed", {"workspace": "bench", "repositories": 10000})
        rows = []

        page_script = 'var n = 0\nfor r in api.paginate("/repositories/bench", {pagelen: 10}) { n += 1 }\nprint(n)'
        bbs_a = median_of(runs, lambda: timed([bbs, "-e", page_script], env))
        py_code = (
            "import requests,sys\n"
            "s=requests.Session(); s.headers['Authorization']='Bearer " + TOKEN + "'\n"
            "url=sys.argv[1]+'/repositories/bench?pagelen=10'; n=0\n"
            "while url:\n"
            "    d=s.get(url).json(); n+=len(d['values']); url=d.get('next')\n"
            "print(n)\n")
        py_a = median_of(runs, lambda: timed([sys.executable, "-c", py_code, api], env))
        urls = [f"{api}/repositories/bench?pagelen=10&page={p}" for p in range(1, 1001)]
        curl_cmd = ["curl", "-s", "-o", "/dev/null", "-H", f"Authorization: Bearer {TOKEN}"]
        for u in urls:
            curl_cmd += [u, "-o", "/dev/null"]
        curl_a = median_of(runs, lambda: (timed(curl_cmd, env)[0], "1000 pages"))
        rows.append(("(a) 1,000 pages", "bbs", bbs_a, None))
        rows.append(("(a) 1,000 pages", "python requests", py_a, bbs_a[0] / py_a[0]))
        rows.append(("(a) 1,000 pages", "curl (one process)", curl_a, bbs_a[0] / curl_a[0]))

        control(base, "faults", {"route": "GET /2.0/repositories/acme/", "fault": "delay", "delay_ms": 20, "count": -1})
        fetch = 'let names = ["api", "web", "infra", "docs"]\nlet items = range(200).map(i => names[i % 4])\n'
        seq = fetch + 'print(len(items.map(s => api.get("/repositories/acme/${s}").slug)))'
        par = fetch + 'print(len(parallel(items, s => api.get("/repositories/acme/${s}").slug, {workers: 8})))'
        seq_b = median_of(runs, lambda: timed([bbs, "-e", seq], env))
        par_b = median_of(runs, lambda: timed([bbs, "-e", par], env))
        rows.append(("(b) 200 GETs, 20 ms each", "bbs sequential", seq_b, None))
        rows.append(("(b) 200 GETs, 20 ms each", "bbs parallel, 8 workers", par_b, par_b[0] / seq_b[0]))
        control(base, "faults", method="DELETE")

        # Seeding 100,000 repositories into the mock is slow, so the 10,000 are streamed
        # ten times over in one process: 100,000 items through api.paginate all the same.
        stream = ('var n = 0\nfor pass in range(10) {\n'
                  '  for r in api.paginate("/repositories/bench", {pagelen: 100}) { n += 1 }\n}\nprint(n)')
        out = subprocess.run(["/usr/bin/time", "-f", "%M", bbs, "-e", stream], env=env, capture_output=True, text=True)
        rss_kib = int(out.stderr.strip().splitlines()[-1])

        print("| benchmark | impl | median ms | min ms | bbs ÷ impl (or parallel ÷ sequential) | output |")
        print("|---|---|---:|---:|---:|---|")
        for name, impl, (med, mn, result), ratio in rows:
            r = "—" if ratio is None else f"{ratio:.2f}"
            print(f"| {name} | {impl} | {med:.0f} | {mn:.0f} | {r} | {result} |")
        print(f"| (c) stream 100,000 items | bbs peak RSS | {rss_kib / 1024:.1f} MiB | | target ≤ 64 MiB | {out.stdout.strip()} |")
        print()
        print(f"targets: (a) ≤ 1.0× requests: {bbs_a[0] / py_a[0]:.2f}; ≤ 1.5× curl: {bbs_a[0] / curl_a[0]:.2f}; "
              f"(b) ≥ 4× faster: {seq_b[0] / par_b[0]:.1f}×; (c) ≤ 64 MiB: {rss_kib / 1024:.1f} MiB")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
