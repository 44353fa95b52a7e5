#!/usr/bin/env python3
"""git benchmarks of issue 4, against a local bbs-mock serving git (never the network).

(a) Bulk clone of 40 small repositories: bbs `parallel(repos, r => git.clone(r, ...),
    {workers: 4})` vs a sequential shell loop of plain `git clone` (target: >= 1.8x faster).
(b) Overhead of one `git.clone` vs one plain `git clone` of the same repository (target:
    <= 5%, medians). Shown two ways: whole processes (`bbs -e` includes bbs's start-up), and
    the git.clone call alone, timed inside the script.

Plain git gets the token the documented way for scripts (an inline credential helper reading
an environment variable), so both sides authenticate exactly once per clone.

Usage: git_bench.py BBS_BIN BBS_MOCK_BIN [--runs N]
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "bench-token"
REPOS = 40
COMMITS = 20
HELPER = '!f() { test "$1" = get || exit 0; echo username=x-token-auth; echo "password=$BENCH_TOKEN"; }; f'


def start_mock(mock_bin, git_root):
    proc = subprocess.Popen([mock_bin, "--port", "0", "--token", TOKEN, "--git-root", git_root],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline().strip()
    if not first.startswith("listening on "):
        proc.kill()
        sys.exit(f"git_bench: bbs-mock did not start: {first!r}")
    return proc, first[len("listening on "):]


def control(base, path, body):
    req = urllib.request.Request(base + "/_mock/" + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.read()


def run(cmd, env, cwd):
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({out.returncode}): {out.stderr.strip()[-400:]}")
    return elapsed, out.stdout.strip()


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bbs, mock_bin = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    work = tempfile.mkdtemp(prefix="bbs-git-bench-")
    proc, base = start_mock(mock_bin, os.path.join(work, "git-root"))
    try:
        control(base, "seed", {"workspace": "bench", "repositories": REPOS})
        slugs = [f"repo-{i:05d}" for i in range(1, REPOS + 1)]
        for slug in slugs:
            control(base, "seed", {"repo": f"bench/{slug}", "commits": COMMITS})
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "GIT_CONFIG_GLOBAL": "/dev/null",
               "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "BENCH_TOKEN": TOKEN,
               "BITBUCKET_TOKEN": TOKEN, "BBS_API_URL": base + "/2.0", "BBS_GIT_URL": base}
        target = os.path.join(work, "out")

        loop = "for s in " + " ".join(slugs) + "; do git -c credential.helper= -c 'credential.helper=" + HELPER.replace("'", "'\\''") + \
               "' clone -q \"$BASE/bench/$s.git\" \"out/$s\" || exit 1; done"
        shell_cmd = ["bash", "-c", loop]
        env_shell = dict(env, BASE=base)
        bbs_script = ("let slugs = range(1, %d).map(i => \"bench/repo-\" + str(i).pad_start(5, \"0\"))\n"
                      "let dirs = parallel(slugs, s => git.clone(s, \"out/\" + s.split(\"/\")[1]), {workers: 4})\n"
                      "print(len(dirs))\n") % (REPOS + 1)
        bbs_cmd = [bbs, "-e", bbs_script]

        # Warm-up: the mock writes each bare repository to disk on its first clone.
        fresh(target)
        run(shell_cmd, env_shell, work)
        fresh(target)
        _, printed = run(bbs_cmd, env, work)
        if printed != str(REPOS):
            sys.exit(f"git_bench: bbs cloned {printed!r} repositories, expected {REPOS}")

        shell_times, bbs_times = [], []
        for _ in range(runs):
            fresh(target)
            shell_times.append(run(shell_cmd, env_shell, work)[0])
            fresh(target)
            bbs_times.append(run(bbs_cmd, env, work)[0])
        shell_ms, bbs_ms = statistics.median(shell_times), statistics.median(bbs_times)

        one = slugs[0]
        plain_cmd = ["git", "-c", "credential.helper=", "-c", "credential.helper=" + HELPER, "clone", "-q",
                     f"{base}/bench/{one}.git", "out/one"]
        bbs_one_cmd = [bbs, "-e", f'git.clone("bench/{one}", "out/one")']
        inner_cmd = [bbs, "-e", f'let t = time.now()\ngit.clone("bench/{one}", "out/one")\nprint((time.now() - t) * 1000)']
        plain, whole, inner = [], [], []
        for _ in range(max(15, 3 * runs)):
            fresh(target)
            plain.append(run(plain_cmd, env, work)[0])
            fresh(target)
            whole.append(run(bbs_one_cmd, env, work)[0])
            fresh(target)
            inner.append(float(run(inner_cmd, env, work)[1]))
        plain_ms, whole_ms, inner_ms = statistics.median(plain), statistics.median(whole), statistics.median(inner)

        print("| benchmark | bbs ms | peer | peer ms | ratio | target |")
        print("|---|---:|---|---:|---:|---|")
        print(f"| (a) clone {REPOS} repos, parallel 4 workers | {bbs_ms:.0f} | sequential `git clone` loop | "
              f"{shell_ms:.0f} | {shell_ms / bbs_ms:.2f}x faster | >= 1.8x |")
        print(f"| (b) one clone, `git.clone` call in a script | {inner_ms:.1f} | plain `git clone` process | "
              f"{plain_ms:.1f} | {(inner_ms / plain_ms - 1) * 100:+.1f}% | <= +5% |")
        print(f"| (b') one clone, whole `bbs -e` process | {whole_ms:.1f} | plain `git clone` process | "
              f"{plain_ms:.1f} | {(whole_ms / plain_ms - 1) * 100:+.1f}% | (includes bbs start-up) |")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
