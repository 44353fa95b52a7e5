# Data crunching: 200,000 repository-like dicts -> filter -> map -> sort by key -> group by
# project, written as a Python user would (comprehensions, sorted with a key). Prints a checksum line.
projects = ["API", "WEB", "OPS", "DATA", "MOBILE", "INFRA", "DOCS", "QA"]
languages = ["swift", "go", "python", "rust", "java"]
repos = []
for i in range(200000):
    repos.append({
        "slug": f"repo-{i}",
        "full_name": f"acme/repo-{i}",
        "project": {"key": projects[i % 8], "name": f"Project {i % 8}"},
        "language": languages[i % 5],
        "size": (i * 7919) % 1000003,
        "is_private": i % 3 != 0,
        "updated_on": f"2026-{i % 12 + 1}-01",
    })
active = [r for r in repos if r["is_private"] and r["language"] != "java" and r["size"] > 50000]
rows = [{"slug": r["slug"].upper(), "project": r["project"]["key"], "kb": r["size"] // 1024} for r in active]
ordered = sorted(rows, key=lambda r: r["kb"])
groups = {}
for r in ordered:
    groups.setdefault(r["project"], []).append(r)
parts = [f"{key}:{len(rs)}:{rs[0]['slug']}:{rs[-1]['kb']}" for key, rs in groups.items()]
print(len(active), " ".join(parts))
