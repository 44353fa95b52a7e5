#!/usr/bin/env python3
"""Evaluator fuzz for bbs: generates well-formed scripts from a small grammar (loops,
closures, recursion, collections, strings, errors, hostile numbers, self-containing values)
and runs each with the real `bbs` under a time and memory limit (prlimit).

A finding is a death by signal, a hang (the time limit), or an exit code outside 0-5; each
one is saved under --findings with its output. Exit status 1 when there was any finding.

    generate_scripts.py --bbs .build/debug/bbs --seconds 60 [--seed N] [--findings DIR]
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

INTS = ["0", "1", "-1", "2", "7", "255", "9223372036854775807", "-9223372036854775808",
        "4294967296", "-0x8000000000000000", "1_000"]
FLOATS = ["0.0", "-0.0", "1.5", "1e300", "-1e-300", "(0.0 / 0.0)", "(1.0 / 0.0)", "2.5e-3"]
STRINGS = ['""', '"a"', '"héllo"', '"😀x"', '"a,b,,c"', "'raw'", '"\\u{1F600}"', '"line\\nnext"',
           '"${1 + 2}"', '"tab\\t"', '"\\0"']
BINOPS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "??", "in"]
STRING_METHODS = ["upper()", "lower()", "trim()", "split(\",\")", "chars()", "reverse()", "lines()",
                  "repeat(3)", "pad_start(12, \"*\")", "pad_end(5)", "replace(\"a\", \"bb\")",
                  "contains(\"a\")", "index_of(\"l\")", "starts_with(\"h\")", "count(\"a\")"]
LIST_METHODS = ["sort()", "reverse()", "unique()", "sum()", "min()", "max()", "first()", "last()",
                "map(x => x)", "filter(x => x)", "flatten()", "chunk(2)", "take(2)", "drop(1)",
                "join(\",\")", "copy()", "enumerate()", "zip([1, 2])", "contains(1)", "index_of(2)",
                "count(1)", "group_by(x => x)", "sort_by(x => str(x))", "any(x => x)", "all(x => x)",
                "reduce((a, b) => a + b)", "find(x => x == 1)", "is_empty()"]
MAP_METHODS = ["keys()", "values()", "items()", "entries()", "copy()", "has(\"a\")", "get(\"a\", 0)",
               "merge({z: 1})", "is_empty()", "map((k, v) => v)", "filter((k, v) => v)"]
BUILTINS = ["len({})", "str({})", "int({})", "float({})", "type({})", "json.stringify({})",
            "json.parse(json.stringify({}))", "range({})", "print({})", "assert({})",
            "error({})", "json.stringify({}, {{indent: 2}})"]


class Generator:
    def __init__(self, rng):
        self.rng = rng
        self.names = ["a", "b", "xs", "m", "s"]
        self.depth = 0
        self.loops = 0
        self.in_loop = 0

    def pick(self, seq):
        return self.rng.choice(seq)

    def literal(self):
        r = self.rng.random()
        if r < 0.35:
            return self.pick(INTS)
        if r < 0.5:
            return self.pick(FLOATS)
        if r < 0.7:
            return self.pick(STRINGS)
        if r < 0.8:
            return self.pick(["true", "false", "nil"])
        if r < 0.9:
            return "[" + ", ".join(self.expr() for _ in range(self.rng.randint(0, 3))) + "]"
        keys = ["a", "b", "k", "\"x y\""]
        return "{" + ", ".join(f"{self.pick(keys)}: {self.expr()}" for _ in range(self.rng.randint(0, 3))) + "}"

    def expr(self):
        self.depth += 1
        try:
            if self.depth > 4:
                return self.pick([self.literal(), self.pick(self.names)])
            r = self.rng.random()
            if r < 0.2:
                return self.literal()
            if r < 0.35:
                return self.pick(self.names)
            if r < 0.5:
                return f"({self.expr()} {self.pick(BINOPS)} {self.expr()})"
            if r < 0.58:
                return f"{self.pick(['-', '!'])}{self.expr()}"
            if r < 0.66:
                return f"({self.expr()}).{self.pick(STRING_METHODS + LIST_METHODS + MAP_METHODS)}"
            if r < 0.74:
                return self.pick(BUILTINS).format(self.expr())
            if r < 0.8:
                return f"({self.expr()})[{self.expr()}]"
            if r < 0.84:
                return f"({self.expr()})[{self.pick(['', '1', '-1'])}:{self.pick(['', '2', '-2'])}]"
            if r < 0.88:
                return f"({self.expr()})?.{self.pick(['a', 'b', 'len'])}"
            if r < 0.92:
                return f"((x, y = 1) => {self.expr()})({self.expr()})"
            if r < 0.96:
                return f"\"<${{{self.expr()}}}>\""
            return f"f({self.expr()})"
        finally:
            self.depth -= 1

    def block(self, n):
        self.depth += 1
        try:
            return "{\n" + "".join(self.stmt() for _ in range(n)) + "}"
        finally:
            self.depth -= 1

    def loop_body(self, n):
        self.in_loop += 1
        try:
            return self.block(n)
        finally:
            self.in_loop -= 1

    def stmt(self):
        if self.depth > 3:
            return f"{self.pick(self.names)} = {self.expr()}\n"
        r = self.rng.random()
        name = self.pick(self.names)
        if r < 0.25:
            return f"{name} = {self.expr()}\n"
        if r < 0.35:
            return f"print({self.expr()})\n"
        if r < 0.45:
            return f"if {self.expr()} {self.block(2)} else {self.block(1)}\n"
        if r < 0.55:
            return f"for i in range({self.rng.randint(0, 50)}) {self.loop_body(2)}\n"
        if r < 0.62:
            return f"for k, v in {self.expr()} {self.loop_body(1)}\n"
        if r < 0.7:
            return f"try {self.block(2)} catch e {{ print(e.kind) }}\n"
        if r < 0.75:
            self.loops += 1
            w = f"w{self.loops}"
            self.in_loop += 1
            body = self.stmt()
            self.in_loop -= 1
            return f"var {w} = 0\nwhile {w} < 20 {{ {w} += 1\n{body}}}\n"
        if r < 0.8:
            return f"throw {self.expr()}\n"
        if r < 0.85 and not self.in_loop:
            # Not inside a loop: `for v in xs { xs.push(xs) }` never ends, as in Python.
            return f"xs.push({self.pick(['xs', 'm', self.expr()])})\n"
        if r < 0.9:
            return f"m[{self.pick(STRINGS)}] = {self.pick(['m', 'xs', self.expr()])}\n"
        if r < 0.95:
            # A literal, not an expression: `xs += xs` in a loop doubles a list 300 times,
            # which is a slow script, not a bug.
            return f"{name} += {self.literal()}\n"
        return f"print(xs == m, xs < xs, [xs, m].unique(), str(m))\n"

    def script(self):
        head = ("var a = 1\nvar b = 2.5\nvar xs = [1, 2, 3]\nvar m = {a: 1}\nvar s = \"héllo\"\n"
                "fn f(n) { if type(n) == \"int\" && n > 0 && n < 200 { return f(n - 1) + 1 }\n return n }\n"
                )
        body = "".join(
            f"try {self.block(self.rng.randint(1, 4))} catch e {{ print(\"caught\", e.kind) }}\n"
            if self.rng.random() < 0.7 else self.stmt()
            for _ in range(self.rng.randint(3, 12)))
        return head + body


# A script still running at the timeout after printing this much is busy, not hung: printing
# a 100 MB string forty times takes longer than the timeout, and is what the script says.
FLOOD_BYTES = 1 << 28


def tail(f, n=4000):
    f.seek(0, os.SEEK_END)
    f.seek(max(0, f.tell() - n))
    return f.read()


def run_one(bbs, path, timeout):
    """(status, stdout tail, stderr tail): status None for a hang, "flood" for a script that
    was still printing (more than FLOOD_BYTES) when it timed out."""
    # Address space, not RSS (Linux does not enforce RSS limits): the interpreter thread
    # reserves a 1 GiB stack, so the cap leaves room for that.
    command = ["prlimit", "--as=6442450944", "--cpu=30", "--", bbs, path]
    # Output goes to files, not memory: a generated script can print gigabytes.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            done = subprocess.run(command, stdout=out, stderr=err, timeout=timeout, stdin=subprocess.DEVNULL)
            status = done.returncode
        except subprocess.TimeoutExpired:
            out.seek(0, os.SEEK_END)
            status = "flood" if out.tell() > FLOOD_BYTES else None
        return status, tail(out), tail(err)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bbs", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--findings", default=".build-fuzz/findings")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    os.makedirs(args.findings, exist_ok=True)
    deadline = time.time() + args.seconds
    runs, findings, codes = 0, 0, {}
    with tempfile.TemporaryDirectory() as tmp:
        while time.time() < deadline:
            source = Generator(rng).script()
            path = os.path.join(tmp, "case.bbs")
            with open(path, "w") as f:
                f.write(source)
            status, out, err = run_one(args.bbs, path, args.timeout)
            runs += 1
            codes[status] = codes.get(status, 0) + 1
            if status is None or (status != "flood" and status not in (0, 1, 2, 3, 4, 5)):
                findings += 1
                what = "hang" if status is None else f"exit {status}"
                name = os.path.join(args.findings, f"evaluator-{args.seed}-{runs}.bbs")
                with open(name, "w") as f:
                    f.write(source)
                with open(name + ".out", "wb") as f:
                    f.write(f"# {what}\n".encode() + out[-4000:] + b"\n--- stderr ---\n" + err[-4000:])
                print(f"fuzz: evaluator FOUND {what}: {name}", file=sys.stderr)
    summary = ", ".join(f"{'hang' if k is None else k}: {v}" for k, v in sorted(codes.items(), key=str))
    print(f"fuzz: evaluator ran {runs} scripts (seed {args.seed}; exit codes {summary}); {findings} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
