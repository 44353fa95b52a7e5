import Foundation

/// Webhooks on repositories and workspaces (stored, listed and edited; the mock never calls them) and the
/// catalogue of events they can subscribe to.
enum HookRoutes {
    static let repositoryBase = RepositoryRoutes.repositoryPath + "/hooks"
    static let workspaceBase = "/2.0/workspaces/{workspace}/hooks"

    static let routes: [Route] = [
        Route("GET", "/2.0/hook_events", scope: .unscoped, anonymous: true) { context in
            let origin = context.renderer.api
            return context.json([
                "repository": ["links": ["events": context.renderer.link("\(origin)/hook_events/repository")]],
                "workspace": ["links": ["events": context.renderer.link("\(origin)/hook_events/workspace")]],
            ])
        },
        Route("GET", "/2.0/hook_events/{subject_type}", scope: .unscoped, anonymous: true) { context in
            let subject = context.parameter("subject_type")
            guard let names = HookRoutes.events[subject] else {
                throw APIError.notFound("Unknown subject type \(subject); use repository or workspace.")
            }
            return context.json(try Pagination(context.request, defaultLength: 50).numberedPage(of: names) { event in
                let category = event.split(separator: ":").first.map { $0 == "repo" ? "Repository" : $0 == "pullrequest" ? "Pull Request" : "Issue" } ?? ""
                let label = event.split(separator: ":").last.map { $0.replacingOccurrences(of: "_", with: " ").capitalized } ?? event
                return ["type": "hook_event", "event": .string(event), "category": .string(category),
                        "label": .string(label), "description": .string("\(category) \(label.lowercased())")]
            })
        },
    ] + subjectRoutes(repositoryBase, subject: repositorySubject) + subjectRoutes(workspaceBase, subject: workspaceSubject)

    static let repositoryEvents = [
        "issue:comment_created", "issue:created", "issue:updated", "project:updated", "pullrequest:approved",
        "pullrequest:changes_request_created", "pullrequest:changes_request_removed", "pullrequest:comment_created",
        "pullrequest:comment_deleted", "pullrequest:comment_reopened", "pullrequest:comment_resolved",
        "pullrequest:comment_updated", "pullrequest:created", "pullrequest:fulfilled", "pullrequest:push",
        "pullrequest:rejected", "pullrequest:unapproved", "pullrequest:updated", "repo:commit_comment_created",
        "repo:commit_status_created", "repo:commit_status_updated", "repo:created", "repo:deleted", "repo:fork",
        "repo:imported", "repo:push", "repo:transfer", "repo:updated",
    ]
    static let events: [String: [String]] = ["repository": repositoryEvents, "workspace": repositoryEvents]

    /// Where a subject keeps its hooks, and how it renders as `subject`.
    struct Subject {
        var type: String
        var read: (RouteContext) throws -> [MockWebhook]
        var write: (RouteContext, [MockWebhook]) throws -> Void
        var render: (RouteContext) throws -> (subject: JSON, selfBase: String)
    }

    static let repositorySubject = Subject(
        type: "repository",
        read: { try $0.repository().hooks },
        write: { context, hooks in try context.repository().hooks = hooks },
        render: { context in
            let repository = try context.repository()
            return (context.renderer.condensedRepository(repository), context.renderer.repositoryAPI(repository) + "/hooks")
        })

    static let workspaceSubject = Subject(
        type: "workspace",
        read: { context in
            let workspace = try WorkspaceRoutes.workspace(context)
            return context.state.workspaceHooks[workspace.slug] ?? []
        },
        write: { context, hooks in context.state.workspaceHooks[try WorkspaceRoutes.workspace(context).slug] = hooks },
        render: { context in
            let workspace = try WorkspaceRoutes.workspace(context)
            return (context.renderer.condensedWorkspace(workspace.slug), "\(context.renderer.api)/workspaces/\(workspace.slug)/hooks")
        })

