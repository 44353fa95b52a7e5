#!/usr/bin/env python3
"""Checks bitbucket-pipelines.yml files against the structure Atlassian documents.

  check_pipelines_yaml.py FILE...    a .yml file, or a Markdown file whose ```yaml blocks that
                                     start with "# bitbucket-pipelines.yml" are checked

Source of the rules (no network here, so no published JSON schema was fetched): Atlassian's
"Configure bitbucket-pipelines.yml" reference, https://support.atlassian.com/bitbucket-cloud/docs/
pages configure-your-pipeline (global options), steps (step options: `script` required; the
allowed child properties), parallel-step-options (`parallel:` as a list of steps or as
`steps:` + `fail-fast`), stage-options, pipeline-start-conditions (default, branches, tags,
bookmarks, pull-requests, custom), git-clone-behavior, docker-image-options and
cache-and-service-container-definitions. Unknown keys are errors, as Pipelines rejects them.

Prints one line per problem (`FILE: block N: path: problem`) and exits 1 if there is any.
"""
import re
import sys

import yaml

TOP_LEVEL = {"image", "clone", "definitions", "options", "pipelines", "export"}
START_CONDITIONS = {"default", "branches", "tags", "bookmarks", "pull-requests", "custom"}
STEP_KEYS = {"script", "after-script", "artifacts", "caches", "clone", "condition", "deployment",
             "fail-fast", "image", "max-time", "name", "oidc", "runs-on", "runtime", "services",
             "size", "trigger"}
IMAGE_KEYS = {"name", "username", "password", "email", "run-as-user", "aws"}
CLONE_KEYS = {"depth", "enabled", "lfs", "skip-ssl-verify", "strategy", "filter", "tags"}
OPTIONS_KEYS = {"docker", "max-time", "size", "runtime"}
DEFINITIONS_KEYS = {"caches", "services", "steps", "pipelines"}
STAGE_KEYS = {"name", "steps", "deployment", "trigger", "condition"}
SIZES = {"1x", "2x", "4x", "8x", "16x", "32x"}


