#!/usr/bin/env bash
# bbs benchmark harness: bbs side by side with CPython, Lua 5.4 and jq, as ratios.
# See bench/README.md. Not a test: it never fails on a slow result, it reports.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
OUT="$BENCH/out"

usage() {
  cat <<'EOF'
Usage: bench/run.sh [--runs N] [--only NAME[,NAME...]] [--quick] [--help]

Builds bbs in release mode, then times each benchmark for bbs and its peers
(python3, lua5.4, jq), interleaving implementations, and prints a Markdown table
(median ms, min ms, and "bbs ÷ peer": <= 1.00 means bbs is as fast or faster).
The table is also written to bench/out/results.md.

Options:
  --runs N      timed runs per implementation and benchmark (default 5;
                startup uses max(20, 4*N)); one untimed warm-up run precedes them
  --only NAME   run only these benchmarks (comma-separated; "json" also runs
                "json-parse"): fib, loop, strings, maps, crunch, json, json-parse,
                startup, and two that run only when named: api (requests against
                nginx and a release bbs-mock, lib/api_bench.py) and workloads (bbs
                vs Python vs bash on three user tasks, lib/workloads.py)
  --quick       smoke-test the harness: 1 run, no warm-up, 5 startup runs,
                a 1 MB JSON file instead of 10 MB
  -h, --help    this text

Environment:
  BBS_BEFORE_BIN=PATH  api and workloads also run this earlier bbs, interleaved
  BBS_MOCK_BIN=PATH  use this bbs-mock for api and workloads instead of building
                it (swift build -c release --product bbs-mock)
  BBS_BIN=PATH  use this bbs binary and skip the build (e.g. BBS_BIN=/bin/true
                to exercise the harness before bbs builds; its rows then show
                MISMATCH, which is expected)
  BENCH_TIMEOUT seconds allowed for one run before it counts as failed (default 60)

Missing peers (python3, lua5.4, jq; for api and workloads also curl, git,
nginx-light and python3-requests) are installed with apt-get when run as root.
EOF
}

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

