#!/usr/bin/env python3
"""Conformance check: bbs-mock's GET responses against Atlassian's OpenAPI document.

Usage: check_mock.py PATH/TO/bbs-mock [--spec PATH]

Starts the mock on a free loopback port, asks it for its route table (`--list-routes`), requests every
GET route with sample parameters from the default data set, and validates each 200 body against the
response schema the OpenAPI document gives for that operation ($ref resolved). It also checks that every
`links.*.href` is an absolute URL pointing back at the mock.

Four relaxations, because the published document is stricter than Bitbucket's real responses:
  * explicit nulls are dropped before validation (Bitbucket sends `null` for unset optional fields);
  * `additionalProperties: false` is ignored (real bodies carry fields the document omits, such as
    `links.branches` on a repository);
  * `discriminator` is ignored (jsonschema does not implement it; `type` is still checked as a string);
  * the pipeline link schemas do not inherit `object`'s required `type`: they derive from `object` in
    the document, but link objects (`{"href": ...}`) carry no `type` anywhere in the API.

The document is read from ../shared/reference/bitbucket-openapi.json relative to the repository root; when
it is absent the script prints `SKIP: ...` and exits 0.
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_SPEC = os.path.join(REPO_ROOT, "..", "shared", "reference", "bitbucket-openapi.json")
TOKEN = "conformance-token"
REPO = "acme/api"


def skip(message):
    print(f"SKIP: {message}")
    sys.exit(0)


def import_jsonschema():
    try:
        import jsonschema  # noqa: F401
        return jsonschema
    except ImportError:
        pass
    # A fresh machine may lack it; PyPI is reachable from this project's machines.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "jsonschema"], check=False)
    try:
        import jsonschema  # noqa: F401
        return jsonschema
    except ImportError:
        skip("python package jsonschema is not installed and could not be installed (pip install jsonschema)")


# Link schemas that the document derives from `object` (and so from its required `type`).
UNTYPED_LINK_SCHEMAS = ["pipelines_pipeline_links", "pipelines_links_section_href"]


def drop_object_base(components):
    for name in UNTYPED_LINK_SCHEMAS:
        schema = components["schemas"].get(name, {})
        if "allOf" in schema:
            schema["allOf"] = [part for part in schema["allOf"] if part.get("$ref") != "#/components/schemas/object"]


def relax(node):
    """Applies the two documented relaxations throughout the schema tree."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        node.pop("discriminator", None)
        for value in node.values():
            relax(value)
    elif isinstance(node, list):
        for value in node:
            relax(value)


def drop_nulls(node):
    """The body without explicit nulls: Bitbucket sends `null` for unset optional fields
    (`merge_commit`, `closed_by`, a participant's `state`, a rule's `value`, `parent`), which the
    document types as objects or strings; nulls are compared in compare_real.py instead."""
    if isinstance(node, dict):
        return {key: drop_nulls(value) for key, value in node.items() if value is not None}
    if isinstance(node, list):
        return [drop_nulls(value) for value in node]
    return node


def normalise(path):
    """Path template with parameter names erased, so `{name*}` and `{name}` compare equal."""
    parts = []
    for part in path.strip("/").split("/"):
        parts.append("{}" if part.startswith("{") else part)
    return "/" + "/".join(parts)


