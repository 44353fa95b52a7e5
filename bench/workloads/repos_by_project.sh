#!/usr/bin/env bash
# Workload 1: count the repositories of a workspace by project.
# Usage: repos_by_project.sh WORKSPACE
set -euo pipefail
url="$BBS_API_URL/repositories/$1?pagelen=100"
while [[ -n "$url" ]]; do
  page=$(curl -sSf -H "Authorization: Bearer $BITBUCKET_TOKEN" "$url")
  jq -r '.values[].project.key' <<<"$page"
  url=$(jq -r '.next // empty' <<<"$page")
done | sort | uniq -c | awk '{print $2, $1}'
