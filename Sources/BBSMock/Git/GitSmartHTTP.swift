import Foundation

/// Git smart HTTP for every repository at `/{workspace}/{slug}.git` (the `.git` is optional, as on
/// Bitbucket), served by running `git http-backend` as a CGI over the repository's bare directory.
///
/// Auth follows Bitbucket: the first request comes without credentials and gets a 401 with
/// `WWW-Authenticate: Basic`, unless it only reads a public repository; then Basic `x-token-auth:<token>`
/// (or a `--basic` user). Fetching needs `repository`, pushing `repository:write`; a credential without
/// the scope gets a 403 whose text git shows as `remote: ...`.
///
/// The service lock is held only to find (and on first use materialise) the repository, never while
/// http-backend runs: git keeps refs and objects consistent between concurrent pushes, clones and the
/// REST routes' own git commands (atomic ref updates, quarantined incoming packs), and holding the lock
/// would stall every REST request behind a large clone.
public struct GitSmartHTTP: Sendable {
    public let store: GitRepositoryStore

    public init(store: GitRepositoryStore) { self.store = store }

    struct Target {
        var workspace: String
        var slug: String
        /// `info/refs`, `git-upload-pack` or `git-receive-pack`.
        var endpoint: String
    }

    static let endpoints = ["info/refs", "git-upload-pack", "git-receive-pack"]

    /// Whether a path (without query) is a git smart HTTP path rather than REST or control.
    public static func isGitPath(_ rawPath: String) -> Bool { target(rawPath) != nil }

    static func target(_ rawPath: String) -> Target? {
        let segments = rawPath.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard segments.count >= 3, segments[0] != "2.0", segments[0] != "_mock" else { return nil }
        let endpoint = segments[2...].joined(separator: "/")
        let slug = segments[1].hasSuffix(".git") ? String(segments[1].dropLast(4)) : segments[1]
        guard endpoints.contains(endpoint) || segments[1].hasSuffix(".git"), !slug.isEmpty else { return nil }
        return Target(workspace: segments[0], slug: slug.lowercased(), endpoint: endpoint)
    }

    public func handle(_ request: MockRequest, remoteAddress: String, service: MockService) -> MockOutcome {
        var logged = request
        logged.body = Data()  // packs are binary and large; the log keeps method, path, headers and status
        let sequence = service.requestLog.record(logged, now: service.configuration.clock())
        if let fault = service.faults.take(method: request.method, path: request.rawPath) {
            switch fault.kind {
            case .drop:
                service.requestLog.complete(sequence, status: nil, fault: fault.kind.name)
                return .dropConnection
            case .status(let status):
                service.requestLog.complete(sequence, status: status, fault: fault.kind.name)
                return .respond(.text("Injected by bbs-mock for testing.\n", status: status))
            case .delay:
                let response = respond(request, remoteAddress: remoteAddress, service: service)
                service.requestLog.complete(sequence, status: response.status, fault: fault.kind.name)
                return .respondAfter(milliseconds: fault.delayMilliseconds, response)
            default:
                break
            }
        }
        let response = respond(request, remoteAddress: remoteAddress, service: service)
        service.requestLog.complete(sequence, status: response.status, fault: nil)
        return .respond(response)
    }

    private func respond(_ request: MockRequest, remoteAddress: String, service: MockService) -> MockResponse {
        guard let target = Self.target(request.rawPath), Self.endpoints.contains(target.endpoint) else {
            return .text("Not found: bbs-mock serves git smart HTTP only (info/refs, git-upload-pack, git-receive-pack).\n", status: 404)
        }
        let gitService: String
        if target.endpoint == "info/refs" {
            guard request.method == "GET" || request.method == "HEAD" else { return .text("Method not allowed\n", status: 405) }
            guard let name = request.queryValue("service"), ["git-upload-pack", "git-receive-pack"].contains(name) else {
                return .text("bbs-mock supports only the smart HTTP protocol; dumb HTTP is not served.\n", status: 403)
            }
            gitService = name
        } else {
            guard request.method == "POST" else { return .text("Method not allowed\n", status: 405) }
            gitService = target.endpoint
        }
        let isPush = gitService == "git-receive-pack"
        let access: Access
        do {
            access = try authorize(request, target: target, isPush: isPush, service: service)
        } catch let refusal as Refusal {
            return refusal.response
        } catch {
            return .text("bbs-mock could not prepare the repository: \(error)\n", status: 500)
        }
        if isPush, target.endpoint == "git-receive-pack", let denial = restrictionDenial(request, access: access, service: service) {
            return Self.refusedPush(request.body, reason: denial)
        }
        do {
            let response = try runBackend(request, target: target, access: access, remoteAddress: remoteAddress)
            if isPush, target.endpoint == "git-receive-pack", response.status == 200 {
                let now = service.configuration.clock()
                service.withState { _ in access.repository.updatedOn = now }
            }
            return response
        } catch {
            return .text("bbs-mock could not run git http-backend: \(error)\n", status: 500)
        }
    }

