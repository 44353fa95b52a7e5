#!/usr/bin/env python3
"""Time bbs against its peers (CPython, Lua 5.4, jq) and print a Markdown table.

Called by bench/run.sh, which installs the peers, builds bbs and generates the JSON data.
Each benchmark runs every implementation --runs times, interleaved round by round (the
order rotates each round), after one untimed warm-up run each. Wall time is measured with
time.perf_counter around the whole child process, so start-up is included everywhere.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(os.path.dirname(HERE), "programs")
PYTHON = sys.executable  # run.sh starts this file with the peer CPython (/usr/bin/python3 when present)
LUA = shutil.which("lua5.4") or "lua5.4"
JQ = shutil.which("jq") or "jq"

# Targets of issue 14: (benchmark, peer, max bbs÷peer ratio, text). The peer CPython is
# Debian's /usr/bin/python3 (a PGO+LTO build) when present.
TARGETS = [
    ("fib", "python", 1.0, "fib(30) ≤ 1.0× CPython"),
    ("strings", "python", 1.0, "1 M string appends ≤ 1.0× CPython"),
    ("maps", "python", 1.0, "1 M map inserts + lookups ≤ 1.0× CPython"),
    ("crunch", "python", 1.0, "data crunching (200k maps) ≤ 1.0× CPython"),
    ("json-parse", "python", 0.8, "json.parse 10 MB ≤ 0.8× json.loads"),
    ("loop", "python", 0.5, "10 M loop ≤ 0.5× CPython"),
    ("json-parse", "jq", 1.0, "json.parse 10 MB faster than jq"),
    ("startup", "python", 0.5, "`bbs -e '1'` ≤ 0.5× `python3 -c ''`"),
    ("startup", "python-S", 0.5, "(stricter) `bbs -e '1'` ≤ 0.5× `python3 -S -c ''`"),
]


def prog(name):
    return os.path.join(PROGRAMS, name)


def benchmarks(bbs, data):
    """name -> (description, [(impl, argv, check)]).

    check: True = compare stdout with python's; False = this is the reference (python);
    None = output not compared."""
    def trio(name):
        return [
            ("bbs", [bbs, prog(name + ".bbs")], True),
            ("python", [PYTHON, prog(name + ".py")], False),
            ("lua", [LUA, prog(name + ".lua")], True),
        ]
    return {
        "fib": ("recursive fib(30)", trio("fib")),
        "loop": ("10 M-iteration while loop", trio("loop")),
        "strings": ("1 M interpolated string appends", trio("strings")),
        "maps": ("1 M string-key inserts + 1 M lookups", trio("maps")),
        "crunch": ("200k repository maps: filter, map, sort by key, group by project", trio("crunch")),
        "json": ("parse + compact stringify of the data file", [
            ("bbs", [bbs, prog("json_roundtrip.bbs"), data], True),
            ("python", [PYTHON, prog("json_roundtrip.py"), data], False),
            ("jq", [JQ, "-c", ".", data], None),  # output not compared (10 MB to /dev/null)
        ]),
        "json-parse": ("parse only (read file, parse, count values)", [
            ("bbs", [bbs, prog("json_parse.bbs"), data], True),
            ("python", [PYTHON, prog("json_parse.py"), data], False),
            ("jq", [JQ, ".values | length", data], True),
        ]),
        "startup": ("process start to exit, trivial program", [
            ("bbs", [bbs, "-e", "1"], None),
            ("python", [PYTHON, "-c", ""], None),
            ("python-S", [PYTHON, "-S", "-c", ""], None),  # without site (.pth imports)
            ("lua", [LUA, "-e", ""], None),
        ]),
    }


def run_once(argv, capture, timeout):
    """-> (seconds, stdout text or None, error text or None)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, "TIMEOUT > %ds" % timeout
    except OSError as e:
        return None, None, "cannot run: %s" % e
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()  # last line: the error
        return None, None, "exit %d%s" % (p.returncode, (": " + msg[-1].strip()[:100]) if msg else "")
    out = p.stdout.decode("utf-8", "replace").strip() if capture else None
    return dt, out, None


