#!/usr/bin/env python3
"""Key-by-key comparison of bbs-mock's responses with real Bitbucket Cloud responses.

Usage: compare_real.py PATH/TO/bbs-mock [--samples DIR]

The samples are responses that public Bitbucket clients recorded for their own tests (see SOURCES.md in
the samples directory, by default ../shared/reference/real-responses relative to the repository root).
For each sample below, the script asks the mock (default data) for the same route and compares
structure, not values: every key the real response has must be in the mock's (recursively; lists are
compared through their first element), with the same JSON type where both are not null. Keys only the
mock has are fine (real bodies differ by account and age). Known drift is listed in KNOWN_DRIFT with a
reason; a listed difference that no longer occurs is reported too, so the list stays honest.

When the samples are absent the script prints `SKIP: ...` and exits 0.
"""

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_SAMPLES = os.path.join(REPO_ROOT, "..", "shared", "reference", "real-responses")
TOKEN = "conformance-token"
READ_ONLY = "conformance-read-only"
API = "/2.0/repositories/acme/api"

# sample file -> (method, mock path (a `{name}` is filled from the mock's own data, see `lookups`),
# what to compare). "what": "body" (the whole body), "first" (first element of `values` on both
# sides), "element" (the sample is one item; the mock's first item of `values`), "error" (the error
# envelope), "activity:KIND" (the mock's first activity entry of that kind). A method ending in
# `:read-only` uses a token with only `repository`.
SAMPLES = [
    ("jenkins/2.0-repositories-amuniz-test-repos.json", "GET", API, "body"),
    ("jenkins/getRepositoryPayload.json", "GET", API, "body"),
    ("branow-mcp-bitbucket/server_testdata_bitbucket_repository.json", "GET", API, "body"),
    ("gildas-bitbucket-cli/repository.json", "GET", API, "body"),
    ("branow-mcp-bitbucket/server_testdata_bitbucket_repositories.json", "GET", "/2.0/repositories/acme", "first"),
    ("jenkins/2.0-repositories-amuniz-test-repos-refs-branches-master.json", "GET", API + "/refs/branches/main", "body"),
    ("gildas-bitbucket-cli/branch.json", "GET", API + "/refs/branches/main", "body"),
    ("jenkins/2.0-repositories-amuniz-test-repos-refs-branches_pagelen_100.json", "GET", API + "/refs/branches?pagelen=100", "first"),
    ("jenkins/2.0-repositories-amuniz-test-repos-refs-tags-v0.0.0.json", "GET", API + "/refs/tags/v1.0.0", "body"),
    ("gildas-bitbucket-cli/tags.json", "GET", API + "/refs/tags", "first"),
    ("jenkins/2.0-repositories-amuniz-test-repos-commit-174561d625c9.json", "GET", API + "/commit/main", "body"),
    ("gildas-bitbucket-cli/commit.json", "GET", API + "/commit/main", "body"),
    ("jenkins/2.0-repositories-amuniz-test-repos-commits_include_feature_2Fdiffstat_exclude_174561d.json", "GET",
     API + "/commits?include=feature/login&exclude=main", "first"),
    ("jenkins/2.0-repositories-amuniz-test-repos-commit-046d9a3c1532acf4cf08fe93235c00e4d673c1d2-statuses-build.json", "GET",
     API + "/commit/main/statuses/build/ci", "body"),
    ("jenkins/2.0-repositories-amuniz-test-repos-pullrequests-1.json", "GET", API + "/pullrequests/1", "body"),
    ("gildas-bitbucket-cli/pullrequest.json", "GET", API + "/pullrequests/1", "body"),
    ("branow-mcp-bitbucket/server_testdata_bitbucket_pull-request.json", "GET", API + "/pullrequests/1", "body"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pullrequests_1_GET.json", "GET", API + "/pullrequests/1", "body"),
    ("jenkins/2.0-repositories-amuniz-test-repos-pullrequests_pagelen_50.json", "GET", API + "/pullrequests?pagelen=50", "first"),
    ("branow-mcp-bitbucket/server_testdata_bitbucket_pull-request-comments.json", "GET", API + "/pullrequests/1/comments", "first"),
    ("branow-mcp-bitbucket/server_testdata_bitbucket_pull-request-commits.json", "GET", API + "/pullrequests/1/commits", "first"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pullrequests_1_tasks_GET.json", "GET",
     API + "/pullrequests/1/tasks", "first"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pullrequests_1_request-changes_POST.json", "POST",
     API + "/pullrequests/1/request-changes", "body"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pullrequests_1_approve_POST.json", "POST",
     API + "/pullrequests/1/approve", "body"),
    ("gildas-bitbucket-cli/activity-comment.json", "GET", API + "/pullrequests/1/activity", "activity:comment"),
    ("gildas-bitbucket-cli/activity-approval.json", "GET", API + "/pullrequests/1/activity", "activity:approval"),
    ("gildas-bitbucket-cli/activity-update.json", "GET", API + "/pullrequests/1/activity", "activity:update"),
    ("jenkins/2.0-repositories-amuniz-test-repos-diffstat-feature_2Fdiffstat..174561d.json", "GET",
     API + "/diffstat/feature/login..main", "first"),
    ("jenkins/2.0-repositories-amuniz-test-repos-hooks.json", "GET", API + "/hooks/{hook}", "body"),
    ("jenkins/2.0-repositories-amuniz-test-repos-hooks_pagelen_100.json", "GET", API + "/hooks?pagelen=100", "first"),
    ("jenkins/2.0-repositories-amuniz-test-repos-src-master-folder_2Ffile.properties_format_meta.json", "GET",
     API + "/src/main/README.md?format=meta", "body"),
    ("branow-mcp-bitbucket/server_testdata_bitbucket_repository-source.json", "GET", API + "/src/main/", "first"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_branch-restrictions_GET.json", "GET",
     API + "/branch-restrictions", "first"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_default-reviewers_GET.json", "GET",
     API + "/default-reviewers", "first"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pipelines_{PipelineUuid}_GET.json", "GET",
     API + "/pipelines/1", "body"),
    ("gildas-bitbucket-cli/pipeline.json", "GET", API + "/pipelines/1", "body"),
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pipelines_{PipelineUuid}_steps_GET.json", "GET",
     API + "/pipelines/1/steps", "first"),
    ("gildas-bitbucket-cli/pipeline-step.json", "GET", API + "/pipelines/1/steps/{step}", "body"),
    ("atlassian-python-api/workspaces_TestWorkspace1_GET.json", "GET", "/2.0/workspaces/acme", "body"),
    ("gildas-bitbucket-cli/workspace.json", "GET", "/2.0/workspaces/acme", "body"),
    ("gildas-bitbucket-cli/workspace-access.json", "GET", "/2.0/user/workspaces", "element"),
    ("jenkins/2.0-user.json", "GET", "/2.0/user", "body"),
    ("gildas-bitbucket-cli/error-noapi.json", "GET", "/2.0/no-such-api", "error"),
    ("branow-mcp-bitbucket/bitbucket_client_testdata_repository_mock_404.json", "GET", "/2.0/repositories/acme/nope", "error"),
    ("branow-mcp-bitbucket/bitbucket_client_testdata_repository_list_mock_404.json", "GET", "/2.0/repositories/nope", "error"),
    ("branow-mcp-bitbucket/bitbucket_client_testdata_repository_list_mock_400.json", "GET", "/2.0/repositories/acme?page=0", "error"),
    ("gildas-bitbucket-cli/error-privileges.json", "GET:read-only", "/2.0/workspaces/acme/members", "error"),
    ("gildas-bitbucket-cli/error-badrequest-nobranch.json", "POST", API + "/pullrequests", "error"),
]

