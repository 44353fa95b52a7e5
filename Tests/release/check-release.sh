#!/usr/bin/env bash
# Tests a release tarball the way a CI image without Swift would use it.
#   Tests/release/check-release.sh dist/bbs-VERSION-linux-x86_64.tar.gz
# Unpacks it into a temp dir; checks the checksum, the file list, that the binaries are stripped
# and link only glibc-level libraries; then, with the Swift toolchain hidden (a tmpfs over it in
# a private mount namespace), an empty environment and no HOME, runs a script that imports a
# stdlib module and talks to the tarball's own bbs-mock; finally installs it with
# scripts/install and runs the installed bbs. Prints "release check: ok" at the end.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: Tests/release/check-release.sh TARBALL" >&2; exit 2; }
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail() { echo "release check FAILED: $*" >&2; exit 1; }

work=$(mktemp -d)
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- the tarball and its contents --------------------------------------------------------------
[ -f "$tarball.sha256" ] || fail "no $tarball.sha256"
(cd "$(dirname "$tarball")" && sha256sum --quiet -c "$(basename "$tarball").sha256") || fail "checksum mismatch"
tar -C "$work" -xzf "$tarball"
name=$(basename "$tarball" .tar.gz)
rel="$work/$name"
[[ "$name" =~ ^bbs-[0-9]+\.[0-9]+\.[0-9]+.*-linux-x86_64$ ]] || fail "unexpected name $name"
for f in bin/bbs bin/bbs-mock stdlib/workspace.bbs docs/ci.md README.md SHA256SUMS install; do
  [ -e "$rel/$f" ] || fail "$f is missing from the tarball"
