#!/usr/bin/env bash
# Workload 3: clone every repository of a project (8 at a time) into DIR and print each
# one's last commit.
# Usage: clone_last_commit.sh WORKSPACE PROJECT DIR
set -euo pipefail
export DIR="$3"
# The token reaches git through a credential helper, never the URL or .git/config.
export HELPER='!f() { echo username=x-token-auth; echo "password=$BITBUCKET_TOKEN"; }; f'
last_commit() {
  local dest="$DIR/$(basename "$1" .git)"
  git -c credential.helper="$HELPER" clone -q "$1" "$dest"
  echo "$(basename "$dest") $(git -C "$dest" log -1 --format='%H %s')"
}
export -f last_commit
url="$BBS_API_URL/repositories/$1?pagelen=100&q=$(jq -rn --arg p "$2" '"project.key=\"\($p)\"" | @uri')"
while [[ -n "$url" ]]; do
  page=$(curl -sSf -H "Authorization: Bearer $BITBUCKET_TOKEN" "$url")
  jq -r '.values[].links.clone[] | select(.name == "https") | .href' <<<"$page"
  url=$(jq -r '.next // empty' <<<"$page")
done | xargs -P 8 -n 1 bash -c 'last_commit "$1"' _ | sort
