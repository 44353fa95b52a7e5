#!/usr/bin/env python3
"""Write the bbs-mock fixture of the workloads: workspace `bigco` with 2,000 repositories.

- 8 projects of different sizes, the repositories shuffled (deterministically) so a listing
  is not grouped by project (workload 1 counts them);
- project CORE: 300 repositories, each with a commit on `main` and three more branches whose
  head commits are 3 to 400 days old (workload 2 reports those older than 90 days; no date
  lies within 5 days of the 90-day line, so a slow run cannot change the answer);
- project TOOLS: 40 repositories with three commits each (workload 3 clones them);
- the rest have no commits, like seeded repositories.

Dates are relative to the moment of generation (whole hours), so "older than 90 days" means
the same on any day; everything else is fixed.

Usage: fixture.py OUT_FILE
"""
import datetime
import json
import random
import sys

PROJECTS = [("CORE", 300), ("TOOLS", 40), ("WEB", 420), ("DATA", 350), ("OPS", 300),
            ("MOBILE", 250), ("INFRA", 200), ("SEC", 140)]
AGES = [3, 10, 30, 60, 75, 120, 150, 250, 400]  # days; none within 5 days of 90
AUTHOR = "Dev Eloper <dev@example.com>"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)

    def ago(days):
        return (now - datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    slots = [key for key, count in PROJECTS for _ in range(count)]
    random.Random(20261207).shuffle(slots)
    numbers = {key: 0 for key, _ in PROJECTS}
    repositories = []
    for i, key in enumerate(slots):
        numbers[key] += 1
        n = numbers[key]
        slug = "%s-%04d" % (key.lower(), n)
        repo = {"slug": slug, "project": key, "description": "%s service %d" % (key, n),
                "language": ["go", "python", "swift", "java"][i % 4], "is_private": i % 7 != 0}
        if key == "CORE":
            commits = [{"id": "m", "author": AUTHOR, "date": ago(AGES[n % 4]), "message": "Initial commit",
                        "files": {"README.md": "# %s\n" % slug}}]
            for k, name in enumerate(["feature/login", "fix/timeout", "release/1.%d" % (n % 5)]):
                commits.append({"id": "b%d" % k, "branch": name, "parents": ["m"], "author": AUTHOR,
                                "date": ago(AGES[(n * 7 + k * 3) % len(AGES)]), "message": "Work on " + name,
                                "files": {"%s.txt" % name.replace("/", "-"): "%s\n" % name}})
            repo["commits"] = commits
        elif key == "TOOLS":
            repo["commits"] = [{"author": AUTHOR, "date": ago(30 - c), "message": "%s: change %d" % (slug, c + 1),
                                "files": {"README.md": "# %s\n\nrevision %d\n" % (slug, c + 1)}} for c in range(3)]
        repositories.append(repo)
    fixture = {
        "base_time": ago(0),
        "workspaces": [{"slug": "bigco", "name": "Big Co",
                        "projects": [{"key": key, "name": key.title()} for key, _ in PROJECTS],
                        "repositories": repositories}],
    }
    with open(sys.argv[1], "w") as f:
        json.dump(fixture, f)


if __name__ == "__main__":
    main()
