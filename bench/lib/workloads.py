#!/usr/bin/env python3
"""Workloads of issue 14 part 5: bbs against the Python and bash a user would write instead.

Starts a bbs-mock (git served from a temporary --git-root) with the fixture of
bench/workloads/fixture.py (2,000 repositories in workspace `bigco`), then runs each
workload in its three implementations (bench/workloads/NAME.bbs, NAME.py, NAME.sh):

  1. repos_by_project   list every repository of the workspace, count them by project;
  2. stale_branches     the branches older than 90 days of the 300 repositories of CORE;
  3. clone_last_commit  clone the 40 repositories of TOOLS, print each one's last commit.

Each implementation runs once untimed (the warm-up: it also makes bbs-mock write the git
repositories to disk, which happens on the first clone), and its output must equal the others'
(compared as sorted, stripped, non-empty lines); then --runs timed runs, interleaved with the
order rotated every round. Wall time is per process; CPU time is user+sys of the process and
every child it waited for (curl, jq, git, ...), from wait4. Lines of code count non-blank lines
that are not comments. The Markdown table is printed and written to bench/out/workloads.md.

With --before OLD_BBS, an earlier bbs runs the bbs scripts too, interleaved (row "bbs before").

Usage: workloads.py --bbs BBS --mock BBS_MOCK [--before OLD_BBS] [--runs N] [--quick] [--out FILE]
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

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
WORKLOADS = os.path.join(BENCH, "workloads")
TOKEN = "bench-token"
PYTHON = sys.executable

TASKS = [
    ("repos_by_project", "1. count 2,000 repositories by project", ["bigco"]),
    ("stale_branches", "2. branches older than 90 days, 300 repositories", ["bigco", "CORE"]),
    ("clone_last_commit", "3. clone 40 repositories, last commit of each", ["bigco", "TOOLS"]),
]


def log(msg):
    print("workloads: " + msg, file=sys.stderr, flush=True)


def lines_of_code(path):
    comment = "#"  # the comment marker of all three languages
    with open(path) as f:
        return sum(1 for line in f if line.strip() and not line.strip().startswith(comment))


def run(cmd, env, cwd):
    """-> (wall ms, CPU ms of the process tree, stdout); raises on a non-zero exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # wait4 reports the CPU of the child and of every descendant it waited for.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed ({proc.returncode}): {stderr.strip()[-400:]}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, stdout


def normalised(text):
    return sorted(line.strip() for line in text.splitlines() if line.strip())


