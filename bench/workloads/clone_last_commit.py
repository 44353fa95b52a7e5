# Workload 3: clone every repository of a project (8 at a time) into DIR and print each
# one's last commit.
# Usage: python3 clone_last_commit.py WORKSPACE PROJECT DIR
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

# The token reaches git through a credential helper, never the URL or .git/config.
HELPER = '!f() { echo username=x-token-auth; echo "password=$BITBUCKET_TOKEN"; }; f'
session = requests.Session()
session.headers["Authorization"] = "Bearer " + os.environ["BITBUCKET_TOKEN"]


def repositories(workspace, project):
    url = f"{os.environ['BBS_API_URL']}/repositories/{workspace}"
    params = {"q": f'project.key="{project}"', "pagelen": 100}
    while url:
        response = session.get(url, params=params)
        response.raise_for_status()
        page = response.json()
        yield from page["values"]
        url, params = page.get("next"), None


def last_commit(repo):
    url = next(link["href"] for link in repo["links"]["clone"] if link["name"] == "https")
    dest = os.path.join(sys.argv[3], repo["slug"])
    subprocess.run(["git", "-c", "credential.helper=" + HELPER, "clone", "-q", url, dest], check=True)
    log = subprocess.run(["git", "-C", dest, "log", "-1", "--format=%H %s"],
                         check=True, capture_output=True, text=True)
    return f"{repo['slug']} {log.stdout.strip()}"


with ThreadPoolExecutor(max_workers=8) as pool:
    lines = list(pool.map(last_commit, repositories(sys.argv[1], sys.argv[2])))
for line in sorted(lines):
    print(line)