    static func subjectRoutes(_ base: String, subject: Subject) -> [Route] {
        [
            Route("GET", base, scope: .webhook) { context in
                let hooks = try subject.read(context)
                let rendered = try hooks.map { try render($0, subject: subject, context: context) }
                return context.json(try Pagination(context.request).numberedPage(try filterAndSort(rendered, request: context.request)))
            },
            Route("POST", base, scope: .webhookWrite) { context in
                var hooks = try subject.read(context)
                let hook = try apply(try context.jsonBody(), to: MockWebhook(
                    uuid: context.state.newUUID("hook"), url: "", description: "", active: true, events: [],
                    createdAt: context.now, secret: nil, skipCertVerification: false), creating: true)
                hooks.append(hook)
                try subject.write(context, hooks)
                var response = context.json(try render(hook, subject: subject, context: context), status: 201)
                response.setHeader("Location", "\(try subject.render(context).selfBase)/\(Renderer.pathEscaped(hook.uuid))")
                return response
            },
            Route("GET", base + "/{uid}", scope: .webhook) { context in
                let (hooks, index) = try find(context, subject: subject)
                return context.json(try render(hooks[index], subject: subject, context: context))
            },
            Route("PUT", base + "/{uid}", scope: .webhookWrite) { context in
                let (found, index) = try find(context, subject: subject)
                var hooks = found
                hooks[index] = try apply(try context.jsonBody(), to: hooks[index], creating: false)
                try subject.write(context, hooks)
                return context.json(try render(hooks[index], subject: subject, context: context))
            },
            Route("DELETE", base + "/{uid}", scope: .webhookDelete) { context in
                let (found, index) = try find(context, subject: subject)
                var hooks = found
                hooks.remove(at: index)
                try subject.write(context, hooks)
                return .noContent()
            },
        ]
    }

    static func find(_ context: RouteContext, subject: Subject) throws -> ([MockWebhook], Int) {
        let hooks = try subject.read(context)
        let wanted = context.parameter("uid").trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
        guard let index = hooks.firstIndex(where: { $0.uuid.trimmingCharacters(in: CharacterSet(charactersIn: "{}")) == wanted })
        else {
            throw APIError.notFound("Webhook not found")
        }
        return (hooks, index)
    }

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(400, "Bad request", detail: "\(field): \(message)", fields: JSONObject([(field, .array([.string(message)]))]))
    }

    /// `url` and `events` are required on creation; unknown events and non-http(s) URLs are 400s.
    static func apply(_ body: JSON, to hook: MockWebhook, creating: Bool) throws -> MockWebhook {
        guard body.objectValue != nil else { throw APIError.badRequest("Bad request", detail: "Expected a JSON object.") }
        var hook = hook
        if let url = body["url"]?.stringValue {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw invalid("url", "Enter a valid URL.")
            }
            hook.url = url
        } else if creating {
            throw APIError.fieldRequired("url")
        }
        if let events = body["events"]?.arrayValue {
            let names = events.compactMap(\.stringValue)
            if let unknown = names.first(where: { !repositoryEvents.contains($0) }) {
                throw invalid("events", "\"\(unknown)\" is not a valid choice.")
            }
            guard !names.isEmpty else { throw invalid("events", "This list may not be empty.") }
            hook.events = Array(Set(names)).sorted()
        } else if creating {
            throw APIError.fieldRequired("events")
        }
        if let description = body["description"]?.stringValue { hook.description = description }
        if let active = body["active"]?.boolValue { hook.active = active }
        if let skip = body["skip_cert_verification"]?.boolValue { hook.skipCertVerification = skip }
        if let secret = body["secret"] { hook.secret = secret.stringValue }
        return hook
    }

    static func render(_ hook: MockWebhook, subject: Subject, context: RouteContext) throws -> JSON {
        let (subjectJSON, selfBase) = try subject.render(context)
        return [
            "type": "webhook_subscription",
            "uuid": .string(hook.uuid),
            "url": .string(hook.url),
            "description": .string(hook.description),
            "subject_type": .string(subject.type),
            "subject": subjectJSON,
            "active": .bool(hook.active),
            "created_at": .string(Timestamps.objectStyle(hook.createdAt)),
            "events": .array(hook.events.map { .string($0) }),
            "links": ["self": context.renderer.link("\(selfBase)/\(Renderer.pathEscaped(hook.uuid))")],
            "source": .null,
            "read_only": false,
            "history_enabled": false,
            "secret_set": .bool(hook.secret != nil),
            "skip_cert_verification": .bool(hook.skipCertVerification),
        ]
    }
}