    struct Access {
        var repository: MockRepository
        var directory: URL
        var user: String?
    }

    struct Refusal: Error {
        var response: MockResponse
    }

    /// 401 before 403 before 404, as for REST; anonymous reads of a public repository pass, and an
    /// unknown or private repository looks the same to an anonymous client (a 401 asking for credentials).
    private func authorize(_ request: MockRequest, target: Target, isPush: Bool, service: MockService) throws -> Access {
        let credential: MockCredential?
        switch service.authenticator.authenticate(authorization: request.header("authorization")) {
        case .rejected:
            throw Refusal(response: Self.unauthorized("Authentication failed: the token or password was not accepted.\n"))
        case .anonymous:
            credential = nil
        case .authenticated(let found):
            credential = found
        }
        return try service.withState { state in
            let repository = state.repository(target.workspace, target.slug)
            guard let credential else {
                guard let repository, !repository.isPrivate, !isPush else {
                    throw Refusal(response: Self.unauthorized("Authentication required.\n"))
                }
                return Access(repository: repository, directory: try materialise(repository), user: nil)
            }
            guard let repository else {
                throw Refusal(response: .text("Repository not found\n", status: 404))
            }
            if isPush || repository.isPrivate, let missing = Scopes.missing(isPush ? .repositoryWrite : .repository, for: credential) {
                var response = MockResponse.text(
                    "Your credentials lack one or more required privilege scopes.\n"
                        + "Required: \(missing.joined(separator: ", ")); granted: \(credential.grantedScopes.joined(separator: ", ")).\n",
                    status: 403)
                response.setHeader("X-Accepted-OAuth-Scopes", isPush ? "repository:write" : "repository")
                throw Refusal(response: response)
            }
            return Access(
                repository: repository, directory: try materialise(repository), user: credential.account.nickname)
        }
    }

    private func materialise(_ repository: MockRepository) throws -> URL {
        switch repository.content {
        case let lazy as GitBackedContentSource:
            let directory = try store.directory(workspace: repository.workspace, slug: repository.slug)
            return try lazy.materialise(at: directory, mainBranch: repository.mainBranch).directory
        case let git as GitContentSource:
            return git.directory
        default:
            throw Refusal(response: .text("This repository is held in memory only and cannot be served over git.\n", status: 501))
        }
    }

    /// Branch restrictions for a push, decided from the ref updates at the head of the request (pkt-lines
    /// `old new refname`), before git sees the pack. A rewrite of history cannot be told apart here (the
    /// new commits are still in the pack), so `force` rules go to the repository's pre-receive hook
    /// (`ForcePushGuard`), which git runs once the pack is in.
    private func restrictionDenial(_ request: MockRequest, access: Access, service: MockService) -> String? {
        let actor = service.authenticator.authenticate(authorization: request.header("authorization"))
        var actorUUID: String?
        if case .authenticated(let credential) = actor { actorUUID = credential.account.uuid }
        return service.withState { state -> String? in
            ForcePushGuard.writePatterns(
                state.enforceBranchRestrictions ? ForcePushGuard.patterns(for: access.repository) : [], in: access.directory)
            guard state.enforceBranchRestrictions, request.header("content-encoding") == nil else { return nil }
            for command in Self.refUpdates(request.body) where command.ref.hasPrefix("refs/heads/") {
                let branch = String(command.ref.dropFirst("refs/heads/".count))
                let zero = String(repeating: "0", count: 40)
                let update: RestrictionEnforcement.Update =
                    command.new == zero ? .delete : command.old == zero ? .create : .move
                if let denial = RestrictionEnforcement.pushDenial(
                    branch: branch, update: update, actor: actorUUID, in: access.repository)
                {
                    return denial
                }
            }
            return nil
        }
    }

    /// A receive-pack answer that refuses every ref of the push, the way a pre-receive hook on Bitbucket
    /// does: git prints `remote: REASON` and `! [remote rejected] main -> main (REASON)`.
    static func refusedPush(_ body: Data, reason: String) -> MockResponse {
        let commands = refUpdates(body)
        let capabilities = firstLineCapabilities(body)
        func packet(_ payload: Data) -> Data { Data(String(format: "%04x", payload.count + 4).utf8) + payload }
        var report = packet(Data("unpack ok\n".utf8))
        for command in commands {
            report += packet(Data("ng \(command.ref) \(reason)\n".utf8))
        }
        report += Data("0000".utf8)
        var body = Data()
        if capabilities.contains("side-band-64k") || capabilities.contains("side-band") {
            body += packet(Data([2]) + Data("\(reason)\n".utf8))
            var offset = 0
            while offset < report.count {
                let end = min(offset + 900, report.count)
                body += packet(Data([1]) + report[offset..<end])
                offset = end
            }
            body += Data("0000".utf8)
        } else {
            body = report
        }
        var response = MockResponse(status: 200, body: body)
        response.setHeader("Content-Type", "application/x-git-receive-pack-result")
        response.setHeader("Cache-Control", "no-cache")
        return response
    }