# (sample file, key path) -> why the mock differs. Paths use `.` and `[]` for a list's first element.
GDPR = "removed from Bitbucket's account objects in 2019 (GDPR); the sample predates it"
TEAM_OWNER = "the sample's repository is owned by a personal account; acme is a team workspace, whose owner has `username`"
FULL_ACCOUNT = "this sample embeds a full account (created_on, account_status, kind) where Bitbucket usually embeds the short form"
KNOWN_DRIFT = {
    ("jenkins/2.0-user.json", "is_staff"): "a 2019 user sample; /user of the mock answers for the token's bot (an app_user)",
    ("jenkins/2.0-user.json", "website"): GDPR,
    ("jenkins/2.0-user.json", "links.hooks"): "a 2019 sample; accounts no longer link hooks",
    ("jenkins/2.0-user.json", "links.repositories"): "a 2019 sample; accounts no longer link repositories",
    ("jenkins/2.0-user.json", "links.snippets"): "a 2019 sample; accounts no longer link snippets",
    ("jenkins/2.0-repositories-amuniz-test-repos.json", "owner.account_id"): TEAM_OWNER,
    ("jenkins/getRepositoryPayload.json", "owner.account_id"): TEAM_OWNER,
    ("jenkins/getRepositoryPayload.json", "owner.nickname"): TEAM_OWNER,
    ("gildas-bitbucket-cli/repository.json", "owner.account_id"): TEAM_OWNER,
    ("gildas-bitbucket-cli/repository.json", "owner.nickname"): TEAM_OWNER,
    ("gildas-bitbucket-cli/repository.json", "links.issues"):
        "only repositories with the issue tracker link it; the mock serves no issue tracker (501)",
    ("gildas-bitbucket-cli/tags.json", "target.author.user.created_on"): FULL_ACCOUNT,
    ("gildas-bitbucket-cli/tags.json", "target.author.user.account_status"): FULL_ACCOUNT,
    ("gildas-bitbucket-cli/tags.json", "target.author.user.kind"): FULL_ACCOUNT,
    ("gildas-bitbucket-cli/pullrequest.json", "author.created_on"): FULL_ACCOUNT,
    ("gildas-bitbucket-cli/pullrequest.json", "author.account_status"): FULL_ACCOUNT,
    ("gildas-bitbucket-cli/pullrequest.json", "author.kind"): FULL_ACCOUNT,
    ("jenkins/2.0-repositories-amuniz-test-repos-pullrequests-1.json", "author.username"): GDPR,
    ("branow-mcp-bitbucket/server_testdata_bitbucket_pull-request-comments.json", "user.username"): GDPR,
    ("gildas-bitbucket-cli/activity-comment.json", "comment.inline"):
        "the sample's comment is an inline one; the default data's comments are general (inline comments are tested in ReachTests)",
    ("atlassian-python-api/repositories_TestWorkspace1_testrepository1_pipelines_{PipelineUuid}_GET.json", "state.result.terminator"):
        "the sample is a STOPPED pipeline; the mock names the terminator of pipelines stopped through stopPipeline only",
}


