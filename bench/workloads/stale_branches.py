# Workload 2: the branches older than 90 days in every repository of a project,
# 8 repositories at a time.
# Usage: python3 stale_branches.py WORKSPACE PROJECT
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import requests

API = os.environ["BBS_API_URL"]
session = requests.Session()
session.headers["Authorization"] = "Bearer " + os.environ["BITBUCKET_TOKEN"]
cutoff = datetime.now(timezone.utc) - timedelta(days=90)


def items(url, params=None):
    while url:
        response = session.get(url, params=params)
        response.raise_for_status()
        page = response.json()
        yield from page["values"]
        url, params = page.get("next"), None


def stale(repo):
    branches = items(f"{API}/repositories/{repo['full_name']}/refs/branches", {"pagelen": 100})
    return [f"{repo['slug']} {b['name']} {b['target']['date'][:10]}"
            for b in branches if datetime.fromisoformat(b["target"]["date"]) < cutoff]


repos = items(f"{API}/repositories/{sys.argv[1]}", {"q": f'project.key="{sys.argv[2]}"', "pagelen": 100})
with ThreadPoolExecutor(max_workers=8) as pool:
    lines = [line for found in pool.map(stale, repos) for line in found]
for line in sorted(lines):
    print(line)
