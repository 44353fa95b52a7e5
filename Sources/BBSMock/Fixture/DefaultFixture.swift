import Foundation

/// The state served when no `--fixture` is given: workspace `acme` with four repositories (`web` is
/// public), each with branches, tags, history, pull requests (at least one OPEN, with comments) and
/// pipelines; `api` and `web` have branch restrictions (`infra` and `docs` none), and some commits and
/// open pull requests carry build statuses (`api` #1 FAILED, `infra` #1 SUCCESSFUL). Written in the
/// fixture format, so `bbs-mock --print-default-fixture` is a starting point for custom fixtures.
public enum DefaultFixture {
    public static let text = #"""
    {
      "base_time": "2024-01-15T09:00:00Z",
      "users": [
        {"nickname": "alice", "display_name": "Alice Able", "email": "alice@example.com"},
        {"nickname": "bob", "display_name": "Bob Baker", "email": "bob@example.com"},
        {"nickname": "carol", "display_name": "Carol Chen", "email": "carol@example.com"}
      ],
      "workspaces": [
        {
          "slug": "acme", "name": "Acme Corp", "created_on": "2023-06-01T10:00:00Z",
          "projects": [
            {"key": "CORE", "name": "Core Platform"},
            {"key": "WEB", "name": "Web"},
            {"key": "OPS", "name": "Operations"}
          ],
          "repositories": [
            {
              "slug": "api", "description": "Public HTTP API of the Acme platform", "project": "CORE",
              "language": "go", "is_private": true, "created_on": "2024-01-15T09:00:00Z",
              "commits": [
                {"id": "a1", "author": "alice", "date": "2024-01-15T10:00:00Z", "message": "Initial commit",
                 "files": {"README.md": "# api\n\nThe Acme HTTP API.\n", "go.mod": "module acme.dev/api\n\ngo 1.22\n",
                           "main.go": "package main\n\nfunc main() {\n\tserve()\n}\n"}},
                {"id": "a2", "author": "bob", "date": "2024-01-16T11:30:00Z", "message": "Add health endpoint",
                 "files": {"internal/health/health.go": "package health\n\n// Ready reports readiness.\nfunc Ready() bool { return true }\n"}},
                {"id": "a3", "author": "alice", "date": "2024-01-17T09:15:00Z", "message": "Add CI pipeline",
                 "files": {"bitbucket-pipelines.yml": "pipelines:\n  default:\n    - step:\n        script:\n          - go test ./...\n"}},
                {"id": "a4", "author": "carol", "date": "2024-02-01T14:00:00Z", "branch": "develop", "parents": ["a3"],
                 "message": "Add request metrics", "files": {"internal/metrics/metrics.go": "package metrics\n"}},
                {"id": "a5", "author": "bob", "date": "2024-02-05T16:20:00Z", "branch": "feature/login", "parents": ["a3"],
                 "message": "Add login handler", "files": {"internal/auth/login.go": "package auth\n\nfunc Login() error { return nil }\n"}},
                {"id": "a6", "author": "bob", "date": "2024-02-06T10:05:00Z", "branch": "feature/login",
                 "message": "Test login handler", "files": {"internal/auth/login_test.go": "package auth\n"}},
                {"id": "a7", "author": "alice", "date": "2024-02-10T08:45:00Z", "branch": "main",
                 "message": "Document configuration\n\nExplains every environment variable.", "files": {"docs/config.md": "# Configuration\n\nSet `PORT`.\n"},
                 "statuses": [{"key": "ci", "state": "SUCCESSFUL", "name": "CI #3", "description": "12 tests passed",
                               "url": "https://ci.example.com/acme/api/3"}]},
                {"id": "a8", "author": "alice", "date": "2024-02-12T12:00:00Z", "branch": "release/1.0", "parents": ["a3"],
                 "message": "Release 1.0.1", "files": {"VERSION": "1.0.1\n"}}
              ],
              "tags": [
                {"name": "v1.0.0", "target": "a3", "message": "Release 1.0.0", "tagger": "alice"},
                {"name": "v1.0.1", "target": "a8"}
              ],
              "pullrequests": [
                {"id": 1, "title": "Add login", "source": "feature/login", "destination": "main", "author": "bob",
                 "description": "Adds a login handler and its tests.", "reviewers": ["alice"],
                 "created_on": "2024-02-06T11:00:00Z",
                 "statuses": [{"key": "ci", "state": "FAILED", "name": "CI #2", "description": "1 of 14 tests failed",
                               "url": "https://ci.example.com/acme/api/2"},
                              {"key": "lint", "state": "SUCCESSFUL", "name": "Lint"}],
                 "comments": [
                   {"author": "alice", "text": "Please add a test for the error path.", "created_on": "2024-02-06T12:00:00Z"},
                   {"author": "bob", "text": "Done in the latest commit.", "created_on": "2024-02-06T13:00:00Z"}
                 ]},
                {"id": 2, "title": "Add request metrics", "source": "develop", "destination": "main", "author": "carol",
                 "state": "DECLINED", "closed_by": "alice", "reason": "Superseded by the observability plan.",
                 "created_on": "2024-02-02T09:00:00Z", "updated_on": "2024-02-03T09:00:00Z"},
                {"id": 3, "title": "Document configuration", "source": "docs/config", "destination": "main", "author": "alice",
                 "state": "MERGED", "source_commit": "a7", "merge_commit": "a7", "closed_by": "bob", "approvals": ["bob"],
                 "close_source_branch": true, "created_on": "2024-02-09T09:00:00Z", "updated_on": "2024-02-10T08:45:00Z",
                 "comments": [{"author": "bob", "text": "LGTM"}]}
              ],
              "pipelines": [
                {"ref": "main", "commit": "a3", "creator": "alice", "result": "SUCCESSFUL", "created_on": "2024-01-17T09:16:00Z", "duration": 95},
                {"ref": "feature/login", "commit": "a6", "creator": "bob", "result": "FAILED", "created_on": "2024-02-06T10:06:00Z", "duration": 48},
                {"ref": "main", "commit": "a7", "creator": "alice", "result": "SUCCESSFUL", "created_on": "2024-02-10T08:46:00Z", "duration": 101}
              ],
              "branch_restrictions": [
                {"kind": "push", "pattern": "main", "users": ["alice"], "groups": ["maintainers"]},
                {"kind": "force", "pattern": "main"},
                {"kind": "require_approvals_to_merge", "pattern": "main", "value": 1},
                {"kind": "delete", "branch_match_kind": "branching_model", "branch_type": "release"}
              ],
              "default_reviewers": ["alice"],
              "hooks": [{"url": "https://ci.example.com/hooks/bitbucket", "description": "CI trigger",
                         "events": ["repo:push", "pullrequest:created"], "secret": "hook-secret"}],
              "variables": [{"key": "DEPLOY_ENV", "value": "staging"}, {"key": "API_TOKEN", "value": "s3cr3t", "secured": true}],
              "deployments": [{"environment": "Production", "pipeline": 3}]
            },
            {
              "slug": "web", "description": "Customer-facing web site", "project": "WEB", "language": "javascript",
              "is_private": false, "created_on": "2024-01-20T09:00:00Z",
              "commits": [
                {"id": "w1", "author": "carol", "date": "2024-01-20T10:00:00Z", "message": "Initial commit",
                 "files": {"README.md": "# web\n", "index.html": "<!doctype html>\n<title>Acme</title>\n",
                           "package.json": "{\"name\": \"acme-web\", \"version\": \"2.0.0\"}\n", "src/app.js": "console.log('acme')\n"}},
                {"id": "w2", "author": "carol", "date": "2024-01-22T15:00:00Z", "message": "Add styles",
                 "files": {"src/styles.css": "body { margin: 0 }\n"}},
                {"id": "w3", "author": "bob", "date": "2024-02-14T09:30:00Z", "branch": "feature/dark-mode",
                 "message": "Add dark mode", "files": {"src/dark.css": "body { background: #111 }\n"}}
              ],
              "tags": [{"name": "v2.0.0", "target": "w2", "message": "Web 2.0.0", "tagger": "carol"}],
              "pullrequests": [
                {"id": 1, "title": "Dark mode", "source": "feature/dark-mode", "author": "bob", "reviewers": ["carol"],
                 "approvals": ["carol"], "created_on": "2024-02-14T10:00:00Z",
                 "comments": [{"author": "carol", "text": "Nice. Does it respect prefers-color-scheme?"}]}
              ],
              "pipelines": [
                {"ref": "main", "commit": "w2", "creator": "carol", "result": "SUCCESSFUL", "created_on": "2024-01-22T15:01:00Z", "duration": 37}
              ],
              "branch_restrictions": [
                {"kind": "force", "pattern": "*"}
              ]
            },
            {
              "slug": "infra", "description": "Terraform for Acme's infrastructure", "project": "OPS", "language": "hcl",
              "is_private": true, "created_on": "2024-01-25T09:00:00Z",
              "commits": [
                {"id": "i1", "author": "alice", "date": "2024-01-25T10:00:00Z", "message": "Initial commit",
                 "files": {"README.md": "# infra\n", "main.tf": "terraform {\n  required_version = \">= 1.6\"\n}\n"}},
                {"id": "i2", "author": "alice", "date": "2024-01-26T10:00:00Z", "message": "Add DNS zone",
                 "files": {"dns.tf": "resource \"dns_zone\" \"acme\" {}\n"}},
                {"id": "i3", "author": "carol", "date": "2024-03-01T08:00:00Z", "branch": "hotfix/dns-ttl",
                 "message": "Lower DNS TTL", "files": {"dns.tf": "resource \"dns_zone\" \"acme\" { ttl = 60 }\n"}}
              ],
              "tags": [{"name": "2024.01", "target": "i2"}],
              "pullrequests": [
                {"id": 1, "title": "Lower DNS TTL before the migration", "source": "hotfix/dns-ttl", "author": "carol",
                 "created_on": "2024-03-01T08:30:00Z",
                 "statuses": [{"key": "terraform-plan", "state": "SUCCESSFUL", "name": "terraform plan",
                               "description": "1 to change"}],
                 "comments": [{"author": "alice", "text": "Remember to raise it again afterwards."}]}
              ],
              "pipelines": [
                {"ref": "main", "commit": "i2", "creator": "alice", "result": "SUCCESSFUL", "created_on": "2024-01-26T10:01:00Z", "duration": 120}
              ]
            },
            {
              "slug": "docs", "description": "Engineering handbook", "project": "CORE", "language": "",
              "is_private": true, "created_on": "2024-02-01T09:00:00Z",
              "commits": [
                {"id": "d1", "author": "bob", "date": "2024-02-01T10:00:00Z", "message": "Initial commit",
                 "files": {"README.md": "# Handbook\n", "onboarding.md": "# Onboarding\n"}},
                {"id": "d2", "author": "bob", "date": "2024-02-20T10:00:00Z", "branch": "fix/typos", "message": "Fix typos",
                 "files": {"onboarding.md": "# Onboarding\n\nWelcome!\n"}}
              ],
              "pullrequests": [
                {"id": 1, "title": "Fix typos", "source": "fix/typos", "author": "bob", "created_on": "2024-02-20T11:00:00Z",
                 "comments": [{"author": "alice", "text": "Thanks!"}]}
              ],
              "pipelines": [
                {"ref": "main", "commit": "d1", "creator": "bob", "result": "SUCCESSFUL", "created_on": "2024-02-01T10:01:00Z", "duration": 12}
              ]
            }
          ]
        }
      ]
    }
    """#

    public static func load(into state: MockState) throws {
        try FixtureLoader.load(try JSON.parse(text), into: state)
    }
}