def skip(message):
    print(f"SKIP: {message}")
    sys.exit(0)


def load_sample(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    # atlassian-python-api stores {query-or-body: response}; the first entry is the response.
    if os.path.basename(os.path.dirname(path)) == "atlassian-python-api" and isinstance(data, dict):
        data = next(iter(data.values()))
    return data


def kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compare(real, mock, path, problems):
    if real is None or mock is None:
        return
    if kind(real) != kind(mock):
        problems.append((path or "<root>", f"type {kind(mock)}, real {kind(real)}"))
        return
    if isinstance(real, dict):
        for key, value in real.items():
            child = f"{path}.{key}" if path else key
            if key not in mock:
                problems.append((child, "missing"))
            else:
                compare(value, mock[key], child, problems)
    elif isinstance(real, list) and real and mock:
        compare(real[0], mock[0], path + "[]", problems)


class Mock:
    def __init__(self, binary):
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--host", "127.0.0.1", "--token", TOKEN, "--token", f"{READ_ONLY}:repository"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise SystemExit(f"FAIL: bbs-mock did not start: {line!r}")
        self.base = line[len("listening on "):]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def request(self, method, path, token=TOKEN, body=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--samples", default=DEFAULT_SAMPLES)
    args = parser.parse_args()
    samples = os.path.abspath(args.samples)
    if not os.path.isdir(samples):
        skip(f"real responses not found at {samples}")

    mock = Mock(args.binary)
    passed, failed = 0, 0
    seen_drift = set()
    try:
        # What the default data lacks is made first, and ids the samples' paths need are looked up.
        mock.request("POST", API + "/pullrequests/1/tasks", body={"content": {"raw": "Check the error path"}})
        lookups = {
            "hook": urllib.parse.quote(json.loads(mock.request("GET", API + "/hooks")[1])["values"][0]["uuid"], safe=""),
            "step": urllib.parse.quote(json.loads(mock.request("GET", API + "/pipelines/1/steps")[1])["values"][0]["uuid"], safe=""),
        }
        for name, method, path, what in SAMPLES:
            path = path.format(**lookups) if "{" in path else path
            file = os.path.join(samples, name)
            if not os.path.exists(file):
                print(f"FAIL {name}: sample missing")
                failed += 1
                continue
            real = load_sample(file)
            token = READ_ONLY if method.endswith(":read-only") else TOKEN
            verb = method.split(":")[0]
            body = {"title": "x", "source": {"branch": {"name": "dummy"}}} if verb == "POST" and what == "error" else None
            status, data = mock.request(verb, path, token, body)
            if what == "error":
                if status < 400:
                    print(f"FAIL {name}: {verb} {path} returned {status}, expected an error")
                    failed += 1
                    continue
            elif status not in (200, 201):
                print(f"FAIL {name}: {verb} {path} returned {status}: {data[:200]!r}")
                failed += 1
                continue
            mine = json.loads(data) if data else None
            if what == "element":
                mine = (mine.get("values") or [None])[0]
            elif what == "first":
                real = (real.get("values") or [None])[0]
                mine = (mine.get("values") or [None])[0]
                if real is None or mine is None:
                    print(f"FAIL {name}: nothing to compare (real {real is not None}, mock {mine is not None})")
                    failed += 1
                    continue
            elif what.startswith("activity:"):
                entry = what.split(":", 1)[1]
                mine = next((value for value in mine.get("values", []) if entry in value), None)
                if mine is None:
                    print(f"FAIL {name}: the mock's activity has no {entry} entry")
                    failed += 1
                    continue
            problems = []
            compare(real, mine, "", problems)
            open_problems = []
            for key_path, problem in problems:
                if (name, key_path) in KNOWN_DRIFT:
                    seen_drift.add((name, key_path))
                else:
                    open_problems.append((key_path, problem))
            if open_problems:
                print(f"FAIL {name} ({verb} {path}):")
                for key_path, problem in open_problems:
                    print(f"    {key_path}: {problem}")
                failed += 1
            else:
                print(f"PASS {name}")
                passed += 1
    finally:
        mock.stop()
    for name, key_path in sorted(set(KNOWN_DRIFT) - seen_drift):
        print(f"FAIL known drift no longer seen, remove it from KNOWN_DRIFT: {name} {key_path}")
        failed += 1
    for (name, key_path), reason in sorted(KNOWN_DRIFT.items()):
        if (name, key_path) in seen_drift:
            print(f"DRIFT {name} {key_path}: {reason}")
    print(f"real responses: {passed} passed, {failed} failed, {len(seen_drift)} known drifts")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
