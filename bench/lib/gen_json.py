#!/usr/bin/env python3
"""Write a deterministic, Bitbucket-style paginated response of about --mb megabytes.

Shape: {"pagelen":100,"size":N,"page":1,"next":"...?page=2","values":[repository, ...]}
Each repository looks like GET /2.0/repositories/{workspace} returns it: uuid, full_name,
slug, name, description, links (with a clone list), owner, workspace, project, mainbranch, ...

The text is compact. Some objects are written with \\uXXXX escapes (including surrogate
pairs), some with raw UTF-8, some with escaped slashes (\\/), so a parser meets all of them.
Non-ASCII text is limited to single-scalar characters (no combining marks, no ZWJ, no CRLF)
so that "characters" (bbs, Swift graphemes) and code points (Python) count the same.
Only ints, strings, bools and null: no floats, so re-serialised lengths agree exactly.
"""

import argparse
import json
import os
import sys

LANGS = ["python", "swift", "go", "java", "javascript", "typescript", "rust", "kotlin", "ruby", ""]
DESCRIPTIONS = [
    "Service for the \"billing\" domain.\nOwned by team Core.",
    "Tools: C:\\tools\\bin and /usr/local/bin\t(tab separated)",
    "Caf\u00e9 m\u00fcnchen \u00fcber stra\u00dfe \u2014 d\u00e9j\u00e0 vu \u2022 \u00a9 2024",
    "\u65e5\u672c\u8a9e\u306e\u8aac\u660e \u4e2d\u6587 \ud55c\uad6d\uc5b4 \u0440\u0443\u0441\u0441\u043a\u0438\u0439",
    "Release bot \U0001F680 ships \U0001F600 builds \u2713 fast",
    "Legacy control char \u0001 kept for tests; <b>html</b> & 'quotes'",
    "",
]


class Lcg:
    """Tiny deterministic generator (same numbers on every Python version)."""

    def __init__(self, seed):
        self.x = seed

    def next(self, n):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.x >> 33) % n

    def hex(self, digits):
        return "".join("0123456789abcdef"[self.next(16)] for _ in range(digits))

    def uuid(self):
        return "{%s-%s-4%s-a%s-%s}" % (self.hex(8), self.hex(4), self.hex(3), self.hex(3), self.hex(12))

    def date(self):
        return "20%02d-%02d-%02dT%02d:%02d:%02d.%06d+00:00" % (
            15 + self.next(10), 1 + self.next(12), 1 + self.next(28),
            self.next(24), self.next(60), self.next(60), self.next(1000000))


API = "https://api.bitbucket.org/2.0"
WEB = "https://bitbucket.org"


def href(url):
    return {"href": url}


def repository(i, r):
    ws = "acme"
    slug = "service-%05d" % i
    full = "%s/%s" % (ws, slug)
    api = "%s/repositories/%s" % (API, full)
    project_key = ["CORE", "WEB", "DATA", "OPS"][r.next(4)]
    ws_uuid = "{6c1b3f6e-2b9a-4c55-9d3e-0a1b2c3d4e5f}"
    return {
        "type": "repository",
        "full_name": full,
        "links": {
            "self": href(api),
            "html": href("%s/%s" % (WEB, full)),
            "avatar": href("https://bytebucket.org/ravatar/%s?ts=%s" % (r.uuid(), LANGS[i % 10] or "default")),
            "pullrequests": href(api + "/pullrequests"),
            "commits": href(api + "/commits"),
            "forks": href(api + "/forks"),
            "watchers": href(api + "/watchers"),
            "branches": href(api + "/refs/branches"),
            "tags": href(api + "/refs/tags"),
            "downloads": href(api + "/downloads"),
            "source": href(api + "/src"),
            "clone": [
                {"name": "https", "href": "https://x-token-auth@bitbucket.org/%s.git" % full},
                {"name": "ssh", "href": "git@bitbucket.org:%s.git" % full},
            ],
            "hooks": href(api + "/hooks"),
        },
        "name": "Service %05d" % i,
        "slug": slug,
        "description": DESCRIPTIONS[i % len(DESCRIPTIONS)],
        "scm": "git",
        "website": None,
        "owner": {
            "display_name": "Acme Corp",
            "links": {
                "self": href("%s/workspaces/%s" % (API, ws)),
                "avatar": href("https://bitbucket.org/account/%s/avatar/" % ws),
                "html": href("%s/%s/" % (WEB, ws)),
            },
            "type": "team",
            "uuid": ws_uuid,
            "username": ws,
        },
        "workspace": {
            "type": "workspace",
            "uuid": ws_uuid,
            "name": "Acme Corp",
            "slug": ws,
            "links": {
                "avatar": href("https://bitbucket.org/workspaces/%s/avatar/?ts=1700000000" % ws),
                "html": href("%s/%s/" % (WEB, ws)),
                "self": href("%s/workspaces/%s" % (API, ws)),
            },
        },
        "is_private": r.next(5) != 0,
        "project": {
            "type": "project",
            "key": project_key,
            "uuid": r.uuid(),
            "name": project_key.title() + " services",
            "links": {
                "self": href("%s/workspaces/%s/projects/%s" % (API, ws, project_key)),
                "html": href("%s/%s/workspace/projects/%s" % (WEB, ws, project_key)),
                "avatar": href("https://bitbucket.org/%s/workspace/projects/%s/avatar/32" % (ws, project_key)),
            },
        },
        "fork_policy": ["allow_forks", "no_public_forks", "no_forks"][r.next(3)],
        "created_on": r.date(),
        "updated_on": r.date(),
        "size": r.next(2_000_000_000),
        "language": LANGS[r.next(len(LANGS))],
        "uuid": r.uuid(),
        "mainbranch": {"name": ["main", "master", "develop"][r.next(3)], "type": "branch"},
        "override_settings": {"default_merge_strategy": r.next(2) == 1, "branching_model": r.next(2) == 1},
        "parent": None,
        "enforced_signed_commits": None,
        "has_issues": r.next(2) == 1,
        "has_wiki": r.next(3) == 0,
    }


def encode(i, obj):
    ascii_only = i % 3 == 0          # \u00e9 and \ud83d\ude80 escapes
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=ascii_only)
    if i % 7 == 0:                    # "\/" escapes: '/' occurs only inside strings in JSON
        text = text.replace("/", "\\/")
    return text


def generate(target_bytes):
    r = Lcg(20240611)
    parts, total, i = [], 0, 0
    while total < target_bytes:
        part = encode(i, repository(i, r))
        parts.append(part)
        total += len(part.encode("utf-8")) + 1
        i += 1
    head = '{"pagelen":100,"size":%d,"page":1,"next":"%s/repositories/acme?page=2","values":[' % (i * 3, API)
    return head + ",".join(parts) + "]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="approximate size in MB (default 10)")
    ap.add_argument("--out", required=True, help="file to write")
    a = ap.parse_args()
    text = generate(int(a.mb * 1_000_000))
    json.loads(text)  # sanity: must be valid JSON
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, a.out)
    print("wrote %s (%.1f MB)" % (a.out, len(text.encode("utf-8")) / 1e6), file=sys.stderr)


if __name__ == "__main__":
    main()