def start_mock(mock_bin, fixture, git_root):
    proc = subprocess.Popen([mock_bin, "--port", "0", "--token", TOKEN, "--fixture", fixture, "--git-root", git_root],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline().strip()
    if not first.startswith("listening on "):
        proc.kill()
        sys.exit(f"workloads: bbs-mock did not start: {first!r}")
    return proc, first[len("listening on "):]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bbs", default=os.environ.get("BBS_BIN"))
    ap.add_argument("--mock", default=os.environ.get("BBS_MOCK_BIN"))
    ap.add_argument("--before", default=os.environ.get("BBS_BEFORE_BIN"),
                    help="an earlier bbs, run interleaved with --bbs (row 'bbs before')")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="smoke test: the warm-up and 1 timed run")
    ap.add_argument("--out", default=os.path.join(BENCH, "out", "workloads.md"))
    a = ap.parse_args()
    if not a.bbs or not a.mock:
        sys.exit("workloads: give --bbs and --mock (or BBS_BIN and BBS_MOCK_BIN)")
    for tool in ("curl", "jq", "git"):
        if shutil.which(tool) is None:
            sys.exit(f"workloads: {tool} is needed (bench/run.sh installs the peers)")
    if a.quick:
        a.runs = 1
    bbs, mock_bin = os.path.abspath(a.bbs), os.path.abspath(a.mock)
    out_dir = os.path.dirname(os.path.abspath(a.out))
    os.makedirs(out_dir, exist_ok=True)
    signal_exit()

    scratch = tempfile.mkdtemp(prefix="bbs-bench-workloads-")
    fixture = os.path.join(scratch, "fixture.json")
    subprocess.run([PYTHON, os.path.join(WORKLOADS, "fixture.py"), fixture], check=True)
    git_root = os.path.join(scratch, "git-root")
    os.makedirs(git_root)
    load = os.getloadavg()[0]
    mock, base = start_mock(mock_bin, fixture, git_root)
    results, sizes = {}, {}
    try:
        env = dict(os.environ, BITBUCKET_TOKEN=TOKEN, BBS_API_URL=base + "/2.0", BBS_GIT_URL=base, NO_PROXY="*")
        for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            env.pop(k, None)
        for name, title, task_args in TASKS:
            impls = {
                "bbs": [bbs, os.path.join(WORKLOADS, name + ".bbs")],
                "python": [PYTHON, os.path.join(WORKLOADS, name + ".py")],
                "bash": ["bash", os.path.join(WORKLOADS, name + ".sh")],
            }
            if a.before:
                impls["bbs before"] = [os.path.abspath(a.before), os.path.join(WORKLOADS, name + ".bbs")]
            sizes[name] = {impl: lines_of_code(cmd[-1]) for impl, cmd in impls.items()}
            clones = os.path.join(scratch, "clones")

            def once(impl):
                argv = impls[impl] + task_args
                if name == "clone_last_commit":  # a fresh, empty directory for every run (not timed)
                    shutil.rmtree(clones, ignore_errors=True)
                    os.makedirs(clones)
                    argv = argv + [clones]
                return run(argv, env, scratch)

            log(f"{title}: warm-up and output check")
            outputs = {impl: normalised(once(impl)[2]) for impl in impls}
            reference = outputs["python"]
            check = {impl: ("ok" if out == reference else f"MISMATCH ({len(out)} lines vs python's {len(reference)})")
                     for impl, out in outputs.items()}
            check["python"] = f"reference ({len(reference)} lines)"
            times = {impl: ([], []) for impl in impls}
            order = list(impls)
            log(f"{title}: {a.runs} timed runs each")
            for rnd in range(a.runs):
                k = rnd % len(order)
                for impl in order[k:] + order[:k]:
                    wall, cpu, _ = once(impl)
                    times[impl][0].append(wall)
                    times[impl][1].append(cpu)
            results[name] = (title, times, check)
    finally:
        mock.terminate()
        mock.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    versions = "; ".join([
        f"Python {sys.version.split()[0]} (`{PYTHON}`)",
        subprocess.run(["bash", "--version"], capture_output=True, text=True).stdout.split("\n")[0].split(" (")[0],
        subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split(" (")[0],
        subprocess.run(["jq", "--version"], capture_output=True, text=True).stdout.strip(),
        subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
    ])
    lines = [
        f"Machine: {os.cpu_count()} cores, load average {load:.1f} at start; bbs `{bbs}`; "
        + (f"bbs before `{os.path.abspath(a.before)}`; " if a.before else "") + f"bbs-mock `{mock_bin}` "
        f"(fixture: 2,000 repositories); {versions}; {a.runs} timed runs each after a warm-up, interleaved"
        + (" — QUICK smoke run, not for comparison" if a.quick else ""),
        "",
        "| workload | impl | wall ms (median) | min ms | CPU ms (median) | lines | bbs wall ÷ impl | output |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    for name, (title, times, check) in results.items():
        bbs_wall = statistics.median(times["bbs"][0])
        for impl, (walls, cpus) in times.items():
            med = statistics.median(walls)
            ratio = "—" if impl == "bbs" else f"{bbs_wall / med:.2f}"
            lines.append(f"| {title} | {impl} | {med:.0f} | {min(walls):.0f} | {statistics.median(cpus):.0f} | "
                         f"{sizes[name][impl]} | {ratio} | {check[impl]} |")
        for peer in ("python", "bash"):
            peer_wall = statistics.median(times[peer][0])
            if bbs_wall >= peer_wall:
                verdicts.append(f"- {title}: bbs is **not** faster than {peer} ({bbs_wall:.0f} ms vs {peer_wall:.0f} ms).")
            if sizes[name]["bbs"] >= sizes[name][peer]:
                verdicts.append(f"- {title}: bbs is **not** shorter than {peer} "
                                f"({sizes[name]['bbs']} lines vs {sizes[name][peer]}).")
    lines.append("")
    lines += verdicts or ["bbs is the fastest and the shortest in every workload."]
    if any(c not in ("ok",) and not c.startswith("reference") for _, _, check in results.values() for c in check.values()):
        lines.append("\n**Output check failed** for at least one implementation (see the output column).")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    log("written to " + a.out)


def signal_exit():
    """SIGTERM raises SystemExit, so the mock is stopped and the scratch directory removed."""
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


if __name__ == "__main__":
    main()