class Mock:
    def __init__(self, binary):
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--host", "127.0.0.1", "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise SystemExit(f"FAIL: bbs-mock did not start: {line!r} {self.process.stderr.read()}")
        self.base = line[len("listening on "):]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def send(self, method, path, body=None, content_type="application/json"):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = {"Authorization": f"Bearer {TOKEN}"}
        if data is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def create(self, method, path, body=None, content_type="application/json"):
        status, data = self.send(method, path, body, content_type)
        if status not in (200, 201):
            raise SystemExit(f"FAIL: sample setup {method} {path} returned {status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()

    def get_json(self, path):
        status, _, body = self.get(path)
        if status != 200:
            raise SystemExit(f"FAIL: sample lookup GET {path} returned {status}: {body[:300]!r}")
        return json.loads(body)


def samples(mock):
    """Concrete values for every path parameter, taken from the mock's own default data."""
    base = f"/2.0/repositories/{REPO}"
    branch = mock.get_json(f"{base}/refs/branches?q=name%3D%22main%22")["values"][0]
    tag = mock.get_json(f"{base}/refs/tags")["values"][0]
    pull_request = mock.get_json(f"{base}/pullrequests")["values"][0]
    comment = mock.get_json(f"{base}/pullrequests/{pull_request['id']}/comments")["values"][0]
    pipeline = mock.get_json(f"{base}/pipelines")["values"][0]
    status = mock.get_json(f"{base}/commit/{branch['target']['hash']}/statuses")["values"][0]
    quote = lambda text: urllib.request.quote(text, safe="")
    # What the default data lacks is made through the API first, so every GET has something to show.
    task = mock.create("POST", f"{base}/pullrequests/{pull_request['id']}/tasks", {"content": {"raw": "Check it"}})
    report_path = f"{base}/commit/{branch['target']['hash']}/reports/sample-report"
    report = mock.create("PUT", report_path, {"title": "Sample", "report_type": "TEST", "result": "PASSED"})
    mock.create("POST", report_path + "/annotations",
                [{"external_id": "sample-annotation", "annotation_type": "BUG", "summary": "x", "path": "main.go", "line": 1}])
    boundary = "conformance"
    upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"sample.txt\"\r\n\r\n"
              f"sample\r\n--{boundary}--\r\n").encode()
    mock.create("POST", f"{base}/downloads", upload, f"multipart/form-data; boundary={boundary}")
    workspace_hook = mock.create("POST", "/2.0/workspaces/acme/hooks", {"url": "https://example.com/h", "events": ["repo:push"]})
    workspace_variable = mock.create("POST", "/2.0/workspaces/acme/pipelines-config/variables", {"key": "SAMPLE", "value": "1"})
    commit_comment = mock.create("POST", f"{base}/commit/{branch['target']['hash']}/comments", {"content": {"raw": "Nice"}})
    hook = mock.get_json(f"{base}/hooks")["values"][0]
    step = mock.get_json(f"{base}/pipelines/{quote(pipeline['uuid'])}/steps")["values"][0]
    variable = mock.get_json(f"{base}/pipelines_config/variables")["values"][0]
    environment = mock.get_json(f"{base}/environments")["values"][0]
    deployment = mock.get_json(f"{base}/deployments")["values"][0]
    reviewer = mock.get_json(f"{base}/default-reviewers")["values"][0]
    member = mock.get_json("/2.0/workspaces/acme/members")["values"][0]["user"]
    project = mock.get_json("/2.0/workspaces/acme/projects")["values"][0]
    return {
        "spec": branch["target"]["hash"],
        "subject_type": "repository",
        "selected_user": quote(member["uuid"]),
        "member": quote(member["uuid"]),
        "selected_user_id": quote(member["uuid"]),
        "target_username": quote(reviewer["uuid"]),
        "project_key": project["key"],
        "uid": quote(hook["uuid"]),
        "_workspace_uid": quote(workspace_hook["uuid"]),
        "step_uuid": quote(step["uuid"]),
        "variable_uuid": quote(variable["uuid"]),
        "_workspace_variable_uuid": quote(workspace_variable["uuid"]),
        "environment_uuid": quote(environment["uuid"]),
        "deployment_uuid": quote(deployment["uuid"]),
        "reportId": quote(report["external_id"]),
        "annotationId": "sample-annotation",
        "filename": "sample.txt",
        "task_id": str(task["id"]),
        "_commit_comment_id": str(commit_comment["id"]),
        "workspace": "acme",
        "repo_slug": "api",
        "name": branch["name"],
        "revision": branch["name"],
        "commit": branch["target"]["hash"],
        "id": str(pull_request["id"]),
        "comment_id": str(comment["id"]),
        "pipeline_uuid": urllib.request.quote(pipeline["uuid"], safe=""),
        # `id` is also a branch restriction's: the default data numbers those from 1 too.
        "key": urllib.request.quote(status["key"], safe=""),
        # `path` is used for src: an empty path lists the root directory (JSON); files are raw bytes.
        "path": "",
        "_tag": tag["name"],
    }