class Checker:
    def __init__(self):
        self.problems = []

    def problem(self, path, text):
        self.problems.append(f"{path}: {text}")

    def mapping(self, value, path, allowed, required=()):
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping, not {type(value).__name__}")
            return False
        for key in value:
            if key not in allowed:
                self.problem(path, f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")
        missing = [key for key in required if key not in value]
        for key in missing:
            self.problem(path, f"'{key}' is required")
        return not missing

    def string_list(self, value, path, allow_pipes=False):
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list")
            return
        for i, item in enumerate(value):
            if isinstance(item, str):
                continue
            if allow_pipes and isinstance(item, dict) and "pipe" in item:
                self.mapping(item, f"{path}[{i}]", {"pipe", "variables"}, ["pipe"])
                continue
            self.problem(f"{path}[{i}]", f"must be a string{' or a pipe' if allow_pipes else ''}")

    def image(self, value, path):
        if isinstance(value, str):
            return
        self.mapping(value, path, IMAGE_KEYS, ["name"])

    def configuration(self, document):
        if not self.mapping(document, "(top)", TOP_LEVEL, ["pipelines"]):
            return
        if "image" in document:
            self.image(document["image"], "image")
        if "clone" in document:
            self.mapping(document["clone"], "clone", CLONE_KEYS)
        if "options" in document:
            self.options(document["options"], "options")
        if "definitions" in document and self.mapping(document["definitions"], "definitions", DEFINITIONS_KEYS):
            for i, item in enumerate(document["definitions"].get("steps") or []):
                self.item(item, f"definitions.steps[{i}]")
        self.pipelines(document["pipelines"], "pipelines")

    def options(self, value, path):
        if self.mapping(value, path, OPTIONS_KEYS):
            if "max-time" in value and not isinstance(value["max-time"], int):
                self.problem(f"{path}.max-time", "must be a number of minutes")
            if "size" in value and value["size"] not in SIZES:
                self.problem(f"{path}.size", f"must be one of {sorted(SIZES)}")

    def pipelines(self, value, path):
        if not self.mapping(value, path, START_CONDITIONS):
            return
        if not value:
            self.problem(path, "needs at least one start condition")
        for condition, body in value.items():
            if condition not in START_CONDITIONS:
                continue
            if condition == "default":
                self.items(body, f"{path}.default")
            elif not isinstance(body, dict) or not body:
                self.problem(f"{path}.{condition}", "must map branch, tag or pipeline names to lists of steps")
            else:
                for pattern, items in body.items():
                    self.items(items, f"{path}.{condition}.{pattern}")

    def items(self, value, path):
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list of steps, parallel groups or stages")
            return
        for i, item in enumerate(value):
            if i == 0 and isinstance(item, dict) and set(item) == {"variables"} and ".custom." in path:
                continue
            self.item(item, f"{path}[{i}]")

    def item(self, value, path):
        if not isinstance(value, dict) or len(value) != 1:
            self.problem(path, "must be a mapping with exactly one of step, parallel, stage")
            return
        kind, body = next(iter(value.items()))
        if kind == "step":
            self.step(body, f"{path}.step")
        elif kind == "parallel":
            self.parallel(body, f"{path}.parallel")
        elif kind == "stage":
            if self.mapping(body, f"{path}.stage", STAGE_KEYS, ["steps"]):
                for i, step in enumerate(body.get("steps") or []):
                    if not (isinstance(step, dict) and set(step) == {"step"}):
                        self.problem(f"{path}.stage.steps[{i}]", "must be a step")
                    else:
                        self.step(step["step"], f"{path}.stage.steps[{i}].step")
        else:
            self.problem(path, f"unknown item '{kind}' (allowed: step, parallel, stage)")

    def parallel(self, value, path):
        steps = value
        if isinstance(value, dict):
            if not self.mapping(value, path, {"steps", "fail-fast"}, ["steps"]):
                return
            steps, path = value["steps"], f"{path}.steps"
        if not isinstance(steps, list) or not steps:
            self.problem(path, "must list steps")
            return
        for i, step in enumerate(steps):
            if not (isinstance(step, dict) and set(step) == {"step"}):
                self.problem(f"{path}[{i}]", "must be a step")
            else:
                self.step(step["step"], f"{path}[{i}].step")

    def step(self, value, path):
        if not self.mapping(value, path, STEP_KEYS, ["script"]):
            return
        self.string_list(value["script"], f"{path}.script", allow_pipes=True)
        if "after-script" in value:
            self.string_list(value["after-script"], f"{path}.after-script", allow_pipes=True)
        if "name" in value and not isinstance(value["name"], str):
            self.problem(f"{path}.name", "must be a string")
        if "image" in value:
            self.image(value["image"], f"{path}.image")
        if "caches" in value:
            self.string_list(value["caches"], f"{path}.caches")
        if "services" in value:
            self.string_list(value["services"], f"{path}.services")
        if "artifacts" in value:
            artifacts = value["artifacts"]
            if isinstance(artifacts, dict):
                if self.mapping(artifacts, f"{path}.artifacts", {"download", "paths", "upload"}) and "paths" in artifacts:
                    self.string_list(artifacts["paths"], f"{path}.artifacts.paths")
            else:
                self.string_list(artifacts, f"{path}.artifacts")
        if "trigger" in value and value["trigger"] not in ("manual", "automatic"):
            self.problem(f"{path}.trigger", "must be manual or automatic")
        if "size" in value and value["size"] not in SIZES:
            self.problem(f"{path}.size", f"must be one of {sorted(SIZES)}")
        if "max-time" in value and not isinstance(value["max-time"], int):
            self.problem(f"{path}.max-time", "must be a number of minutes")
        if "clone" in value:
            self.mapping(value["clone"], f"{path}.clone", CLONE_KEYS)


def blocks(path):
    """The pipelines files in PATH: the file itself, or the marked yaml blocks of a Markdown file."""
    text = open(path, encoding="utf-8").read()
    if not path.endswith(".md"):
        return [text]
    found = re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M)
    return [b for b in found if b.startswith("# bitbucket-pipelines.yml")]


def main(paths):
    failed = False
    for path in paths:
        found = blocks(path)
        if not found:
            print(f"{path}: no bitbucket-pipelines.yml found")
            failed = True
        for n, block in enumerate(found, 1):
            checker = Checker()
            try:
                checker.configuration(yaml.safe_load(block))
            except yaml.YAMLError as error:
                checker.problem("(yaml)", str(error).replace("\n", " "))
            for line in checker.problems:
                print(f"{path}: block {n}: {line}")
            failed = failed or bool(checker.problems)
        if found and not failed:
            print(f"{path}: {len(found)} bitbucket-pipelines.yml ok")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: check_pipelines_yaml.py FILE...")
    sys.exit(main(sys.argv[1:]))
