#!/usr/bin/env bash
# Workload 2: the branches older than 90 days in every repository of a project,
# 8 repositories at a time.
# Usage: stale_branches.sh WORKSPACE PROJECT
set -euo pipefail
export CUTOFF
CUTOFF=$(date -u -d '90 days ago' +%Y-%m-%dT%H:%M:%S)  # Bitbucket's dates are UTC: compare as text
stale() {
  curl -sSf -H "Authorization: Bearer $BITBUCKET_TOKEN" "$BBS_API_URL/repositories/$1/refs/branches?pagelen=100" |
    jq -r --arg slug "${1#*/}" --arg cutoff "$CUTOFF" \
      '.values[] | select(.target.date < $cutoff) | "\($slug) \(.name) \(.target.date[:10])"'
}
export -f stale
url="$BBS_API_URL/repositories/$1?pagelen=100&q=$(jq -rn --arg p "$2" '"project.key=\"\($p)\"" | @uri')"
while [[ -n "$url" ]]; do
  page=$(curl -sSf -H "Authorization: Bearer $BITBUCKET_TOKEN" "$url")
  jq -r '.values[].full_name' <<<"$page"
  url=$(jq -r '.next // empty' <<<"$page")
done | xargs -P 8 -n 1 bash -c 'stale "$1"' _ | sort
