#!/usr/bin/env python3
"""Request benchmarks (issue 14 part 4; issue 3 before it). Loopback only, never the network.

Servers:
  static  nginx serving pre-generated Bitbucket pages (static_api.py): ~nothing per request,
          so the client's own cost shows;
  mock    a release bbs-mock seeded with 10,000 repositories: a real API server's work per page.

(a) 1,000 sequential pages (pagelen 10) following `next`: bbs `api.paginate` vs python
    `requests.Session` vs one `curl` process fetching the same 1,000 URLs over one keep-alive
    connection (`curl --config`, no JSON parsing: the floor). Wall and CPU (user+sys) time per
    process, and on the static server the TCP connections each client opened (nginx's log).
(a') bbs's own CPU per request: (CPU of the paginating bbs - CPU of `bbs -e 1`) / 1,000.
(b) 200 independent GETs that the mock delays by 20 ms each: `parallel(..., {workers: 8})` vs
    a sequential `map`, both in bbs.
(c) peak RSS streaming 100,000 items (1,000 pages of 100) from the static server: bbs, and
    python requests for comparison.

With --before OLD_BBS, an earlier bbs runs interleaved with the new one in every benchmark.

Usage: api_bench.py --bbs BBS --mock BBS_MOCK [--before OLD_BBS] [--runs N] [--quick] [--out FILE]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import static_api  # noqa: E402

TOKEN = "bench-token"
BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = sys.executable


def log(msg):
    print("api_bench: " + msg, file=sys.stderr, flush=True)


def start_mock(mock_bin):
    proc = subprocess.Popen([mock_bin, "--port", "0", "--token", TOKEN, "--no-git"],
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


def run(cmd, env):
    """One process: -> (wall ms, cpu ms of the process and its waited children, peak RSS KiB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # wait4, not Popen.wait: it also returns the child's resource usage (CPU, peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        out, err = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err.decode().strip()[-300:]}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss, out.decode().strip()


class Timings:
    def __init__(self):
        self.wall, self.cpu, self.rss, self.output = [], [], [], None

    def add(self, sample):
        wall, cpu, rss, out = sample
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.rss.append(rss)
        self.output = out

    @property
    def median(self):
        return statistics.median(self.wall)

    @property
    def cpu_median(self):
        return statistics.median(self.cpu)


def interleaved(runs, impls):
    """impls: name -> thunk returning a run() sample. One warm-up each, then `runs` rounds,
    the order rotated every round so background load hits all alike."""
    names = list(impls)
    results = {n: Timings() for n in names}
    for n in names:
        impls[n]()
    for rnd in range(runs):
        k = rnd % len(names)
        for n in names[k:] + names[:k]:
            results[n].add(impls[n]())
    return results


PAGE_SCRIPT = 'var n = 0\nfor r in api.paginate("/repositories/bench", {pagelen: 10}) { n += 1 }\nprint(n)'
STREAM_SCRIPT = 'var n = 0\nfor r in api.paginate("/repositories/stream", {pagelen: 100}) { n += 1 }\nprint(n)'
PY_PAGES = (
    "import requests, sys\n"
    "s = requests.Session()\n"
    "s.headers['Authorization'] = 'Bearer ' + sys.argv[2]\n"
    "url, n = sys.argv[1], 0\n"
    "while url:\n"
    "    d = s.get(url).json()\n"
    "    n += len(d['values'])\n"
    "    url = d.get('next')\n"
    "print(n)\n")


def pages_benchmark(a, bbses, api, env, server=None):
    """(a) on one server -> {impl: Timings}, {impl: (requests, connections)}."""
    curl_config = os.path.join(tempfile.mkdtemp(prefix="bbs-bench-curl-"), "urls")
    with open(curl_config, "w") as f:
        f.write(f'silent\nheader = "Authorization: Bearer {TOKEN}"\n')
        for p in range(1, 1001):
            f.write(f'url = "{api}/repositories/bench?pagelen=10&page={p}"\noutput = "/dev/null"\n')
    impls = {name: (lambda b=b: run([b, "-e", PAGE_SCRIPT], env)) for name, b in bbses.items()}
    impls["python requests"] = lambda: run([PYTHON, "-c", PY_PAGES, api + "/repositories/bench?pagelen=10", TOKEN], env)
    impls["curl (one process)"] = lambda: run(["curl", "--config", curl_config], env)
    connections = {}
    if server is not None:
        for name, thunk in impls.items():
            mark = server.log_mark()
            thunk()
            connections[name] = server.connections_since(mark)
    results = interleaved(a.runs, impls)
    results["curl (one process)"].output = "1000 pages"
    shutil.rmtree(os.path.dirname(curl_config))
    return results, connections


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bbs", default=os.environ.get("BBS_BIN"))
    ap.add_argument("--before", default=os.environ.get("BBS_BEFORE_BIN"),
                    help="an earlier bbs, run interleaved with --bbs in every benchmark (row 'bbs before')")
    ap.add_argument("--mock", default=os.environ.get("BBS_MOCK_BIN"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 run, not for comparison")
    ap.add_argument("--out", default=os.path.join(BENCH, "out", "api.md"))
    a = ap.parse_args()
    if not a.bbs or not a.mock:
        sys.exit("api_bench: give --bbs and --mock (or BBS_BIN and BBS_MOCK_BIN)")
    if a.quick:
        a.runs = 1
    bbses = {"bbs": os.path.abspath(a.bbs)}
    if a.before:
        bbses["bbs before"] = os.path.abspath(a.before)
    out_dir = os.path.dirname(os.path.abspath(a.out))
    os.makedirs(out_dir, exist_ok=True)
    base_env = dict(os.environ, BITBUCKET_TOKEN=TOKEN, NO_PROXY="*")
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        base_env.pop(k, None)
    load = os.getloadavg()[0]
    static_api.exit_on_sigterm()

    log("start-up CPU baseline: bbs -e 1")
    baseline = interleaved(max(10, 2 * a.runs), {n: (lambda b=b: run([b, "-e", "1"], base_env)) for n, b in bbses.items()})

    server = static_api.StaticServer(out_dir, log)
    try:
        env = dict(base_env, BBS_API_URL=server.api)
        log(f"(a) 1,000 pages from nginx ({server.api}), {a.runs} runs")
        static_a, conns = pages_benchmark(a, bbses, server.api, env, server)
        log("(c) peak RSS streaming 100,000 items from nginx")
        stream = {n: run([b, "-e", STREAM_SCRIPT], env) for n, b in bbses.items()}
        stream["python requests"] = run([PYTHON, "-c", PY_PAGES, server.api + "/repositories/stream?pagelen=100", TOKEN], env)
    finally:
        server.stop()

    mock, base = start_mock(a.mock)
    try:
        api = base + "/2.0"
        env = dict(base_env, BBS_API_URL=api)
        control(base, "seed", {"workspace": "bench", "repositories": 10000})
        log(f"(a) 1,000 pages from the release bbs-mock ({api}), {a.runs} runs")
        mock_a, _ = pages_benchmark(a, bbses, api, env)

        log("(b) 200 GETs delayed 20 ms: sequential vs parallel")
        control(base, "faults", {"route": "GET /2.0/repositories/acme/", "fault": "delay", "delay_ms": 20, "count": -1})
        fetch = 'let names = ["api", "web", "infra", "docs"]\nlet items = range(200).map(i => names[i % 4])\n'
        seq = fetch + 'print(len(items.map(s => api.get("/repositories/acme/${s}").slug)))'
        par = fetch + 'print(len(parallel(items, s => api.get("/repositories/acme/${s}").slug, {workers: 8})))'
        fan_impls = {}
        for n, b in bbses.items():
            fan_impls[n + " sequential"] = lambda b=b: run([b, "-e", seq], env)
            fan_impls[n + " parallel, 8 workers"] = lambda b=b: run([b, "-e", par], env)
        fan = interleaved(a.runs, fan_impls)
    finally:
        mock.terminate()
        mock.wait()

    requests_version = subprocess.run([PYTHON, "-c", "import requests; print(requests.__version__)"],
                                      capture_output=True, text=True).stdout.strip()
    curl_version = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split(" (")[0]
    lines = [
        f"Machine: {os.cpu_count()} cores, load average {load:.1f} at start; "
        + "; ".join(f"{n} `{b}`" for n, b in bbses.items())
        + f"; bbs-mock `{a.mock}`; {server.version}; Python {sys.version.split()[0]} (`{PYTHON}`), requests "
        f"{requests_version}; {curl_version}; {a.runs} timed runs each after a warm-up, interleaved"
        + (" — QUICK smoke run, not for comparison" if a.quick else ""),
        "",
        "| server | benchmark | impl | median ms | min ms | CPU ms (median) | ratio | output | connections |",
        "|---|---|---|---:|---:|---:|---:|---|---:|",
    ]

    def page_rows(server_name, res, connections):
        b = res["bbs"].median
        for impl, t in res.items():
            ratio = "—" if impl == "bbs" else f"bbs ÷ {impl.replace('bbs ', '').split()[0]} {b / t.median:.2f}"
            reqs, conn = connections.get(impl, (None, None))
            c = f"{conn} for {reqs} requests" if conn is not None else ""
            lines.append(f"| {server_name} | (a) 1,000 pages | {impl} | {t.median:.0f} | {min(t.wall):.0f} | "
                         f"{t.cpu_median:.0f} | {ratio} | {t.output} | {c} |")

    page_rows("nginx", static_a, conns)
    page_rows("bbs-mock", mock_a, {})
    for n, t in baseline.items():
        lines.append(f"| — | start-up | `{n} -e 1` | {t.median:.0f} | {min(t.wall):.0f} | {t.cpu_median:.1f} | — | | |")
    speedups = {}
    for n in bbses:
        seq_t, par_t = fan[n + " sequential"], fan[n + " parallel, 8 workers"]
        speedups[n] = seq_t.median / par_t.median
        lines.append(f"| bbs-mock | (b) 200 GETs, 20 ms each | {n} sequential | {seq_t.median:.0f} | {min(seq_t.wall):.0f} | "
                     f"{seq_t.cpu_median:.0f} | — | {seq_t.output} | |")
        lines.append(f"| bbs-mock | (b) 200 GETs, 20 ms each | {n} parallel, 8 workers | {par_t.median:.0f} | "
                     f"{min(par_t.wall):.0f} | {par_t.cpu_median:.0f} | {speedups[n]:.1f}× faster | {par_t.output} | |")
    for impl, (wall, cpu, rss, out) in stream.items():
        lines.append(f"| nginx | (c) stream 100,000 items | {impl} | {wall:.0f} | | {cpu:.0f} | "
                     f"peak RSS {rss / 1024:.1f} MiB | {out} | |")

    verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    measured = {}
    for n in bbses:
        s = static_a
        measured[n] = {
            "curl": s[n].median / s["curl (one process)"].median,
            "python": s[n].median / s["python requests"].median,
            "cpu": (s[n].cpu_median - baseline[n].cpu_median) / 1000,
            "fan": speedups[n],
            "rss": stream[n][2] / 1024,
        }
    targets = [
        ("curl", "(a) 1,000 pages: bbs ÷ curl, one keep-alive process", "≤ 1.10", lambda v: v <= 1.1, "{:.2f}"),
        ("python", "(a) 1,000 pages: bbs ÷ python requests", "< 1.00", lambda v: v < 1.0, "{:.2f}"),
        ("cpu", "(a') bbs CPU per request: (paginating bbs − `bbs -e 1`) / 1,000", "≤ 0.20 ms", lambda v: v <= 0.2,
         "{:.3f} ms"),
        ("fan", "(b) bbs-mock: parallel 8 workers vs sequential", "≥ 7.0×", lambda v: v >= 7, "{:.1f}×"),
        ("rss", "(c) peak RSS streaming 100,000 items", "≤ 32 MiB", lambda v: v <= 32, "{:.1f} MiB"),
    ]
    before = "bbs before" in bbses
    lines += ["", "| target (nginx unless said) | must be | measured |" + (" before |" if before else "") + " verdict |",
              "|---|---:|---:|" + ("---:|" if before else "") + "---|"]
    for key, text, bound, ok, fmt in targets:
        v = measured["bbs"][key]
        was = f" {fmt.format(measured['bbs before'][key])} |" if before else ""
        lines.append(f"| {text} | {bound} | {fmt.format(v)} |{was} {verdict(ok(v))} |")
    for res in (static_a, mock_a):
        outs = {res[n].output for n in list(bbses) + ["python requests"]}
        if outs != {"10000"}:
            lines.append(f"\n**Output check failed**: bbs and python printed {sorted(outs)}, expected 10000.")
    if any(stream[n][3] != "100000" for n in bbses):
        lines.append("\n**Output check failed**: a stream did not print 100000.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    log("written to " + a.out)


if __name__ == "__main__":
    main()