def run_bench(name, impls, runs, warmup, timeout, log):
    times = {impl: [] for impl, _, _ in impls}
    outputs, errors = {}, {}
    for rnd in range(-warmup, runs):
        k = rnd % len(impls)
        for impl, argv, check in impls[k:] + impls[:k]:  # rotate the order every round
            if impl in errors:
                continue
            dt, out, err = run_once(argv, check is not None or impl == "python", timeout)
            if err:
                errors[impl] = err
                log("  %-7s %s" % (impl, err))
                continue
            outputs.setdefault(impl, out)
            if rnd >= 0:
                times[impl].append(dt)
    rows = []
    for impl, _, check in impls:
        status = "ok" if check is not None else "—"
        if impl in errors:
            status = "FAIL (%s)" % errors[impl].replace("|", "/")
        elif check and outputs.get(impl) != outputs.get("python"):
            status = ("MISMATCH: got %r, python %r" % ((outputs.get(impl) or "")[:40],
                                                       (outputs.get("python") or "")[:40])).replace("|", "/")
        elif check is False:
            status = "reference output"
        rows.append((impl, times[impl], status))
    return rows


def ms(seconds):
    return "%.1f" % (seconds * 1000)


def tool_version(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (p.stdout or p.stderr).strip().splitlines()[0].split("  ")[0]
    except Exception:  # a missing tool or an unusual --version must not stop the run
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bbs", required=True)
    ap.add_argument("--data", required=True, help="JSON data file")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--startup-runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=60, help="seconds per single run")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (or prefixes)")
    ap.add_argument("--out", required=True, help="Markdown file to write")
    ap.add_argument("--note", default="", help="extra line for the header")
    a = ap.parse_args()

    benches = benchmarks(a.bbs, a.data)
    wanted = [w for w in a.only.split(",") if w]
    selected = [n for n in benches
                if not wanted or any(n == w or n.startswith(w + "-") for w in wanted)]
    if not selected:
        sys.exit("timing.py: no benchmark matches --only %r (have: %s)" % (a.only, ", ".join(benches)))

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    load_at_start = os.getloadavg()[0]
    results = {}
    for name in selected:
        runs = a.startup_runs if name == "startup" else a.runs
        log("%s: %s (%d runs + %d warm-up per impl)" % (name, benches[name][0], runs, a.warmup))
        results[name] = run_bench(name, benches[name][1], runs, a.warmup, a.timeout, log)

    lines = [
        "Machine: %s, %d cores, load average %.1f at start; %s (`%s`); %s; %s; bbs: `%s`%s" % (
            platform.machine(), os.cpu_count() or 0, load_at_start, "Python " + platform.python_version(), PYTHON,
            tool_version([LUA, "-v"]), tool_version([JQ, "--version"]), a.bbs,
            (" — " + a.note) if a.note else ""),
        "Wall time per process (start-up included), median and min of the timed runs. "
        "**bbs ÷ peer** = bbs median / peer median: ≤ 1.00 means bbs is as fast or faster.",
        "",
        "| benchmark | impl | runs | median ms | min ms | bbs ÷ peer | check |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    medians, bbs_status = {}, {}
    for name in selected:
        rows = results[name]
        bbs_status[name] = next((st for impl, _, st in rows if impl == "bbs"), None)
        for impl, ts, _ in rows:
            if ts:
                medians[(name, impl)] = statistics.median(ts)
        bbs_med = medians.get((name, "bbs"))
        for impl, ts, status in rows:
            med = medians.get((name, impl))
            if impl == "bbs":
                ratio = "—"
            elif bbs_med is not None and med:
                ratio = "%.2f" % (bbs_med / med)
            else:
                ratio = "n/a"
            lines.append("| %s | %s | %d | %s | %s | %s | %s |" % (
                name, impl, len(ts), ms(med) if med is not None else "n/a",
                ms(min(ts)) if ts else "n/a", ratio, status))

    target_lines = []
    for bench, peer, limit, text in TARGETS:
        if bench not in selected:
            continue
        b, p = medians.get((bench, "bbs")), medians.get((bench, peer))
        if b is None or not p:
            target_lines.append("| %s | ≤ %.2f | n/a | not measured |" % (text, limit))
            continue
        ratio = b / p
        ok = ratio < limit if peer == "jq" else ratio <= limit
        verdict = "met" if ok else "**not met**"
        if bbs_status.get(bench) not in ("ok", "—"):
            verdict = "invalid: bbs output is wrong"
        target_lines.append("| %s | %s %.2f | %.2f | %s |" % (
            text, "<" if peer == "jq" else "≤", limit, ratio, verdict))
    if target_lines:
        lines += ["", "| target | bbs ÷ peer must be | measured | verdict |", "|---|---:|---:|---|"]
        lines += target_lines

    text = "\n".join(lines) + "\n"
    print(text)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    log("written to %s" % a.out)


if __name__ == "__main__":
    main()
