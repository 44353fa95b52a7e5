#!/usr/bin/env python3
"""Start-up side by side: `bbs -e 1` for one or more bbs binaries against `python3 -c pass`,
`python3 -S -c pass` and `lua5.4 -e ''`, interleaved, and a Markdown table of medians.

    python3 bench/lib/startup.py [--runs N] LABEL=BBS_BINARY [LABEL=BBS_BINARY ...]

e.g. `startup.py before=/tmp/bbs-main after=dist/.../bin/bbs`. Every run is a fresh process
(posix_spawn, stdout to /dev/null), timed for wall time around the whole process and for CPU
time (user + system, from wait4). The implementations are interleaved round by round with the
order rotated each round, after one untimed warm-up run each, so a burst of load from other
work hits all of them alike. CPU time is the steadier figure on a shared machine: wall time
also counts the time a process waits for a core. Ratios are bbs ÷ peer of the medians.
"""

import argparse
import os
import shutil
import statistics
import time

PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else shutil.which("python3")
LUA = shutil.which("lua5.4") or "lua5.4"


def run_once(argv, devnull):
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("bbs", nargs="+", metavar="LABEL=BBS_BINARY")
    a = ap.parse_args()
    impls = []
    for spec in a.bbs:
        label, _, path = spec.partition("=")
        impls.append((f"bbs {label}", [os.path.abspath(path), "-e", "1"]))
    impls += [("python3 -c pass", [PYTHON, "-c", "pass"]),
              ("python3 -S -c pass", [PYTHON, "-S", "-c", "pass"]),
              ("lua5.4 -e ''", [LUA, "-e", ""])]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for _, argv in impls:
        run_once(argv, devnull)
    times = {label: ([], []) for label, _ in impls}
    for round_ in range(a.runs):
        shift = round_ % len(impls)
        for label, argv in impls[shift:] + impls[:shift]:
            wall, cpu = run_once(argv, devnull)
            times[label][0].append(wall)
            times[label][1].append(cpu)
    med = {label: (statistics.median(w), statistics.median(c)) for label, (w, c) in times.items()}
    load = os.getloadavg()[0]
    print(f"{a.runs} interleaved runs each; load average {load:.1f} at the end; python: {PYTHON}")
    print()
    print("| command | wall median ms | wall min ms | CPU median ms | ÷ python3 (wall) | ÷ python3 -S (wall) | ÷ python3 (CPU) | ÷ python3 -S (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    py, pys = med["python3 -c pass"], med["python3 -S -c pass"]
    for label, argv in impls:
        w, c = med[label]
        shown = label if not label.startswith("bbs") else f"{label}: `bbs -e 1`"
        ratios = (f"{w / py[0]:.2f} | {w / pys[0]:.2f} | {c / py[1]:.2f} | {c / pys[1]:.2f}"
                  if label.startswith("bbs") else "— | — | — | —")
        print(f"| {shown} | {w:.2f} | {min(times[label][0]):.2f} | {c:.2f} | {ratios} |")


if __name__ == "__main__":
    main()