done
(cd "$rel" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match the files"
for exe in bbs bbs-mock; do
  if readelf -S "$rel/bin/$exe" | grep -q '\.symtab'; then fail "bin/$exe is not stripped"; fi
  libs=$(ldd "$rel/bin/$exe" | awk '{print $1}')
  extra=$(echo "$libs" | grep -vE '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|libgcc_s\.so\.1)$' || true)
  [ -z "$extra" ] || fail "bin/$exe needs more than glibc: $extra"
done
version=${name#bbs-}; version=${version%-linux-x86_64}
"$rel/bin/bbs" --version | grep -Eq "^bbs $version \(commit [0-9a-f]{7,}(-dirty)?, built [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\)$" \
  || fail "bbs --version: $("$rel/bin/bbs" --version)"

# --- the scripts run inside the toolchain-less environment -------------------------------------
token=release-check-token
printf '%s\n' "$token" > "$work/token"
cat > "$work/smoke.bbs" <<'EOF'
import "workspace"
auth.token(token.file(args[0]))
let names = workspace.repos("acme", {sort: "slug"}).list().map(r => r.slug)
print("repos:", names.join(","))
print("shard 0/2:", workspace.shard(names, {index: 0, count: 2}).join(","))
print("shard 1/2:", workspace.shard(names, {index: 1, count: 2}).join(","))
print("env:", env("PATH") ?? "no PATH", env("HOME") ?? "no HOME")
print(json.stringify({sum: [1, 2, 3].reduce((a, b) => a + b, 0)}))
EOF
cat > "$work/inside.sh" <<EOF
#!/usr/bin/env bash
# Runs in the private mount namespace (or directly when that is refused).
set -euo pipefail
if [ "\${HIDE_TOOLCHAIN:-}" ]; then
  mount -t tmpfs -o size=1m bbs-no-toolchain "\$HIDE_TOOLCHAIN"
  [ ! -e "\$HIDE_TOOLCHAIN/usr/bin/swift" ] || { echo "the toolchain is still visible" >&2; exit 1; }
fi
env -i "$rel/bin/bbs-mock" --port 0 --no-git --token $token > "$work/mock.out" 2> "$work/mock.err" &
echo \$! > "$work/mock.pid"
for _ in \$(seq 1 100); do grep -q '^listening on ' "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
base=\$(sed -n 's/^listening on //p' "$work/mock.out")
[ -n "\$base" ] || { echo "bbs-mock did not start: \$(cat "$work/mock.err")" >&2; exit 1; }
status=0
env -i "$rel/bin/bbs" --api-url "\$base/2.0" "$work/smoke.bbs" "$work/token" > "$work/smoke.out" 2> "$work/smoke.err" || status=\$?
kill "\$(cat "$work/mock.pid")" 2>/dev/null || true
[ \$status -eq 0 ] || exit \$status
# The REPL on the statically linked libedit, in a pseudo-terminal (TERM=xterm).
/usr/bin/python3 "$root/Tests/REPLTests/pty_driver.py" "$rel/bin/bbs" session > "$work/repl.out" 2>&1 || { echo "REPL: \$(tail -n 20 "$work/repl.out")" > "$work/smoke.err"; exit 1; }
EOF
chmod +x "$work/inside.sh"

toolchain=""
if swift_bin=$(command -v swift 2>/dev/null); then
  toolchain=$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." && pwd)
fi
if [ -n "$toolchain" ] && unshare --mount --propagation private true 2>/dev/null; then
  echo "release check: running bin/bbs with $toolchain hidden, an empty environment and no HOME"
  HIDE_TOOLCHAIN=$toolchain unshare --mount --propagation private "$work/inside.sh" || fail "the smoke script failed: $(cat "$work/smoke.err")"
else
  echo "release check: SKIPPED hiding the Swift toolchain (unshare --mount refused here or no toolchain found); running with an empty environment only"
  "$work/inside.sh" || fail "the smoke script failed: $(cat "$work/smoke.err")"
fi
expected="repos: api,docs,infra,web
env: no PATH no HOME
{\"sum\":6}"
actual=$(grep -v '^shard' "$work/smoke.out")
[ "$actual" = "$expected" ] || fail "unexpected output:
$(cat "$work/smoke.out")
stderr: $(cat "$work/smoke.err")"
# The two shards split the repositories: every one in exactly one.
shards=$(sed -n 's/^shard [01]\/2: //p' "$work/smoke.out" | tr ',' '\n' | grep -v '^$' | sort | tr '\n' ',')
[ "$shards" = "api,docs,infra,web," ] || fail "the shards do not partition the repositories: $(cat "$work/smoke.out")"

# --- scripts/install from the tarball ----------------------------------------------------------
"$root/scripts/install" "$work/prefix" "$tarball" 2> "$work/install.err" || fail "scripts/install: $(cat "$work/install.err")"
[ -x "$work/prefix/bin/bbs" ] && [ -x "$work/prefix/bin/bbs-mock" ] && [ -f "$work/prefix/share/bbs/stdlib/workspace.bbs" ] \
  && [ -f "$work/prefix/share/doc/bbs/ci.md" ] || fail "scripts/install left an incomplete prefix"
out=$(env -i "$work/prefix/bin/bbs" -e 'import "workspace"
print(workspace.shard([1, 2, 3]))') || fail "the installed bbs cannot import the stdlib"
[ "$out" = "[1, 2, 3]" ] || fail "installed bbs printed: $out"
# A tampered tarball is refused.
cp "$tarball" "$work/tampered.tar.gz"
echo "0000000000000000000000000000000000000000000000000000000000000000  tampered.tar.gz" > "$work/tampered.tar.gz.sha256"
if "$root/scripts/install" "$work/prefix2" "$work/tampered.tar.gz" 2> "$work/install2.err"; then
  fail "scripts/install accepted a tarball whose checksum does not match"
fi
grep -q "does not match" "$work/install2.err" || fail "scripts/install: unexpected message $(cat "$work/install2.err")"

echo "release check: ok ($name, bin/bbs $(du -h "$rel/bin/bbs" | cut -f1))"