def concrete(pattern, values):
    parts = []
    for part in pattern.strip("/").split("/"):
        if part.startswith("{"):
            name = part.strip("{}*")
            if name not in values:
                raise SystemExit(f"FAIL: no sample value for parameter {{{name}}} in {pattern}")
            if pattern.endswith("/refs/tags/{name*}") and name == "name":
                parts.append(values["_tag"])
            elif pattern.startswith("/2.0/workspaces/{workspace}/") and "_workspace_" + name in values:
                parts.append(values["_workspace_" + name])
            elif "/commit/{commit}/comments/" in pattern and name == "comment_id":
                parts.append(values["_commit_comment_id"])
            else:
                parts.append(values[name])
        else:
            parts.append(part)
    path = "/" + "/".join(parts)
    if "/filehistory/" in pattern:
        return path + "README.md"
    return path + "/" if pattern.endswith("{path*}") else path


def check_links(node, base, where, problems):
    if isinstance(node, dict):
        links = node.get("links")
        if isinstance(links, dict):
            for rel, link in links.items():
                for item in link if isinstance(link, list) else [link]:
                    href = item.get("href") if isinstance(item, dict) else None
                    if href is None or (rel == "clone" and item.get("name") == "ssh"):
                        continue
                    if not href.startswith(base + "/"):
                        problems.append(f"{where}.links.{rel}: {href} does not point at {base}")
        for key, value in node.items():
            check_links(value, base, f"{where}.{key}", problems)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            check_links(value, base, f"{where}[{index}]", problems)


# Links that name an action (POST/DELETE only, on Bitbucket too), so a GET of them is not expected to work.
ACTION_LINKS = {"approve", "request-changes", "merge", "decline"}


def api_links(node, base, found):
    """Every API `links.*.href` (under BASE/2.0/) in a body, with its relation name."""
    if isinstance(node, dict):
        links = node.get("links")
        if isinstance(links, dict):
            for rel, link in links.items():
                for item in link if isinstance(link, list) else [link]:
                    href = item.get("href") if isinstance(item, dict) else None
                    if href and href.startswith(base + "/2.0/") and rel not in ACTION_LINKS:
                        found.setdefault(href, rel)
        for value in node.values():
            api_links(value, base, found)
    elif isinstance(node, list):
        for value in node:
            api_links(value, base, found)


# Served routes whose scopes differ from the document's on purpose.
KNOWN_SCOPE_DEVIATIONS = {
    "GET /2.0/workspaces/{workspace}":
        "the document names no OAuth scope here; the mock asks `account`, as for GET /workspaces",
    "POST /2.0/repositories/{workspace}/{repo_slug}/pipelines":
        "the document asks only `pipeline`; Bitbucket's scope guide (and bbs's docs) say running a pipeline needs pipeline:write",
}


