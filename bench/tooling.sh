#!/usr/bin/env bash
# Times the tools of issue 13: `bbs test` overhead per test file (child bbs plus its own
# bbs-mock start and stop), and `bbs fmt --check` / `bbs check` over stdlib/, examples/ and the
# golden scripts. Medians of RUNS runs. Usage: bench/tooling.sh [BIN_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-$(cd "$root" && swift build --show-bin-path)}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

for i in $(seq 1 10); do
  printf 'test("t%s", () => { expect.eq(1 + 1, 2) })\n' "$i" > "$work/f${i}_test.bbs"
done
one=$(for _ in $(seq "$runs"); do ms "$bin/bbs" test "$work/f1_test.bbs"; done | median)
ten=$(for _ in $(seq "$runs"); do ms "$bin/bbs" test "$work"; done | median)
echo "bbs test, 1 file: ${one} ms; 10 files: ${ten} ms; per file: $(( ten / 10 )) ms (--jobs 1)"

cd "$root"
files=$(find stdlib examples Tests/golden -name '*.bbs' | sort)
count=$(echo "$files" | wc -l)
fmt=$(for _ in $(seq "$runs"); do ms "$bin/bbs" fmt --check $files; done | median)
check=$(for _ in $(seq "$runs"); do ms "$bin/bbs" check $files; done | median)
echo "bbs fmt --check over $count files: ${fmt} ms; bbs check over the same: ${check} ms"
