#!/usr/bin/env python3
"""Drives the real `bbs` REPL in a pseudo-terminal: sends keys, waits for text on the
screen (escape sequences stripped), and fails with a transcript when something is missing.

Usage: pty_driver.py BBS_BINARY SCENARIO
Scenarios: session, history, git_progress, tables, progress. Exit status 0 when every expectation held.
"""
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

TIMEOUT = 15.0


CSI = re.compile(r"\x1b\[([0-9;?]*)([ -/]*)([@-~])")
OTHER_ESC = re.compile(r"\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def render(text):
    """Applies carriage returns, backspaces and the cursor/erase sequences libedit uses."""
    lines = [[]]
    row, col = 0, 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\x1b":
            m = CSI.match(text, i)
            if m:
                args, final = m.group(1), m.group(3)
                n = int(args) if args.isdigit() else 1
                if final == "G":
                    col = max(0, n - 1)
                elif final == "C":
                    col += n
                elif final == "D":
                    col = max(0, col - n)
                elif final == "A":
                    row = max(0, row - n)
                elif final == "B":
                    row += n
                elif final == "K":
                    del lines[row][col:]
                elif final == "J":
                    del lines[row][col:]
                    del lines[row + 1:]
                i = m.end()
                continue
            m = OTHER_ESC.match(text, i)
            i = m.end() if m else i + 1
            continue
        i += 1
        if c == "\r":
            col = 0
        elif c == "\n":
            row += 1
            col = 0
        elif c == "\b":
            col = max(0, col - 1)
        elif c == "\x07" or ord(c) < 32:
            pass
        else:
            while len(lines) <= row:
                lines.append([])
            line = lines[row]
            while len(line) < col:
                line.append(" ")
            if col < len(line):
                line[col] = c
            else:
                line.append(c)
            col += 1
        while len(lines) <= row:
            lines.append([])
    return "\n".join("".join(l) for l in lines)


class Failure(Exception):
    pass


class Term:
    def __init__(self, binary, env, args=()):
        self.raw = b""
        self.mark = 0
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(binary, [binary, *args], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
        self.status = None

    def screen(self):
        """The text as a terminal would show it (a tiny emulator: lines never scroll away)."""
        return render(self.raw.decode("utf-8", "replace"))

    def _pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            if not data:
                return False
            self.raw += data
        return True

    def expect(self, pattern, timeout=TIMEOUT):
        """Waits until `pattern` (a regex) appears after the last match; returns the match."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            text = self.screen()
            m = rx.search(text, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = deadline - time.time()
            if left <= 0 or not self._pump(min(left, 0.2)) and self.exited():
                raise Failure(f"did not see {pattern!r}")

    def settle(self, quiet=0.4):
        """Reads until the screen has been quiet for `quiet` seconds."""
        last = time.time()
        while time.time() - last < quiet:
            before = len(self.raw)
            if not self._pump(0.1):
                break
            if len(self.raw) != before:
                last = time.time()

    def send(self, text):
        # libedit switches the terminal to raw mode only after printing the prompt: keys sent
        # before that would also be echoed by the terminal itself (as typeahead is).
        time.sleep(0.15)
        os.write(self.fd, text.encode() if isinstance(text, str) else text)

    def exited(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def wait_exit(self, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while not self.exited():
            if time.time() > deadline:
                raise Failure("bbs did not exit")
            self._pump(0.1)
        while self._pump(0.05):
            pass
        return os.waitstatus_to_exitcode(self.status)

    def close(self):
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def base_env(tmp):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "BITBUCKET_TOKEN", "BBS_TRACE")}
    env["TERM"] = "xterm"
    env["HOME"] = tmp
    env["BBS_HISTORY"] = os.path.join(tmp, "history")
    env["BBS_API_URL"] = "http://127.0.0.1:9/2.0"  # never reached
    return env


def prompt(t):
    return t.expect(r"bbs> ")


def silent_server():
    """A TCP listener that accepts connections and never answers: a request that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept())
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server.getsockname()[1]


def session(binary, tmp):
    env = base_env(tmp)
    env["BBS_API_URL"] = f"https://127.0.0.1:{silent_server()}/2.0"
    env["BITBUCKET_TOKEN"] = "repl_test_token_value"
    t = Term(binary, env)
    try:
        prompt(t)
        # A multi-line function definition: continuation prompts, then a call.
        t.send("fn add(a,\r")
        t.expect(r"\.\.\.> ")
        t.send("b) {\r")
        t.expect(r"\.\.\.> ")
        t.send("  return a + b\r")
        t.expect(r"\.\.\.> ")
        t.send("}\r")
        prompt(t)
        t.send("add(2, 40)\r")
        t.expect(r"\n42\n")
        prompt(t)
        # Results: a map as pretty JSON; nil is not echoed.
        t.send('let info = {full_name: "acme/widgets", size_bytes: 1234}\r')
        prompt(t)
        t.send("info\r")
        t.expect(r'\{\n  "full_name": "acme/widgets",\n  "size_bytes": 1234\n\}')
        prompt(t)
        t.send("nil\r")
        prompt(t)
        # An error with position and caret; the session goes on.
        t.send("undefined_name + 1\r")
        t.expect(r"<repl>:1:1: error: .*\n.*undefined_name \+ 1\n.*\| \^")
        prompt(t)
        # An uncaught error's call sites are folded as in a script: a run of the same line
        # is one line and a count, not the first eight copies.
        t.send("fn down(n) { if n == 0 { return 1 / 0 } return down(n - 1) }\r")
        prompt(t)
        t.send("down(30)\r")
        t.expect(r"error: division by zero")
        t.expect(r"in down\(\) called from <repl>:1:52\n\s*\.\.\. the line above repeated 29 more times\n"
                 r"\s*in down\(\) called from <repl>:1:5\n")
        prompt(t)
        # Completion of a module member and of a map key.
        t.send("api.ge\t")
        t.expect(r"api\.get")
        t.send('("/us\t')
        t.expect(r'\("/user')
        t.send(b"\x03")  # Ctrl-C on a line: the line is dropped
        prompt(t)
        t.send("info.full\t")
        t.expect(r"info\.full_name")
        t.send("\r")
        t.expect(r'"acme/widgets"')
        prompt(t)
        # Ctrl-C with text typed: nothing runs, a fresh prompt.
        t.send("print(\"should not run\")")
        t.settle(0.3)
        t.send(b"\x03")
        prompt(t)
        t.send("1 + 2\r")
        t.expect(r"\n3\n")
        prompt(t)
        # A value sharing its parts (2^60 items as text) echoes as an error at once.
        t.send("var big = [1]\r")
        prompt(t)
        t.send("for i in range(60) { big = [big, big] }\r")
        prompt(t)
        t.send("big\r")
        t.expect(r"error: the REPL's echo: the text would be larger than 256 MiB")
        prompt(t)
        t.send("len(big)\r")
        t.expect(r"\n2\n")
        prompt(t)
        # Ctrl-C during a loop: back to the prompt, names intact.
        t.send("var n = 0\r")
        prompt(t)
        t.send("while true { n += 1 }\r")
        time.sleep(0.8)
        t.settle(0.2)
        t.send(b"\x03")
        t.expect(r"interrupted")
        prompt(t)
        t.send("n > 0\r")
        t.expect(r"\ntrue\n")
        prompt(t)
        # Ctrl-C during a slow call (sleep polls the same flag as a request wait).
        t.send("sleep(30)\r")
        time.sleep(0.8)
        started = time.time()
        t.send(b"\x03")
        t.expect(r"interrupted")
        prompt(t)
        if time.time() - started > 5:
            raise Failure("Ctrl-C did not stop sleep(30) promptly")
        # Ctrl-C during a request that never gets an answer.
        t.send('api.get("/user")\r')
        time.sleep(1.0)
        started = time.time()
        t.send(b"\x03")
        t.expect(r"interrupted")
        prompt(t)
        if time.time() - started > 5:
            raise Failure("Ctrl-C did not stop a hanging request promptly")
        # :trace on shows the request (its Authorization masked); :trace off stops it.
        t.send(":trace on\r")
        t.expect(r"trace is on")
        prompt(t)
        t.send('api.get("/repositories/acme")\r')
        t.expect(r"→ GET https://127\.0\.0\.1:\d+/2\.0/repositories/acme authorization: Bearer \*\*\*")
        t.send(b"\x03")
        t.expect(r"interrupted")
        prompt(t)
        t.send(":trace off\r")
        t.expect(r"trace is off")
        prompt(t)
        t.send('api.get("/workspaces")\r')
        time.sleep(1.0)
        t.send(b"\x03")
        t.expect(r"interrupted")
        prompt(t)
        if "→ GET" in t.screen().split("trace is off", 1)[1]:
            raise Failure(":trace off did not stop the trace")
        if b"repl_test_token_value" in t.raw:
            raise Failure("the token reached the terminal")
        # :load runs a file in the session; its names stay defined.
        script = os.path.join(tmp, "lib.bbs")
        with open(script, "w") as f:
            f.write("fn twice(x) {\n  return x * 2\n}\n")
        t.send(f":load {script}\r")
        prompt(t)
        t.send("twice(21)\r")
        t.expect(r"\n42\n")
        prompt(t)
        # args is empty; :type works.
        t.send("len(args)\r")
        t.expect(r"\n0\n")
        prompt(t)
        t.send(":type info\r")
        t.expect(r"\nmap\n")
        prompt(t)
        # Ctrl-D on an empty line exits 0.
        t.send(b"\x04")
        code = t.wait_exit()
        if code != 0:
            raise Failure(f"exit status {code}, expected 0")
        # On a terminal without NO_COLOR, keys and numbers are coloured.
        if b'\x1b[34;1m"full_name"' not in t.raw or b"\x1b[33m1234" not in t.raw:
            raise Failure("the JSON echo is not coloured on a terminal")
    finally:
        t.close()
        sys.stdout.write("---- screen ----\n" + t.screen() + "\n")


def history(binary, tmp):
    env = base_env(tmp)
    env["CANARY_TOKEN"] = "bbs_canary_123"
    path = env["BBS_HISTORY"]
    t = Term(binary, env)
    try:
        prompt(t)
        t.send('let tok = token.env("CANARY_TOKEN")\r')
        prompt(t)
        t.send('let leaked = "bbs_canary_123"\r')
        prompt(t)
        t.send("let kept = 41 +\r")
        t.expect(r"\.\.\.> ")
        t.send("1\r")
        prompt(t)
        t.send(b"\x04")
        code = t.wait_exit()
        if code != 0:
            raise Failure(f"first run: exit status {code}, expected 0")
    finally:
        t.close()
        sys.stdout.write("---- run 1 ----\n" + t.screen() + "\n")
    with open(path, "rb") as f:
        saved = f.read()
    sys.stdout.write("---- history file ----\n" + saved.decode("utf-8", "replace") + "\n")
    if b"bbs_canary_123" in saved:
        raise Failure("the history file contains the secret's text")
    if b"kept" not in saved or b"CANARY_TOKEN" not in saved:
        raise Failure("the history file lacks the entries of run 1")

    env["NO_COLOR"] = "1"
    t = Term(binary, env)
    try:
        prompt(t)
        t.send(b"\x1b[A")  # Up: the last entry of the previous run, both lines
        t.expect(r"41 \+")
        t.send("\r")
        prompt(t)
        t.send("kept\r")
        t.expect(r"\n42\n")
        prompt(t)
        t.send(b"\x04")
        code = t.wait_exit()
        if code != 0:
            raise Failure(f"second run: exit status {code}, expected 0")
        if b"\x1b[33m" in t.raw:
            raise Failure("NO_COLOR is set, yet the echo is coloured")
    finally:
        t.close()
        sys.stdout.write("---- run 2 ----\n" + t.screen() + "\n")


def git_progress(binary, tmp):
    """On a terminal, git.clone shows git's own progress instead of the one-line summary."""
    env = base_env(tmp)
    env.update({"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    bare, seed = os.path.join(tmp, "origin.git"), os.path.join(tmp, "seed")
    for cmd in (["init", "-q", "--bare", "--initial-branch=main", bare], ["init", "-q", seed]):
        subprocess.run(["git", *cmd], env=env, check=True)
    with open(os.path.join(seed, "README"), "w") as f:
        f.write("hello\n")
    for cmd in (["add", "README"], ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "one"],
                ["push", "-q", bare, "HEAD:refs/heads/main"]):
        subprocess.run(["git", "-C", seed, *cmd], env=env, check=True)
    target = os.path.join(tmp, "out")
    t = Term(binary, env, ["-e", f'git.clone("file://{bare}", "{target}")\nprint("cloned")'])
    try:
        t.expect(r"Cloning into '.*out'\.\.\.")
        t.expect(r"cloned")
        if t.wait_exit() != 0:
            raise Failure("bbs did not exit 0")
        if "git clone file://" in t.screen():
            raise Failure("the non-terminal summary line was printed on a terminal")
    finally:
        t.close()
        sys.stdout.write("---- screen ----\n" + t.screen() + "\n")


def start_mock(binary):
    """A bbs-mock (built beside bbs) on a free loopback port; returns (process, base URL)."""
    mock = os.path.join(os.path.dirname(binary), "bbs-mock")
    proc = subprocess.Popen([mock, "--port", "0", "--host", "127.0.0.1"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise Failure(f"bbs-mock did not start: {line!r}")
    return proc, line[len("listening on "):]


@contextlib.contextmanager
def mock_session(binary, tmp, columns=True):
    """A REPL on a terminal, pointed at a fresh bbs-mock; prints the screen when it ends."""
    env = base_env(tmp)
    if not columns:
        env.pop("COLUMNS", None)
    mock, base = start_mock(binary)
    env["BBS_API_URL"] = base + "/2.0"
    env["BITBUCKET_TOKEN"] = "mock-token"
    t = Term(binary, env)
    try:
        yield t
    finally:
        t.close()
        mock.kill()
        mock.wait()
        sys.stdout.write("---- screen ----\n" + t.screen() + "\n")


def tables(binary, tmp):
    """A list of maps (and a stream's first page) echoes as a table fitted to the terminal;
    :json switches back to JSON, :table to tables."""
    with mock_session(binary, tmp, columns=False) as t:
        prompt(t)
        t.send('let rows = [{slug: "api", size: 120, owner: {name: "acme"}}, {slug: "web", size: 7}]\r')
        prompt(t)
        t.send("rows\r")
        t.expect(r"\n# │ slug │ size\n──┼──────┼─────\n0 │ api  │ 120\n1 │ web  │ 7\n")
        prompt(t)
        # A cell wider than the terminal (200 columns) is cut with an ellipsis.
        t.send('[{slug: "long", text: range(300).map(i => "x").join("")}]\r')
        m = t.expect(r"\n0 │ long │ (x+…)\n")
        if len("0 │ long │ " + m.group(1)) > 200:
            raise Failure("the table is wider than the terminal")
        prompt(t)
        # A stream: its first page, and how many more there are (the collection's size).
        t.send('api.paginate("/repositories/acme", {pagelen: 2})\r')
        t.expect(r"# │ .*slug")
        t.expect(r"\n1 │ [^\n]*\n… \d+ more \(`\.list\(\)` for all\)\n")
        prompt(t)
        t.send(":json\r")
        t.expect(r"lists of maps echo as JSON")
        prompt(t)
        t.send("rows\r")
        t.expect(r'\[\n  \{\n    "slug": "api",')
        prompt(t)
        t.send(":table\r")
        t.expect(r"lists of maps echo as tables")
        prompt(t)
        t.send("rows\r")
        t.expect(r"\n0 │ api  │ 120\n")
        prompt(t)
        t.send(b"\x04")
        if t.wait_exit() != 0:
            raise Failure("bbs did not exit 0")


def progress(binary, tmp):
    """progress() and parallel draw one updating line on stderr, erased at the end; nothing
    with NO_PROGRESS."""
    env = base_env(tmp)
    script = ('var s = 0\nfor x in progress(range(40), "crunching") { sleep(0.02)\n s += x }\nprint("sum", s)\n'
              'let r = parallel(range(40), x => { sleep(0.05)\n return x }, {workers: 2})\nprint("parallel", len(r))')
    t = Term(binary, env, ["-e", script])
    try:
        t.expect(r"sum 780")
        t.expect(r"parallel 40")
        if t.wait_exit() != 0:
            raise Failure("bbs did not exit 0")
        raw = t.raw.decode("utf-8", "replace")
        if not re.search(r"crunching: \d+/40  \d+\.\d/s  ETA \d+:\d\d", raw):
            raise Failure("no progress line for progress()")
        if not re.search(r"parallel: \d+/40  \d+\.\d/s", raw):
            raise Failure("no progress line for parallel")
        if "crunching" in t.screen() or "parallel:" in t.screen():
            raise Failure("the progress line was not erased")
    finally:
        t.close()
        sys.stdout.write("---- screen ----\n" + t.screen() + "\n")
    # A paginated collection's .list(): done/total from the collection's `size`, one page at a
    # time (each page delayed by the mock so the line has time to appear).
    mock, base = start_mock(binary)
    try:
        import json
        import urllib.request

        def control(path, body):
            req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req).read()

        control("/_mock/seed", {"workspace": "big", "repositories": 50})
        control("/_mock/faults", {"route": "GET /2.0/repositories/big", "fault": "delay", "delay_ms": 150, "count": -1})
        paged_env = dict(env, BBS_API_URL=base + "/2.0", BITBUCKET_TOKEN="mock-token")
        t = Term(binary, paged_env, ["-e", 'print("repos", len(api.paginate("/repositories/big", {pagelen: 10}).list()))'])
        try:
            t.expect(r"repos 50")
            if t.wait_exit() != 0:
                raise Failure("bbs did not exit 0")
            if not re.search(r"/repositories/big: \d+/50  \d+\.\d/s", t.raw.decode("utf-8", "replace")):
                raise Failure("no progress line for api.paginate(...).list()")
            if "/repositories/big:" in t.screen():
                raise Failure("the paginate progress line was not erased")
        finally:
            t.close()
            sys.stdout.write("---- screen (paginate) ----\n" + t.screen() + "\n")
    finally:
        mock.kill()
        mock.wait()
    env["NO_PROGRESS"] = "1"
    t = Term(binary, env, ["-e", script])
    try:
        t.expect(r"parallel 40")
        t.wait_exit()
        if b"crunching:" in t.raw or b"parallel:" in t.raw:
            raise Failure("a progress line was drawn with NO_PROGRESS set")
    finally:
        t.close()


def completion(binary, tmp):
    """Tab in an API path offers the workspace's real repositories (fetched from bbs-mock through
    the session's runtime), not the literal `{repo_slug}`."""
    with mock_session(binary, tmp) as t:
        prompt(t)
        t.send('api.get("/repositories/acme/')
        t.settle()
        t.send("we\t")
        t.expect(r'api\.get\("/repositories/acme/web')
        t.send('").full_name\r')
        t.expect(r'\n"?acme/web"?\r?\n')
        prompt(t)
        t.send(b"\x04")
        if t.wait_exit() != 0:
            raise Failure("bbs did not exit 0")


def main():
    binary, scenario = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            {"session": session, "history": history, "git_progress": git_progress,
             "tables": tables, "progress": progress, "completion": completion}[scenario](binary, tmp)
        except Failure as e:
            sys.stdout.write(f"FAIL: {e}\n")
            return 1
    sys.stdout.write("OK\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