def spec_scopes(operation):
    legacy = [scope for entry in operation.get("security", []) for scope in entry.get("oauth2", [])]
    granular = [scope for entry in operation.get("x-atlassian-oauth2-scopes", [])[:1] for scope in entry.get("scopes", [])]
    return legacy, granular


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", help="path to the bbs-mock executable")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="OpenAPI document (default: %(default)s)")
    args = parser.parse_args()

    spec_path = os.path.abspath(args.spec)
    if not os.path.exists(spec_path):
        skip(f"OpenAPI document not found at {spec_path}")
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"FAIL: {args.binary} is not an executable bbs-mock")
    jsonschema = import_jsonschema()

    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    components = copy.deepcopy(spec["components"])
    relax(components)
    drop_object_base(components)
    spec_paths = {normalise("/2.0" + path): operations for path, operations in spec["paths"].items()}

    routes = subprocess.run([args.binary, "--list-routes"], capture_output=True, text=True, check=True).stdout
    get_patterns = [line.split("\t")[0].split(" ", 1)[1] for line in routes.splitlines() if line.startswith("GET ")]

    # Every served route is a real operation, with the document's scopes.
    served = set()
    scope_failures = 0
    for line in routes.splitlines():
        operation_name, legacy, granular = (line.split("\t") + ["", ""])[:3]
        method, pattern = operation_name.split(" ", 1)
        served.add((method.lower(), normalise(pattern)))
        operation = spec_paths.get(normalise(pattern), {}).get(method.lower())
        if operation is None:
            print(f"FAIL {operation_name}: no such operation in the OpenAPI document")
            scope_failures += 1
            continue
        want_legacy, want_granular = spec_scopes(operation)
        got_granular = [scope for scope in granular.split(",") if scope]
        if operation_name in KNOWN_SCOPE_DEVIATIONS:
            print(f"DEVIATION {operation_name}: {KNOWN_SCOPE_DEVIATIONS[operation_name]}")
            continue
        if (legacy and legacy not in want_legacy) or (not legacy and want_legacy) or sorted(got_granular) != sorted(want_granular):
            print(f"FAIL {operation_name}: scopes {legacy or '-'} / {got_granular}, document {want_legacy} / {want_granular}")
            scope_failures += 1
    unserved = sorted(f"{method.upper()} {path}" for path, operations in spec_paths.items() for method in operations
                      if method in ("get", "post", "put", "delete", "patch") and (method, path) not in served)
    total = len(served) + len(unserved)
    print(f"routes: {len(served)} served, {len(unserved)} of the document's {total} operations answered with 501")

    mock = Mock(args.binary)
    passed, failed = 0, scope_failures
    links = {}
    try:
        values = samples(mock)
        for pattern in get_patterns:
            label = f"GET {pattern}"
            operation = spec_paths.get(normalise(pattern), {}).get("get")
            if operation is None:
                print(f"FAIL {label}: no such operation in the OpenAPI document")
                failed += 1
                continue
            schema = (operation.get("responses", {}).get("200", {}).get("content", {})
                      .get("application/json", {}).get("schema"))
            path = concrete(pattern, values)
            status, content_type, body = mock.get(path)
            if status != 200:
                print(f"FAIL {label}: GET {path} returned {status}: {body[:200]!r}")
                failed += 1
                continue
            if schema is None:
                print(f"PASS {label} (200; the document gives no JSON schema)")
                passed += 1
                continue
            if "application/json" not in content_type:
                print(f"FAIL {label}: expected JSON, got {content_type}")
                failed += 1
                continue
            document = json.loads(body)
            root = {"allOf": [schema], "components": components}
            validator = jsonschema.Draft7Validator(root)
            problems = [
                f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message[:200]}"
                for error in validator.iter_errors(drop_nulls(document))
            ]
            check_links(document, mock.base, "body", problems)
            api_links(document, mock.base, links)
            if problems:
                print(f"FAIL {label} ({schema.get('$ref', 'inline schema')}):")
                for problem in problems[:15]:
                    print(f"    {problem}")
                failed += 1
            else:
                print(f"PASS {label} ({schema.get('$ref', 'inline schema').split('/')[-1]})")
                passed += 1
        # Every API link the mock emitted leads to something on the mock itself.
        for href, rel in sorted(links.items()):
            status, _, body = mock.get(href[len(mock.base):])
            if status == 200:
                passed += 1
            else:
                print(f"FAIL link {rel} {href}: {status} {body[:200]!r}")
                failed += 1
        print(f"links: {len(links)} distinct API links followed")
    finally:
        mock.stop()
    print(f"conformance: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