RUNS=5
ONLY=""
QUICK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --runs) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive integer"
            RUNS="$2"; shift 2 ;;
    --runs=*) RUNS="${1#--runs=}"; [[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive integer"
              shift ;;
    --only) [[ $# -ge 2 && -n "$2" ]] || die "--only needs a benchmark name"; ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#--only=}"; shift ;;
    --quick) QUICK=1; shift ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

NAMES=" fib loop strings maps crunch json json-parse startup api workloads "
IFS=, read -r -a only_list <<<"$ONLY"
for n in "${only_list[@]}"; do
  [[ "$NAMES" == *" $n "* ]] || die "unknown benchmark '$n' (have:$NAMES)"
done

mkdir -p "$OUT"
# api and workloads need a bbs-mock and network peers; the interpreter benchmarks do not.
NET=() INTERP=()
for n in "${only_list[@]}"; do
  if [[ "$n" == api || "$n" == workloads ]]; then NET+=("$n"); else INTERP+=("$n"); fi
done

# --- 1. peers -------------------------------------------------------------------------------
missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v lua5.4 >/dev/null || missing+=(lua5.4)
command -v jq >/dev/null || missing+=(jq)
if [[ ${#NET[@]} -gt 0 ]]; then
  command -v curl >/dev/null || missing+=(curl)
  command -v git >/dev/null || missing+=(git)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
  if [[ -x /usr/bin/python3 ]] && ! /usr/bin/python3 -c 'import requests' 2>/dev/null; then missing+=(python3-requests); fi
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing missing peers: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    die "missing ${missing[*]} and not root: install them with apt-get"; fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || { "${SUDO[@]}" apt-get update -qq >/dev/null && "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
fi
# The strongest CPython on the machine is the peer: Debian's /usr/bin/python3 is a PGO+LTO build,
# while a pyenv python3 earlier on PATH is a plain build that runs fib(30) ~60% slower. A user's
# CI image has the distribution's. Otherwise the first python3's real binary (not a pyenv shim).
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY="$(python3 -c 'import sys; print(sys.executable)')"; fi
say "peer: $PY ($("$PY" --version 2>&1))"
say "peer: $(command -v lua5.4) ($(lua5.4 -v 2>&1 | head -n1))"
say "peer: $(command -v jq) ($(jq --version 2>&1))"
command -v curl >/dev/null && say "peer: $(command -v curl) ($(curl --version | head -n1))"
if [[ ${#NET[@]} -gt 0 ]]; then
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  say "peer: $NGINX ($("$NGINX" -v 2>&1))"
  say "peer: python requests $("$PY" -c 'import requests; print(requests.__version__, requests.__file__)' 2>&1)"
  say "peer: $(command -v git) ($(git --version))"
  say "peer: $(command -v bash) ($(bash --version | head -n1))"
fi

# --- 2. bbs ---------------------------------------------------------------------------------
if [[ -n "${BBS_BIN:-}" ]]; then
  BBS="$BBS_BIN"
  [[ -x "$BBS" ]] || BBS="$(command -v "$BBS" || true)"
  [[ -n "$BBS" && -x "$BBS" ]] || die "BBS_BIN=$BBS_BIN is not an executable"
  say "using BBS_BIN=$BBS (not building)"
else
  command -v swift >/dev/null || die "swift not found; install the toolchain or set BBS_BIN"
  say "building bbs (swift build -c release --product bbs; log: bench/out/build.log)"
  if ! (cd "$ROOT" && swift build -c release --product bbs) >"$OUT/build.log" 2>&1; then
    tail -n 25 "$OUT/build.log" >&2
    die "release build failed (full log: bench/out/build.log). Set BBS_BIN=PATH to benchmark another binary."
  fi
  BBS="$ROOT/.build/release/bbs"
  [[ -x "$BBS" ]] || die "build succeeded but $BBS is missing"
fi

# --- 2b. bbs-mock, for api and workloads ---------------------------------------------------
if [[ ${#NET[@]} -gt 0 ]]; then
  if [[ -n "${BBS_MOCK_BIN:-}" ]]; then
    MOCK="$BBS_MOCK_BIN"
    [[ -x "$MOCK" ]] || die "BBS_MOCK_BIN=$MOCK is not an executable"
  else
    say "building bbs-mock (swift build -c release --product bbs-mock; log: bench/out/build-mock.log)"
    (cd "$ROOT" && swift build -c release --product bbs-mock) >"$OUT/build-mock.log" 2>&1 \
      || { tail -n 25 "$OUT/build-mock.log" >&2; die "release build of bbs-mock failed; set BBS_MOCK_BIN=PATH"; }
    MOCK="$ROOT/.build/release/bbs-mock"
  fi
  say "bbs-mock: $MOCK"
  net_args=(--bbs "$BBS" --mock "$MOCK")
  if [[ $QUICK -eq 1 ]]; then net_args+=(--quick); else net_args+=(--runs "$RUNS"); fi
  for n in "${NET[@]}"; do
    case "$n" in
      api) "$PY" "$BENCH/lib/api_bench.py" "${net_args[@]}" --out "$OUT/api.md" ;;
      workloads) "$PY" "$BENCH/lib/workloads.py" "${net_args[@]}" --out "$OUT/workloads.md" ;;
    esac
  done
  [[ ${#INTERP[@]} -eq 0 ]] && exit 0
  ONLY="$(IFS=,; echo "${INTERP[*]}")"
fi

# --- 3. data (generated once, cached; regenerated when the generator changes) --------------
if [[ $QUICK -eq 1 ]]; then MB=1; else MB=10; fi
DATA="$OUT/bitbucket-repos-${MB}mb.json"
if [[ ! -s "$DATA" || "$BENCH/lib/gen_json.py" -nt "$DATA" ]]; then
  say "generating $DATA"
  "$PY" "$BENCH/lib/gen_json.py" --mb "$MB" --out "$DATA"
fi

# --- 4. time --------------------------------------------------------------------------------
args=(--bbs "$BBS" --data "$DATA" --out "$OUT/results.md" --timeout "${BENCH_TIMEOUT:-60}")
[[ -n "$ONLY" ]] && args+=(--only "$ONLY")
if [[ $QUICK -eq 1 ]]; then
  args+=(--runs 1 --warmup 0 --startup-runs 5 --note "QUICK smoke run (1 run, ${MB} MB JSON): not for comparison")
else
  args+=(--runs "$RUNS" --startup-runs $(( RUNS * 4 > 20 ? RUNS * 4 : 20 )) --note "${MB} MB JSON")
fi
exec "$PY" "$BENCH/lib/timing.py" "${args[@]}"
