import Foundation

/// Branch restrictions. Every operation needs `repository:admin` (`admin:repository:bitbucket`), reads
/// included, as in the OpenAPI document; the mock stores the rules but does not enforce them.
enum BranchRestrictionRoutes {
    static let base = RepositoryRoutes.repositoryPath + "/branch-restrictions"

    static let routes: [Route] = [
        Route("GET", base, scope: .repositoryAdmin, list),
        Route("POST", base, scope: .repositoryAdmin, create),
        Route("GET", base + "/{id}", scope: .repositoryAdmin) { context in
            let (repository, index) = try find(context)
            return context.json(context.renderer.branchRestriction(repository.branchRestrictions[index], in: repository))
        },
        Route("PUT", base + "/{id}", scope: .repositoryAdmin, update),
        Route("DELETE", base + "/{id}", scope: .repositoryAdmin) { context in
            let (repository, index) = try find(context)
            repository.branchRestrictions.remove(at: index)
            return MockResponse(status: 204)
        },
    ]

    static func find(_ context: RouteContext) throws -> (MockRepository, Int) {
        let repository = try context.repository()
        guard let id = Int(context.parameter("id")), let index = repository.branchRestrictions.firstIndex(where: { $0.id == id })
        else {
            throw APIError.notFound("Branch restriction \(context.parameter("id")) not found")
        }
        return (repository, index)
    }

    /// In creation order; the documented filters `kind` and `pattern` match exactly.
    static func list(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        var rules = repository.branchRestrictions.sorted { $0.id < $1.id }
        if let kind = context.request.queryValue("kind") { rules = rules.filter { $0.kind == kind } }
        if let pattern = context.request.queryValue("pattern") { rules = rules.filter { $0.pattern == pattern } }
        return context.json(try Pagination(context.request).numberedPage(of: rules) {
            context.renderer.branchRestriction($0, in: repository)
        })
    }

    static func create(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let body = try context.jsonBody()
        guard body["kind"]?.stringValue != nil else { throw APIError.fieldRequired("kind") }
        let draft = MockBranchRestriction(id: repository.nextBranchRestrictionID, kind: "")
        let rule = try apply(body, to: draft, in: repository, state: context.state)
        repository.branchRestrictions.append(rule)
        var response = context.json(context.renderer.branchRestriction(rule, in: repository), status: 201)
        response.setHeader("Location", "\(context.renderer.repositoryAPI(repository))/branch-restrictions/\(rule.id)")
        return response
    }

    /// Changes the fields the body names; the others keep their values.
    static func update(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try find(context)
        let rule = try apply(try context.jsonBody(), to: repository.branchRestrictions[index], in: repository, state: context.state)
        repository.branchRestrictions[index] = rule
        return context.json(context.renderer.branchRestriction(rule, in: repository))
    }

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(400, "Bad request", detail: .string(message), fields: JSONObject([(field, [.string(message)])]))
    }

    /// The body's fields over `rule`, validated as Bitbucket documents them. Shared by the fixture loader.
    static func apply(_ body: JSON, to rule: MockBranchRestriction, in repository: MockRepository, state: MockState) throws
        -> MockBranchRestriction
    {
        guard body.objectValue != nil else { throw APIError.badRequest("Bad request", detail: "Expected a JSON object.") }
        var rule = rule
        if let kind = body["kind"], !kind.isNull {
            guard let text = kind.stringValue, MockBranchRestriction.kinds.contains(text) else {
                throw invalid("kind", "\"\(kind.stringValue ?? kind.serialized())\" is not a valid choice.")
            }
            rule.kind = text
        }
        if let matchKind = body["branch_match_kind"], !matchKind.isNull {
            guard let text = matchKind.stringValue, MockBranchRestriction.matchKinds.contains(text) else {
                throw invalid("branch_match_kind", "\"\(matchKind.stringValue ?? matchKind.serialized())\" is not a valid choice.")
            }
            rule.branchMatchKind = text
        }
        if let pattern = body["pattern"], !pattern.isNull {
            guard let text = pattern.stringValue else { throw invalid("pattern", "A string is required.") }
            rule.pattern = text
        }
        if let branchType = body["branch_type"], !branchType.isNull {
            guard let text = branchType.stringValue, MockBranchRestriction.branchTypes.contains(text) else {
                throw invalid("branch_type", "\"\(branchType.stringValue ?? branchType.serialized())\" is not a valid choice.")
            }
            rule.branchType = text
        }
        if let value = body["value"] {
            if value.isNull {
                rule.value = nil
            } else {
                guard let number = value.intValue else { throw invalid("value", "A valid integer is required.") }
                rule.value = number
            }
        }
        if let users = body["users"], !users.isNull {
            guard let list = users.arrayValue else { throw invalid("users", "Expected a list of users.") }
            rule.userUUIDs = try list.map { try userUUID($0, state: state) }
        }
        if let groups = body["groups"], !groups.isNull {
            guard let list = groups.arrayValue else { throw invalid("groups", "Expected a list of groups.") }
            rule.groups = try list.map { group in
                guard let slug = group.stringValue ?? group["slug"]?.stringValue ?? group["name"]?.stringValue?.lowercased(),
                    !slug.isEmpty
                else { throw invalid("groups", "A group needs a slug.") }
                return slug
            }
        }
        if rule.branchMatchKind == "glob" {
            rule.branchType = nil
            if rule.pattern.isEmpty { throw APIError.fieldRequired("pattern", detail: "A glob restriction needs a pattern.") }
        } else {
            rule.pattern = ""
            if rule.branchType == nil {
                throw APIError.fieldRequired("branch_type", detail: "A branching_model restriction needs a branch_type.")
            }
        }
        if !MockBranchRestriction.kindsWithExemptions.contains(rule.kind) && !(rule.userUUIDs.isEmpty && rule.groups.isEmpty) {
            throw invalid("users", "Users and groups can only be given for push and restrict_merges restrictions.")
        }
        if repository.branchRestrictions.contains(where: { $0.clashes(with: rule) }) {
            let matcher = rule.branchMatchKind == "glob" ? "pattern \"\(rule.pattern)\"" : "branch type \(rule.branchType ?? "")"
            throw APIError(409, "Conflict", detail: .string("A \(rule.kind) restriction for \(matcher) already exists."))
        }
        return rule
    }

    /// A user given as `{"uuid"}`, `{"account_id"}`, `{"nickname"}`/`{"username"}`, or a nickname or UUID string.
    static func userUUID(_ json: JSON, state: MockState) throws -> String {
        let account: MockAccount?
        if let text = json.stringValue {
            account = state.account(nickname: text) ?? state.account(uuid: text)
        } else if let uuid = json["uuid"]?.stringValue {
            account = state.account(uuid: uuid)
        } else if let id = json["account_id"]?.stringValue {
            account = state.accounts.first { $0.accountID == id }
        } else if let name = json["nickname"]?.stringValue ?? json["username"]?.stringValue {
            account = state.account(nickname: name)
        } else {
            account = nil
        }
        guard let account else { throw invalid("users", "No such user: \(json.stringValue ?? json.serialized()).") }
        return account.uuid
    }
}