    /// The capabilities after the NUL of the first command line.
    static func firstLineCapabilities(_ body: Data) -> Set<String> {
        guard body.count > 4, let length = Int(String(decoding: body.prefix(4), as: UTF8.self), radix: 16),
            length > 4, length <= body.count
        else { return [] }
        let line = String(decoding: body[body.startIndex + 4..<body.startIndex + length], as: UTF8.self)
        guard let nul = line.firstIndex(of: "\0") else { return [] }
        return Set(line[line.index(after: nul)...].trimmingCharacters(in: .newlines).split(separator: " ").map(String.init))
    }

    /// The `old new ref` commands of a receive-pack request, up to the flush packet.
    static func refUpdates(_ body: Data) -> [(old: String, new: String, ref: String)] {
        var commands: [(old: String, new: String, ref: String)] = []
        var cursor = body.startIndex
        while body.distance(from: cursor, to: body.endIndex) >= 4,
            let length = Int(String(decoding: body[cursor..<cursor + 4], as: UTF8.self), radix: 16), length >= 4
        {
            guard body.distance(from: cursor, to: body.endIndex) >= length else { break }
            var line = String(decoding: body[(cursor + 4)..<(cursor + length)], as: UTF8.self)
            if let nul = line.firstIndex(of: "\0") { line = String(line[..<nul]) }
            let parts = line.trimmingCharacters(in: .newlines).split(separator: " ").map(String.init)
            if parts.count == 3 { commands.append((parts[0], parts[1], parts[2])) }
            cursor += length
        }
        return commands
    }

    static func unauthorized(_ text: String) -> MockResponse {
        var response = MockResponse.text(text, status: 401)
        response.setHeader("WWW-Authenticate", "Basic realm=\"Bitbucket.org HTTP\"")
        return response
    }

    /// Runs `git http-backend` with the CGI variables it reads, the repository itself as the project
    /// root (so the URL and the directory layout never have to agree), and the fully collected body.
    private func runBackend(_ request: MockRequest, target: Target, access: Access, remoteAddress: String) throws
        -> MockResponse
    {
        var environment = [
            "GIT_PROJECT_ROOT": access.directory.path,
            "PATH_INFO": "/" + target.endpoint,
            "QUERY_STRING": request.rawQueryString,
            "REQUEST_METHOD": request.method,
            "REMOTE_ADDR": remoteAddress,
            "GIT_HTTP_EXPORT_ALL": "1",
            // Pushes and fetches of big repositories are buffered whole; allow more than the 10 MB default.
            "GIT_HTTP_MAX_REQUEST_BUFFER": "512m",
        ]
        if let user = access.user { environment["REMOTE_USER"] = user }
        if request.method == "POST" { environment["CONTENT_LENGTH"] = String(request.body.count) }
        if let type = request.header("content-type") { environment["CONTENT_TYPE"] = type }
        // http-backend inflates gzip bodies itself (git gzips large fetch negotiations).
        if let encoding = request.header("content-encoding") { environment["HTTP_CONTENT_ENCODING"] = encoding }
        // Protocol v2 is asked for with this header; http-backend passes it on as GIT_PROTOCOL.
        if let version = request.header("git-protocol") { environment["HTTP_GIT_PROTOCOL"] = version }
        let result = try store.git.run(
            ["http-backend"], input: request.method == "POST" ? request.body : nil, environment: environment)
        guard var response = Self.parseCGI(result.stdout) else {
            return .text("git http-backend failed: \(result.stderrText)\n", status: 500)
        }
        if response.status >= 500, !result.stderr.isEmpty, response.body.isEmpty {
            response.body = Data("git http-backend: \(result.stderrText)\n".utf8)
        }
        return response
    }

    /// CGI output: header lines (`Status: 403 Forbidden` sets the status), a blank line, the body.
    static func parseCGI(_ output: Data) -> MockResponse? {
        let crlf = output.firstRange(of: Data("\r\n\r\n".utf8))
        let lf = output.firstRange(of: Data("\n\n".utf8))
        let separator = [crlf, lf].compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
        guard let separator else { return nil }
        var response = MockResponse(status: 200, body: Data(output[separator.upperBound...]))
        let headerText = String(decoding: output[..<separator.lowerBound], as: UTF8.self)
        for line in headerText.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if name.lowercased() == "status" {
                response.status = Int(value.prefix(3)) ?? 500
            } else {
                response.headers.append((name, value))
            }
        }
        return response
    }
}
