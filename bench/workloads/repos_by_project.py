# Workload 1: count the repositories of a workspace by project.
# Usage: python3 repos_by_project.py WORKSPACE
import os
import sys
from collections import Counter

import requests

session = requests.Session()
session.headers["Authorization"] = "Bearer " + os.environ["BITBUCKET_TOKEN"]
counts = Counter()
url = f"{os.environ['BBS_API_URL']}/repositories/{sys.argv[1]}?pagelen=100"
while url:
    response = session.get(url)
    response.raise_for_status()
    page = response.json()
    counts.update(repo["project"]["key"] for repo in page["values"])
    url = page.get("next")
for key in sorted(counts):
    print(key, counts[key])
